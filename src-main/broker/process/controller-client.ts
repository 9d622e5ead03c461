// A broker process's link to the controller (ControllerChannel over controller-server.ts):
// one connection streams the metadata log into the broker's view and carries its session
// (heartbeats, AlterPartition); synchronous writes go through SyncCaller's own connection.
import { createConnection, type Socket } from 'node:net'
import { KafkaError, type ErrorName } from '../errors'
import type { AlterPartitionRequest, AlterPartitionResult } from '../controller/alter-partition'
import { MetadataStore, type ControllerChannel } from '../controller/metadata'
import type { MetadataCommand } from '../controller/quorum-controller'
import type { LoggedRecord } from '../controller/records'
import { onLines, sendLine, type WireError } from './rpc'
import { SyncCaller } from './sync-call'
import type { QuorumInfo } from './quorum-info'

export class ControllerClient implements ControllerChannel {
  readonly view = new MetadataStore()
  private socket?: Socket
  private sync?: SyncCaller
  private nextId = 1
  private readonly pending = new Map<number, (m: Record<string, unknown>) => void>()
  private heartbeatTimer?: NodeJS.Timeout
  /** Network-partition fault: no heartbeats reach the controller while set. */
  isolated = false
  /** Called when the controller answers a heartbeat with an error (fenced, stale epoch). */
  onSessionLost?: (error: string) => void

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Connects, loads the current image and follows the log. */
  async connect(): Promise<MetadataStore> {
    const socket = createConnection({ host: this.host, port: this.port })
    socket.setNoDelay(true)
    this.socket = socket
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const snapshot = await new Promise<LoggedRecord[]>((resolve) => {
      onLines(socket, (m) => {
        if (m.t === 'snapshot') resolve(m.entries as LoggedRecord[])
        else if (m.t === 'records') this.view.replay(m.entries as LoggedRecord[])
        else if (typeof m.id === 'number') {
          const fn = this.pending.get(m.id)
          this.pending.delete(m.id)
          fn?.(m)
        }
      })
      sendLine(socket, { t: 'subscribe' })
    })
    this.sync = new SyncCaller(this.host, this.port)
    this.view.connect(this, snapshot)
    return this.view
  }

  /** Starts the broker's session: heartbeats every `intervalMs`, fencing when this connection closes. */
  startSession(brokerId: number, epoch: number, intervalMs: number): void {
    sendLine(this.socket!, { t: 'session', brokerId, epoch })
    clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = setInterval(() => {
      if (this.isolated) return
      // The replayed offset rides along, as in KRaft's BrokerHeartbeat (DescribeQuorum's observers).
      void this.call({ t: 'heartbeat', brokerId, epoch, offset: this.view.offset }).then((m) => {
        if (m.error && !this.isolated) this.onSessionLost?.(m.error as string)
      })
    }, intervalMs)
    this.heartbeatTimer.unref()
  }

  private call(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      sendLine(this.socket!, { ...msg, id })
    })
  }

  execute(cmd: MetadataCommand): unknown {
    const reply = this.sync!.call({ t: 'exec', cmd, from: this.view.offset })
    if (reply.snapshot) this.view.replay(reply.snapshot as LoggedRecord[], true)
    if (reply.entries) this.view.replay(reply.entries as LoggedRecord[])
    if (reply.error) {
      const e = reply.error as WireError
      throw new KafkaError(e.code as ErrorName, e.message)
    }
    return reply.result
  }

  async alterPartition(req: AlterPartitionRequest): Promise<AlterPartitionResult> {
    if (this.isolated) return { error: 'REQUEST_TIMED_OUT', message: 'the broker is cut off from the controller' }
    const m = await this.call({ t: 'alterPartition', req })
    if (m.error) return { error: (m.error as WireError).code, message: (m.error as WireError).message }
    return m.result as AlterPartitionResult
  }

  /** The quorum as the controller sees it (DescribeQuorum); refused while cut off from the controller. */
  async describeQuorum(): Promise<QuorumInfo> {
    if (this.isolated) throw new KafkaError('REQUEST_TIMED_OUT', 'the broker is cut off from the controller')
    const m = await this.call({ t: 'describeQuorum' })
    if (m.error) throw new KafkaError((m.error as WireError).code as ErrorName, (m.error as WireError).message)
    return m.result as QuorumInfo
  }

  close(): void {
    clearInterval(this.heartbeatTimer)
    this.sync?.close()
    this.socket?.destroy()
  }
}
