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
  return builtEntry('kafkadesk.js')
}

/**
 * The broker process's own bundle (broker-entry.ts), built next to the CLI: it loads the broker
 * alone, not the console and its libraries, which halves a broker process's start.
 */
export function brokerEntry(): string {
  return builtEntry('broker-process.cjs')
}

function builtEntry(file: string): string {
  const self = fileURLToPath(import.meta.url)
  const dir = self.endsWith('.js') ? dirname(self) : resolve(dirname(self), '..', '..', '..', 'out', 'cli')
  const built = resolve(dir, file)
  if (!existsSync(built)) throw new Error(`broker processes run the bundled CLI; build it first (npm run build:cli): ${built} is missing`)
  return built
}

/**
 * V8's first old-generation limit for a broker process, in MB. With V8's own start (a few MB), a
 * broker under steady load settled into a full mark-compact after every scavenge, several per
 * second, once its heap first filled up: acks=all p99 at half load rose to 4.3-10.6 ms (1.6-1.8 ms
 * with this), for about 5 MB more RSS after load (test/bench/README.md).
 */
const INITIAL_OLD_SPACE_MB = 64

/**
 * Node options for broker processes: the heap setting above, then KAFKADESK_BROKER_NODE_OPTIONS
 * (space-separated), for profiling a broker (`--cpu-prof --cpu-prof-dir=DIR`); NODE_OPTIONS
 * refuses such flags.
 */
export function brokerExecArgv(): string[] {
  const extra = (process.env.KAFKADESK_BROKER_NODE_OPTIONS ?? '').split(' ').filter((a) => a !== '')
  return [`--initial-old-space-size=${INITIAL_OLD_SPACE_MB}`, ...extra]
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

export const nodeSpawner: BrokerSpawner = (args, log) => forkBroker(brokerEntry(), args, log)

/** child_process.fork of `entry broker-process ARGS` (an entry that dispatches `broker-process` to broker-main.ts). */
export function forkBroker(entry: string, args: string[], log: (line: string) => void): BrokerChild {
  const child = fork(entry, ['broker-process', ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: brokerExecArgv() })
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
