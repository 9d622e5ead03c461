// The supervisor's control endpoint, for `kafkadesk broker stop|kill|start|isolate|heal ID` and
// `kafkadesk cluster status` run from another terminal: a JSON-lines TCP listener on
// 127.0.0.1 whose port is written, with the supervisor's PID, to <dataDir>/supervisor.json
// (removed on a clean stop). One request a connection: {op, nodeId?} → {ok, status} | {error}.
import { createServer, type Server } from 'node:net'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { onLines, sendLine } from './rpc'
import type { ProcessCluster } from './supervisor'

export const CONTROL_FILE = 'supervisor.json'

export interface ControlFile {
  pid: number
  port: number
}

/**
 * Refuses a second supervisor on a data dir whose supervisor is alive: two controllers would
 * write one metadata log and two brokers of the same id one partition log. A control file left
 * by a supervisor that was killed names a dead process and is taken over.
 */
export function assertNoLiveSupervisor(dataDir: string): void {
  let ctl: ControlFile
  try {
    ctl = JSON.parse(readFileSync(join(dataDir, CONTROL_FILE), 'utf8')) as ControlFile
  } catch {
    return
  }
  if (!Number.isInteger(ctl.pid) || ctl.pid === process.pid) return
  try {
    process.kill(ctl.pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return
  }
  throw new Error(`the cluster in ${dataDir} is already running (supervisor pid ${ctl.pid}); stop it first, or use another data dir`)
}

export interface BrokerStatus {
  nodeId: number
  host: string
  port: number
  pid: number | null
  /** The process: running, or how it last ended (a controlled shutdown, or a kill -9 or crash). */
  state: 'running' | 'stopped' | 'killed'
  /** Not registered and unfenced at the controller: clients are not told about it, it leads nothing. */
  fenced: boolean
  isolated: boolean
  leaderOf: number
  /** Of the partitions it leads, those with another live in-sync replica: their leadership moves at once if it dies. */
  movableLeaders: number
}

/** The controller as `cluster status` shows it: its node id, epoch and Kafka listener (host:port, CONTROLLER). */
export interface ControllerStatus {
  nodeId: number
  epoch: number
  listener: string
}

export function clusterStatus(c: ProcessCluster): { clusterId: string; controller: number; controllerStatus: ControllerStatus; brokers: BrokerStatus[] } {
  const img = c.controller.image
  const leaders = new Map<number, number>()
  const movable = new Map<number, number>()
  for (const t of img.topics.values()) {
    for (const p of t.partitions) {
      leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1)
      if (p.isr.some((r) => r !== p.leader && img.brokers.has(r))) movable.set(p.leader, (movable.get(p.leader) ?? 0) + 1)
    }
  }
  return {
    clusterId: img.clusterId,
    controller: c.controller.nodeId,
    controllerStatus: {
      nodeId: c.controller.nodeId,
      epoch: img.controllerEpoch,
      listener: `${c.controllerListener.host}:${c.controllerListener.port}`,
    },
    brokers: c.brokers.map((b) => ({
      nodeId: b.nodeId,
      host: b.host,
      port: b.port,
      pid: b.stopped ? null : (b.pid ?? null),
      state: b.stopped ? (b.ended ?? 'stopped') : 'running',
      fenced: !img.brokers.has(b.nodeId),
      isolated: b.isolated,
      leaderOf: leaders.get(b.nodeId) ?? 0,
      movableLeaders: movable.get(b.nodeId) ?? 0,
    })),
  }
}

export type BrokerOp = 'stop' | 'kill' | 'start' | 'isolate' | 'heal'

/**
 * One broker operation, as `kafkadesk broker OP ID` and the console's per-broker buttons ask it.
 * Throws an Error saying why it cannot be done.
 */
export async function controlBroker(c: ProcessCluster, op: BrokerOp, nodeId: number): Promise<void> {
  const b = c.brokers.find((x) => x.nodeId === nodeId)
  if (!b) throw new Error(`no broker ${String(nodeId)} in this cluster`)
  if (op === 'stop') await b.stop()
  else if (op === 'kill') await b.kill()
  else if (op === 'start') await b.start()
  else if (op === 'isolate' || op === 'heal') {
    if (b.stopped) throw new Error(`broker ${b.nodeId} is not running`)
    b.isolate(op === 'isolate')
  } else throw new Error(`unknown operation ${String(op)}`)
}

export class ControlServer {
  private server?: Server
  private file = ''

  constructor(private readonly cluster: ProcessCluster) {}

  async listen(): Promise<void> {
    const server = createServer((socket) => {
      socket.on('error', () => {})
      onLines(socket, (m) => void this.handle(m).then((reply) => sendLine(socket, reply)))
    })
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const a = server.address()
    const port = a && typeof a === 'object' ? a.port : 0
    this.file = join(this.cluster.options.dataDir, CONTROL_FILE)
    writeFileSync(this.file, JSON.stringify({ pid: process.pid, port } satisfies ControlFile))
  }

  private async handle(m: Record<string, unknown>): Promise<unknown> {
    try {
      if (m.op !== 'status') await controlBroker(this.cluster, m.op as BrokerOp, m.nodeId as number)
      return { ok: true, status: clusterStatus(this.cluster) }
    } catch (e) {
      return { error: (e as Error).message }
    }
  }

  async close(): Promise<void> {
    if (this.file) rmSync(this.file, { force: true })
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }
}
