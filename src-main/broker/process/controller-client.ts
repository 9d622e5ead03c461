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
  private syncCaller?: SyncCaller
  private nextId = 1
  private readonly pending = new Map<number, (m: Record<string, unknown>) => void>()
  private heartbeatTimer?: NodeJS.Timeout
  private session?: { brokerId: number; epoch: number; intervalMs: number }
  private cut = false
  /** Metadata records that arrived while a catch-up after a heal was under way, applied after it. */
  private held: LoggedRecord[][] | null = null
  /** Called when the controller answers a heartbeat with an error (fenced, stale epoch). */
  onSessionLost?: (error: string) => void

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /**
   * Network-partition fault: while set, nothing passes between this broker and the controller,
   * as if every packet were dropped. The metadata stream is discarded, heartbeats are not sent
   * (the controller fences the broker once broker.session.timeout.ms passes; the connection
   * stays open, as a partition does not close it), and calls fail as timed out. The broker keeps
   * serving clients from the image it had. On heal it catches up on what it missed.
   */
  get isolated(): boolean {
    return this.cut
  }

  set isolated(on: boolean) {
    if (this.cut === on) return
    this.cut = on
    this.syncCaller?.setCut(on)
    if (on) {
      const calls = [...this.pending.values()]
      this.pending.clear()
      for (const fn of calls) fn({ error: { code: 'REQUEST_TIMED_OUT', message: 'the broker is cut off from the controller' } })
    } else void this.catchUp()
  }

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
        if (this.cut) return
        if (m.t === 'snapshot') resolve(m.entries as LoggedRecord[])
        else if (m.t === 'records') {
          if (this.held) this.held.push(m.entries as LoggedRecord[])
          else this.replay(m.entries as LoggedRecord[])
        } else if (typeof m.id === 'number') {
          const fn = this.pending.get(m.id)
          this.pending.delete(m.id)
          fn?.(m)
        }
      })
      sendLine(socket, { t: 'subscribe' })
    })
    this.view.connect(this, snapshot)
    return this.view
  }

  /**
   * The connection synchronous writes use, with its worker thread, which also sends the
   * heartbeats once it runs. Started on first use, or by warm() once the broker is ready: a
   * worker takes tens of milliseconds to boot, which a broker's start should not wait for (it
   * registers over the main connection and heartbeats from its own thread until then).
   */
  private get sync(): SyncCaller {
    if (!this.syncCaller) {
      const caller = new SyncCaller(this.host, this.port, (error) => {
        if (!this.cut) this.onSessionLost?.(error)
      })
      caller.setCut(this.cut)
      caller.progress(this.view.offset)
      this.syncCaller = caller
      if (this.session) {
        // The worker takes the heartbeats over from this thread.
        clearInterval(this.heartbeatTimer)
        caller.heartbeat(this.session.brokerId, this.session.epoch, this.session.intervalMs)
      }
    }
    return this.syncCaller
  }

  /** Boots the synchronous caller's worker ahead of the first admin write; heartbeats move to it. */
  warm(): void {
    void this.sync
  }

  /**
   * Starts the broker's session: heartbeats every `intervalMs` (from the worker thread once it
   * runs, so a busy event loop does not delay them), fencing when this connection closes.
   */
  startSession(brokerId: number, epoch: number, intervalMs: number): void {
    sendLine(this.socket!, { t: 'session', brokerId, epoch })
    this.session = { brokerId, epoch, intervalMs }
    clearInterval(this.heartbeatTimer)
    if (this.syncCaller) {
      this.syncCaller.heartbeat(brokerId, epoch, intervalMs)
      return
    }
    this.heartbeatTimer = setInterval(() => {
      if (this.cut) return
      // The replayed offset rides along, as in KRaft's BrokerHeartbeat (DescribeQuorum's observers).
      void this.call({ t: 'heartbeat', brokerId, epoch, offset: this.view.offset }).then((m) => {
        const e = m.error as WireError | string | null | undefined
        if (e && !this.cut && typeof e === 'string') this.onSessionLost?.(e)
      })
    }, intervalMs)
    this.heartbeatTimer.unref()
  }

  private call(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.cut) return Promise.resolve({ error: { code: 'REQUEST_TIMED_OUT', message: 'the broker is cut off from the controller' } })
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      sendLine(this.socket!, { ...msg, id })
    })
  }

  /** After a heal: the records written while cut off (or a snapshot when too many), then the stream again. */
  private async catchUp(): Promise<void> {
    this.held = []
    const m = await this.call({ t: 'catchUp', from: this.view.offset })
    const held = this.held
    this.held = null
    if (this.cut) return
    this.applyReply(m)
    for (const entries of held) this.replay(entries)
  }

  private applyReply(reply: Record<string, unknown>): void {
    if (reply.snapshot) this.view.resetTo(reply.snapshot as LoggedRecord[])
    if (reply.entries) this.replay(reply.entries as LoggedRecord[])
    this.syncCaller?.progress(this.view.offset)
  }

  /** Applies streamed records; the heartbeating worker learns the new offset. */
  private replay(entries: LoggedRecord[]): void {
    this.view.replay(entries)
    this.syncCaller?.progress(this.view.offset)
  }

  execute(cmd: MetadataCommand): unknown {
    if (this.cut) throw new KafkaError('REQUEST_TIMED_OUT', 'the broker is cut off from the controller')
    const reply = this.sync.call({ t: 'exec', cmd, from: this.view.offset })
    this.applyReply(reply)
    if (reply.error) {
      const e = reply.error as WireError
      throw new KafkaError(e.code as ErrorName, e.message)
    }
    return reply.result
  }

  /** The same over the main connection, without blocking the event loop (registration at start). */
  async executeAsync(cmd: MetadataCommand): Promise<unknown> {
    const reply = await this.call({ t: 'exec', cmd, from: this.view.offset })
    this.applyReply(reply)
    if (reply.error) {
      const e = reply.error as WireError
      throw new KafkaError(e.code as ErrorName, e.message)
    }
    return reply.result
  }

  async alterPartition(req: AlterPartitionRequest): Promise<AlterPartitionResult> {
    const m = await this.call({ t: 'alterPartition', req })
    if (m.error) return { error: (m.error as WireError).code, message: (m.error as WireError).message }
    return m.result as AlterPartitionResult
  }

  /** The quorum as the controller sees it (DescribeQuorum); refused while cut off from the controller. */
  async describeQuorum(): Promise<QuorumInfo> {
    const m = await this.call({ t: 'describeQuorum' })
    if (m.error) throw new KafkaError((m.error as WireError).code as ErrorName, (m.error as WireError).message)
    return m.result as QuorumInfo
  }

  close(): void {
    clearInterval(this.heartbeatTimer)
    this.syncCaller?.close()
    this.socket?.destroy()
  }
}
