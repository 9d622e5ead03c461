// `kafkadesk serve`: the console in a browser. The built renderer and the IPC contract over
// WebSocket, on 127.0.0.1 only, behind a per-launch token carried by the printed URL. The
// embedded cluster comes up where clients expect Kafka, 127.0.0.1:9092 and the next ports, with
// its data kept in the user's data dir between launches; when 9092 is taken it takes free ports
// and says so in one line.
import { parseArgs } from 'node:util'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { defaultRendererDir, startWebServer, type WebServer } from '../ipc/web'
import { Broadcast } from '../ipc/broadcast'
import { openConsole, type ConsoleHandle } from '../ipc/host'
import { userDataDir } from './data-dir'
import { clientConfigLines } from './client-configs'
import { ensureRenderer } from './renderer-build'
import { lockDataDir } from './data-dir-lock'

/** Kafka's usual port: the embedded cluster's first broker takes it when it is free. */
export const DEFAULT_CLUSTER_PORT = 9092

export const serveUsage = `  serve     the console in your browser: serves the UI and its API on 127.0.0.1
            --port P           HTTP port, 0 for a free one (default 0)
            --embedded         run the embedded cluster (the default)
            --brokers N        brokers of the embedded cluster (default 3)
            --cluster-port P   the embedded cluster's first broker port, the others take the
                               next ones (default 9092; free ports when taken; 0: free ports)
            --bootstrap H:P    connect to this cluster instead (host:port[,host:port…])
            --data-dir DIR     where connections, secrets and the embedded cluster live
                               (default: the user's data directory)
`

export interface ServeOptions {
  port: number
  embedded: boolean
  brokers: number
  /** The embedded cluster's first port; taken ports fall back to free ones. Default 0: free ports. */
  clusterPort?: number
  bootstrap?: string
  dataDir: string
  rendererDir?: string
  log?: (line: string) => void
}

export interface RunningServe {
  web: WebServer
  console: ConsoleHandle
  /** Set when the asked cluster port was taken and free ports were used instead. */
  clusterPortFallback?: string
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
        'cluster-port': { type: 'string' },
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
  if (values.bootstrap !== undefined && values['cluster-port'] !== undefined) throw new UsageError('--cluster-port goes with --embedded')
  const clusterPort = Number(values['cluster-port'] ?? DEFAULT_CLUSTER_PORT)
  if (!Number.isInteger(clusterPort) || clusterPort < 0 || clusterPort > 65535)
    throw new UsageError(`--cluster-port must be a port number, got ${values['cluster-port']}`)
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
    clusterPort,
    bootstrap,
    dataDir: resolve(values['data-dir'] ?? userDataDir()),
  }
}

/** Whether 127.0.0.1:port can be listened on right now (what each broker will do). */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer()
    probe.once('error', () => done(false))
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => done(true)))
  })
}

/** The first port of `count` consecutive ones from `first` that is taken, or null. */
async function takenPort(first: number, count: number): Promise<number | null> {
  for (let p = first; p < first + count; p++) if (p > 65535 || !(await portFree(p))) return p
  return null
}

const addressInUse = (e: unknown) => /EADDRINUSE|address already in use/i.test(e instanceof Error ? e.message : String(e))

/** Starts the console (and the embedded cluster when asked) and the web server. */
export async function startServe(opts: ServeOptions): Promise<RunningServe> {
  const log = opts.log ?? (() => {})
  const broadcast = new Broadcast()
  const open = (port: number) =>
    openConsole({ dataDir: opts.dataDir, broadcast, log, embedded: opts.embedded ? { brokers: opts.brokers, port } : undefined, bootstrap: opts.bootstrap })
  let clusterPortFallback: string | undefined
  let port = opts.embedded ? (opts.clusterPort ?? 0) : 0
  const fallback = (taken: number) => {
    clusterPortFallback = `port ${taken} is taken: the embedded cluster uses free ports instead (its address is below)`
    port = 0
  }
  if (port !== 0) {
    const taken = await takenPort(port, opts.brokers)
    if (taken !== null) fallback(taken)
  }
  let handle: ConsoleHandle
  try {
    handle = await open(port)
  } catch (e) {
    // Taken between the probe and the brokers' listen.
    if (port === 0 || !addressInUse(e)) throw e
    fallback(port)
    handle = await open(0)
  }
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
    clusterPortFallback,
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
  const ui = await ensureRenderer(rendererDir, log).catch((e: Error) => {
    log(`building the UI failed: ${e.message}`)
    return 'unavailable' as const
  })
  if (ui === 'unavailable') log(`warning: the UI is not built (${rendererDir}); run \`npm run build:renderer\`, the API works meanwhile`)
  let release: () => void
  try {
    release = lockDataDir(opts.dataDir)
  } catch (e) {
    log(`failed to start: ${(e as Error).message}`)
    process.exit(1)
  }
  let running: RunningServe
  try {
    running = await startServe({ ...opts, rendererDir, log })
  } catch (e) {
    log(`failed to start: ${(e as Error).message}`)
    release()
    process.exit(1)
  }
  const bootstrap = opts.embedded ? running.console.embeddedBootstrap() : null
  const target = opts.embedded ? `embedded cluster (${opts.brokers} broker${opts.brokers === 1 ? '' : 's'}) at ${bootstrap ?? '?'}` : opts.bootstrap
  if (running.clusterPortFallback) process.stdout.write(`${running.clusterPortFallback}\n`)
  process.stdout.write(`Kafkadesk web console for ${target}\n`)
  if (bootstrap) process.stdout.write(`${clientConfigLines(bootstrap).join('\n')}\n`)
  process.stdout.write(`open ${running.web.url}\n`)
  log(`listening on 127.0.0.1:${running.web.port} only; its API needs the token in the printed URL, which changes every launch`)
  log(`data in ${opts.dataDir}; ${running.console.secretsNote()}`)
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping`)
    await running.stop().catch((e: Error) => log(`stop: ${e.message}`))
    release()
    log('stopped')
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}
