// How the supervisor starts a broker process. The CLI forks the bundled CLI entry with
// node's child_process; Electron's cluster host must use utilityProcess.fork, so it passes its
// own BrokerSpawner (console/embedded-spawner.ts). Messages are plain objects both ways.
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface BrokerChild {
  /** May be unknown until the process runs (utilityProcess); the broker also reports it when ready. */
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

/** Splits a stream's text into lines for `log`. */
export function lineSplitter(log: (line: string) => void): (d: string) => void {
  let buf = ''
  return (d) => {
    buf += d
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      log(buf.slice(0, nl))
      buf = buf.slice(nl + 1)
    }
  }
}

export const nodeSpawner: BrokerSpawner = (args, log) => forkBroker(cliEntry(), args, log)

/** child_process.fork of `entry broker-process ARGS` (an entry that dispatches `broker-process` to broker-main.ts). */
export function forkBroker(entry: string, args: string[], log: (line: string) => void): BrokerChild {
  const child = fork(entry, ['broker-process', ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] })
  child.stderr!.setEncoding('utf8').on('data', lineSplitter(log))
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
