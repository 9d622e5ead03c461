// How the supervisor starts a broker process. The CLI forks the bundled CLI entry with
// node's child_process; Electron's cluster host must use utilityProcess.fork, so it passes its
// own BrokerSpawner (see cluster-process.ts). Messages are plain objects both ways.
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface BrokerChild {
  readonly pid: number | undefined
  send(msg: unknown): void
  onMessage(fn: (msg: Record<string, unknown>) => void): void
  onExit(fn: (code: number | null, signal: string | null) => void): void
  /** Ends the process at once, as kill -9 does. */
  kill(): void
}

export type BrokerSpawner = (args: string[], log: (line: string) => void) => BrokerChild

/** The bundled `kafkadesk` CLI: this file when running from the bundle, else the build output next to the sources. */
export function cliEntry(): string {
  const self = fileURLToPath(import.meta.url)
  if (self.endsWith('kafkadesk.js')) return self
  const built = resolve(dirname(self), '..', '..', '..', 'out', 'cli', 'kafkadesk.js')
  if (!existsSync(built)) throw new Error(`broker processes run the bundled CLI; build it first (npm run build:cli): ${built} is missing`)
  return built
}

export const nodeSpawner: BrokerSpawner = (args, log) => {
  const child = fork(cliEntry(), ['broker-process', ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] })
  let buf = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    buf += d
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      log(buf.slice(0, nl))
      buf = buf.slice(nl + 1)
    }
  })
  return {
    pid: child.pid,
    send: (msg) => {
      if (child.connected) child.send(msg as object)
    },
    onMessage: (fn) => child.on('message', (m) => fn(m as Record<string, unknown>)),
    onExit: (fn) => child.once('exit', (code, signal) => fn(code, signal)),
    kill: () => void child.kill('SIGKILL'),
  }
}
