// `kafkadesk serve`: the console in a browser. The built renderer and the IPC contract over
// WebSocket, on 127.0.0.1 only, behind a per-launch token carried by the printed URL.
import { parseArgs } from 'node:util'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { defaultRendererDir, startWebServer, type WebServer } from '../ipc/web'
import { Broadcast } from '../ipc/broadcast'
import { openConsole, type ConsoleHandle } from '../ipc/host'
import { userDataDir } from './data-dir'

export const serveUsage = `  serve     the console in your browser: serves the UI and its API on 127.0.0.1
            --port P           HTTP port, 0 for a free one (default 0)
            --embedded         run the embedded cluster (the default)
            --brokers N        brokers of the embedded cluster (default 3)
            --bootstrap H:P    connect to this cluster instead (host:port[,host:port…])
            --data-dir DIR     where connections, secrets and the embedded cluster live
                               (default: the user's data directory)
`

export interface ServeOptions {
  port: number
  embedded: boolean
  brokers: number
  bootstrap?: string
  dataDir: string
  rendererDir?: string
  log?: (line: string) => void
}

export interface RunningServe {
  web: WebServer
  console: ConsoleHandle
  stop(): Promise<void>
}

export class UsageError extends Error {}

export function parseServeArgs(args: string[]): ServeOptions {
  let values
  try {
    ;({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '0' },
        embedded: { type: 'boolean', default: false },
        brokers: { type: 'string' },
        bootstrap: { type: 'string' },
        'data-dir': { type: 'string' },
      },
      strict: true,
    }))
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got ${values.port}`)
  if (values.bootstrap !== undefined && values.embedded) throw new UsageError('give --bootstrap or --embedded, not both')
  if (values.bootstrap !== undefined && values.brokers !== undefined) throw new UsageError('--brokers goes with --embedded')
  const bootstrap = values.bootstrap?.trim()
  if (bootstrap !== undefined) {
    for (const hp of bootstrap.split(',')) {
      const m = /^(\[[^\]]+\]|[^:,\s]+):(\d{1,5})$/.exec(hp.trim())
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new UsageError(`--bootstrap expects host:port[,host:port…], got ${values.bootstrap}`)
    }
  }
  const brokers = Number(values.brokers ?? '3')
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9) throw new UsageError(`--brokers must be an integer from 1 to 9, got ${values.brokers}`)
  return {
    port,
    embedded: bootstrap === undefined,
    brokers,
    bootstrap,
    dataDir: resolve(values['data-dir'] ?? userDataDir()),
  }
}

/** Starts the console (and the embedded cluster when asked) and the web server. */
export async function startServe(opts: ServeOptions): Promise<RunningServe> {
  const log = opts.log ?? (() => {})
  const broadcast = new Broadcast()
  const handle = await openConsole({ dataDir: opts.dataDir, broadcast, log, embedded: opts.embedded ? { brokers: opts.brokers } : undefined, bootstrap: opts.bootstrap })
  let web: WebServer
  try {
    web = await startWebServer({
      handlers: handle.handlers,
      broadcast,
      onClientGone: (id) => handle.clientGone(id),
      port: opts.port,
      rendererDir: opts.rendererDir,
      log,
    })
  } catch (e) {
    await handle.close()
    throw e
  }
  return {
    web,
    console: handle,
    async stop() {
      await web.close()
      await handle.close()
    },
  }
}

/** The `serve` command: runs until SIGINT/SIGTERM. */
export async function serveCommand(args: string[], fail: (message: string) => never): Promise<void> {
  let opts: ServeOptions
  try {
    opts = parseServeArgs(args)
  } catch (e) {
    if (e instanceof UsageError) fail(e.message)
    throw e
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`)
  const rendererDir = defaultRendererDir()
  if (!existsSync(join(rendererDir, 'index.html'))) {
    log(`warning: the renderer is not built (${rendererDir}); run \`npm run build:renderer\`, the API works meanwhile`)
  }
  let running: RunningServe
  try {
    running = await startServe({ ...opts, rendererDir, log })
  } catch (e) {
    log(`failed to start: ${(e as Error).message}`)
    process.exit(1)
  }
  const target = opts.embedded ? `embedded cluster (${opts.brokers} broker${opts.brokers === 1 ? '' : 's'}) at ${running.console.embeddedBootstrap() ?? '?'}` : opts.bootstrap
  process.stdout.write(`Kafkadesk web console for ${target}\n`)
  process.stdout.write(`open ${running.web.url}\n`)
  log(`listening on 127.0.0.1:${running.web.port} only; the token in the URL is required and changes every launch`)
  log(`data in ${opts.dataDir}; ${running.console.secretsNote()}`)
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping`)
    await running.stop().catch((e: Error) => log(`stop: ${e.message}`))
    log('stopped')
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}
