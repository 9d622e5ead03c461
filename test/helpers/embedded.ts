// Starts the embedded cluster as a user does (the built `kafkadesk cluster` command) on a
// data dir the test chooses, so tests can kill, restart and read its logs.
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface EmbeddedProcess {
  bootstrap: string
  host: string
  port: number
  child: ChildProcess
  /** Everything the process logged so far. */
  stderr(): string
  /** Milliseconds from spawn to the ready line. */
  readyMs: number
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export async function startEmbedded(dataDir: string, args: string[] = []): Promise<EmbeddedProcess> {
  const started = performance.now()
  const child = spawn(process.execPath, [join(repoRoot, 'out/cli/kafkadesk.js'), 'cluster', '--port', '0', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  const bootstrap = await new Promise<string>((ok, fail) => {
    let out = ''
    const timer = setTimeout(() => fail(new Error(`not ready in 30 s: ${log}`)), 30_000)
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const m = /^ready bootstrap=(\S+)$/m.exec(out)
      if (m) {
        clearTimeout(timer)
        ok(m[1])
      }
    })
    child.once('exit', (c) => {
      clearTimeout(timer)
      fail(new Error(`exited ${c} before ready: ${log}`))
    })
  })
  const readyMs = performance.now() - started
  const [host, port] = bootstrap.split(',')[0].split(':')
  return {
    bootstrap,
    host,
    port: Number(port),
    child,
    readyMs,
    stderr: () => log,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}
