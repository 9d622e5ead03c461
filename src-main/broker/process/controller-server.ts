// The controller's endpoint for broker processes (see rpc.ts for the framing). Per connection:
//   {t:'subscribe'}                       → {t:'snapshot', entries} then {t:'records', entries} as written
//   {t:'session', brokerId, epoch}        binds the broker's session to this connection: when it closes, the broker is fenced
//   {id, t:'exec', cmd, from}             → {id, result, entries}  (entries: every record after `from`, so the caller replays its write at once)
//   {id, t:'heartbeat', brokerId, epoch, offset}  → {id, error}  (offset: the last metadata record the broker replayed)
//   {id, t:'alterPartition', req}         → {id, result}
//   {id, t:'describeQuorum'}              → {id, result: QuorumInfo}
//   {id, t:'catchUp', from}               → {id, entries} | {id, snapshot}  (a broker healed from a network partition)
// Errors are {id, error: {code, message}} with Kafka's error names.
import { createServer, type Server, type Socket } from 'node:net'
import { KafkaError } from '../errors'
import type { QuorumController, MetadataCommand } from '../controller/quorum-controller'
import type { AlterPartitionRequest } from '../controller/alter-partition'
import type { LoggedRecord } from '../controller/records'
import { onLines, sendLine } from './rpc'
import { quorumInfo, type ControllerEndpoint, type ObserverProgress, type QuorumInfo } from './quorum-info'

/** Records kept in memory for callers catching up after a write; older ones are in the snapshot. */
const RECENT = 20_000

export class ControllerServer {
  private server?: Server
  private readonly recent: LoggedRecord[] = []
  private readonly sockets = new Set<Socket>()
  /** Each broker's progress on the metadata log, from its heartbeats (DescribeQuorum's observers). */
  private readonly observers = new Map<number, ObserverProgress>()
  port = 0
  /** The controller's Kafka listener (controller-listener.ts), reported in DescribeQuorum once it listens. */
  endpoints: ControllerEndpoint[] = []

  constructor(private readonly controller: QuorumController) {
    controller.subscribe((entries) => {
      this.recent.push(...entries)
      if (this.recent.length > RECENT) this.recent.splice(0, this.recent.length - RECENT)
    })
  }

  async listen(host = '127.0.0.1'): Promise<number> {
    const server = createServer((s) => this.accept(s))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, host, () => resolve())
    })
    const a = server.address()
    this.port = a && typeof a === 'object' ? a.port : 0
    return this.port
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }

  describeQuorum(): QuorumInfo {
    return quorumInfo(this.controller.nodeId, this.controller.image, this.observers, this.endpoints)
  }

  private observe(brokerId: number, offset: unknown): void {
    if (typeof offset !== 'number') return
    const now = Date.now()
    const prev = this.observers.get(brokerId)
    const caughtUp = offset >= this.controller.image.offset
    this.observers.set(brokerId, { offset, lastFetch: now, lastCaughtUp: caughtUp ? now : (prev?.lastCaughtUp ?? -1) })
  }

  private since(from: number): LoggedRecord[] | undefined {
    const first = this.recent[0]
    if (from >= this.controller.image.offset) return []
    if (!first || first.offset > from + 1) return undefined
    return this.recent.filter((e) => e.offset > from)
  }

  /** What a view at `from` lacks: the records after it, or the whole image when they are no longer kept. */
  private catchUp(from: number): { entries: LoggedRecord[] } | { snapshot: LoggedRecord[] } {
    const entries = this.since(from)
    return entries ? { entries } : { snapshot: this.controller.image.toRecords().map((record) => ({ offset: this.controller.image.offset, record })) }
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true)
    this.sockets.add(socket)
    let unsubscribe: (() => void) | undefined
    let session: { brokerId: number; epoch: number } | undefined
    socket.on('error', () => {})
    socket.on('close', () => {
      this.sockets.delete(socket)
      unsubscribe?.()
      if (session) this.controller.fence(session.brokerId, 'controller connection closed', session.epoch)
    })
    onLines(socket, (m) => {
      const id = m.id
      try {
        switch (m.t) {
          case 'subscribe': {
            const sub = this.controller.subscribe((entries) => sendLine(socket, { t: 'records', entries }))
            unsubscribe = sub.unsubscribe
            sendLine(socket, { t: 'snapshot', entries: sub.snapshot })
            break
          }
          case 'session':
            session = { brokerId: m.brokerId as number, epoch: m.epoch as number }
            break
          case 'exec': {
            const result = this.controller.execute(m.cmd as MetadataCommand)
            sendLine(socket, { id, result, ...this.catchUp(m.from as number) })
            break
          }
          case 'catchUp':
            sendLine(socket, { id, ...this.catchUp(m.from as number) })
            break
          case 'heartbeat': {
            const error = this.controller.heartbeat(m.brokerId as number, m.epoch as number)
            if (!error) this.observe(m.brokerId as number, m.offset)
            sendLine(socket, { id, error })
            break
          }
          case 'describeQuorum':
            sendLine(socket, { id, result: this.describeQuorum() })
            break
          case 'alterPartition':
            sendLine(socket, { id, result: this.controller.alterPartition(m.req as AlterPartitionRequest) })
            break
          default:
            sendLine(socket, { id, error: { code: 'INVALID_REQUEST', message: `unknown controller call ${String(m.t)}` } })
        }
      } catch (e) {
        const err = e instanceof KafkaError ? { code: e.errorName, message: e.message } : { code: 'UNKNOWN_SERVER_ERROR', message: (e as Error).message }
        sendLine(socket, { id, error: err })
      }
    })
  }
}
