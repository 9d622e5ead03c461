// Broker processes of the desktop app's embedded cluster. The cluster (its supervisor and
// controller) runs in a utility process, and only the main process may call
// utilityProcess.fork; a packaged app cannot child_process.fork either (its runAsNode fuse is
// off). So the cluster process asks the main process to start each broker and the main process
// relays the broker's messages, stderr and exit back:
//   cluster → main   {broker: {key, op: 'spawn', args} | {key, op: 'send', msg} | {key, op: 'kill'}}
//   main → cluster   {broker: {key, ev: 'spawned', pid} | {key, ev: 'message', msg} | {key, ev: 'stderr', line} | {key, ev: 'exit', code}}
// The broker runs the cluster-process entry itself with `broker-process ARGS` (cluster-process.ts).
import type { UtilityProcess } from 'electron'
import { brokerExecArgv, lineSplitter, type BrokerChild, type BrokerSpawner } from '../broker/process/spawner'

export interface RelayPort {
  postMessage(msg: unknown): void
}

type FromMain =
  | { key: number; ev: 'spawned'; pid: number }
  | { key: number; ev: 'message'; msg: Record<string, unknown> }
  | { key: number; ev: 'stderr'; line: string }
  | { key: number; ev: 'exit'; code: number | null }
type ToMain = { key: number; op: 'spawn'; args: string[] } | { key: number; op: 'send'; msg: unknown } | { key: number; op: 'kill' }

/** The cluster process's side: a BrokerSpawner whose processes the main process starts. Feed it every `broker` message from the main process. */
export function relaySpawner(port: RelayPort): { spawner: BrokerSpawner; receive(m: FromMain): void } {
  let nextKey = 1
  const children = new Map<
    number,
    {
      pid?: number
      log: (line: string) => void
      message: ((m: Record<string, unknown>) => void)[]
      exit: ((code: number | null, signal: string | null) => void)[]
    }
  >()
  const post = (m: ToMain) => port.postMessage({ broker: m })
  const spawner: BrokerSpawner = (args, log) => {
    const key = nextKey++
    const c = {
      pid: undefined as number | undefined,
      log,
      message: [] as ((m: Record<string, unknown>) => void)[],
      exit: [] as ((code: number | null, signal: string | null) => void)[],
    }
    children.set(key, c)
    post({ key, op: 'spawn', args })
    const child: BrokerChild = {
      get pid() {
        return c.pid
      },
      send: (msg) => post({ key, op: 'send', msg }),
      onMessage: (fn) => void c.message.push(fn),
      onExit: (fn) => void c.exit.push(fn),
      kill: () => post({ key, op: 'kill' }),
    }
    return child
  }
  return {
    spawner,
    receive(m) {
      const c = children.get(m.key)
      if (!c) return
      if (m.ev === 'spawned') c.pid = m.pid
      else if (m.ev === 'message') for (const fn of c.message) fn(m.msg)
      else if (m.ev === 'stderr') c.log(m.line)
      else if (m.ev === 'exit') {
        children.delete(m.key)
        for (const fn of c.exit) fn(m.code, null)
      }
    },
  }
}

type Fork = (modulePath: string, args?: string[], options?: { stdio?: 'pipe'; serviceName?: string; execArgv?: string[] }) => UtilityProcess

/** The main process's side: starts broker utility processes for one cluster process and relays them. */
export class BrokerRelay {
  private readonly children = new Map<number, UtilityProcess>()

  constructor(
    private readonly fork: Fork,
    /** The cluster-process entry, which runs a broker when given `broker-process`. */
    private readonly entry: string,
  ) {}

  /** Handles one `broker` message of the cluster process; replies go to `cluster`. */
  handle(m: ToMain, cluster: RelayPort): void {
    const reply = (r: FromMain) => cluster.postMessage({ broker: r })
    if (m.op === 'spawn') {
      const child = this.fork(this.entry, ['broker-process', ...m.args], { stdio: 'pipe', serviceName: 'Kafkadesk broker', execArgv: brokerExecArgv() })
      this.children.set(m.key, child)
      child.once('spawn', () => reply({ key: m.key, ev: 'spawned', pid: child.pid! }))
      child.on('message', (msg: Record<string, unknown>) => reply({ key: m.key, ev: 'message', msg }))
      child.stderr?.setEncoding('utf8').on(
        'data',
        lineSplitter((line) => reply({ key: m.key, ev: 'stderr', line })),
      )
      child.once('exit', (code: number) => {
        this.children.delete(m.key)
        reply({ key: m.key, ev: 'exit', code })
      })
    } else if (m.op === 'send') this.children.get(m.key)?.postMessage(m.msg)
    else if (m.op === 'kill') {
      // kill -9, as `kafkadesk broker kill` does: UtilityProcess.kill() would be a SIGTERM, a clean stop.
      const pid = this.children.get(m.key)?.pid
      if (pid) process.kill(pid, 'SIGKILL')
    }
  }

  /** The cluster process is gone: its brokers go with it, as when a `kafkadesk cluster` dies. */
  killAll(): void {
    for (const c of this.children.values()) if (c.pid) process.kill(c.pid, 'SIGKILL')
    this.children.clear()
  }
}
