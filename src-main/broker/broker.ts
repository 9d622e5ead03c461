import { FetchSessionCache } from './apis/fetch-sessions'
import { FetchPurgatory, type WatchedPartition } from './apis/fetch-purgatory'
import type { Socket } from 'node:net'
import { chmodSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Connection } from './server/connection'
import { noFaults, validateFaults, type Faults } from './server/faults'
import { apiDefinitions } from './apis/index'
import type { ApiDefinition, RequestContext } from './apis/registry'
import { BrokerConfig } from './broker-config'
import type { MetadataStore, TopicMetadata } from './controller/metadata'
import { DIR_MODE, PartitionLog } from './storage/partition-log'
import { fileHandles } from './storage/file-handles'
import { StorageError } from './storage/storage-error'
import { logConfigFrom } from './storage/log-config'
import { GroupCoordinator } from './coordinator/group-coordinator'
import { TransactionCoordinator } from './coordinator/transaction-coordinator'
import { ReplicaManager } from './replication/replica-manager'
import { LogCleaner } from './storage/cleaner/log-cleaner'
import { BrokerListeners, authorizerFor } from './server/broker-listeners'
import type { ConnectionSecurity } from './security/connection-security'
import type { Authorizer } from './security/authorizer'
import type { PeerSecurity } from './security/inter-broker-security'
import type { BrokerEndpoint } from './controller/metadata'

export interface BrokerOptions {
  nodeId: number
  host: string
  port: number
  /** This broker's log directory (Kafka's log.dirs). */
  logDir: string
  metadata: MetadataStore
  staticConfigs?: Record<string, string>
  log?: (line: string) => void
}

export interface ClientActivity {
  clientId: string | null
  address: string
  lastSeen: number
  requests: Record<string, number>
}

/** One Kafka broker: a listener, its partition logs and the APIs it serves. */
export class Broker {
  readonly nodeId: number
  readonly host: string
  port: number
  /** True until start() and after stop()/kill(). */
  stopped = true
  readonly logDir: string
  readonly metadata: MetadataStore
  readonly config: BrokerConfig
  readonly apis = new Map<number, ApiDefinition>()
  readonly activity = new Map<string, ClientActivity>()
  readonly groupCoordinator: GroupCoordinator
  readonly transactionCoordinator: TransactionCoordinator
  /** Leader and follower duties of the partitions this broker hosts (replication/). */
  readonly replicas: ReplicaManager
  /** Incremental fetch sessions of this broker's followers (apis/fetch-sessions.ts). */
  readonly fetchSessions = new FetchSessionCache()
  /** Compacts the logs of compacted topics in the background (storage/cleaner). */
  readonly cleaner: LogCleaner
  /** Open partition logs by topic, then partition (a topic change touches only its own). */
  private readonly logs = new Map<string, Map<number, PartitionLog>>()
  private readonly connections = new Set<Connection>()
  /** Kafka's listeners (server/listeners.ts): one socket server each, TLS and SASL as configured. */
  private readonly listeners: BrokerListeners
  /** The ACL authorizer when authorizer.class.name is set (security/authorizer.ts). */
  readonly authorizer?: Authorizer
  /** Long-polling fetches waiting for their partitions to change (apis/fetch-purgatory.ts). */
  private readonly fetchPurgatory = new FetchPurgatory()
  private faultState: Faults = { ...noFaults }
  private resumeWaiters: (() => void)[] = []
  private readonly logLine: (line: string) => void
  private retentionTimer?: NodeJS.Timeout
  private idleTimer?: NodeJS.Timeout

  constructor(opts: BrokerOptions) {
    this.nodeId = opts.nodeId
    this.host = opts.host
    this.port = opts.port
    this.logDir = opts.logDir
    this.metadata = opts.metadata
    this.config = new BrokerConfig(opts.metadata, { 'log.dirs': opts.logDir, ...opts.staticConfigs }, opts.nodeId)
    this.logLine = opts.log ?? ((l) => process.stderr.write(`${l}\n`))
    for (const api of apiDefinitions) this.apis.set(api.key, api)
    this.listeners = new BrokerListeners({
      nodeId: this.nodeId,
      host: this.host,
      staticConfigs: this.config.staticConfigs,
      security: this.metadata.security,
      accept: (socket: Socket, security: ConnectionSecurity) => this.connections.add(new Connection(socket, this, security)),
      log: (l) => this.log(l),
    })
    this.authorizer = authorizerFor(this.config.staticConfigs, this.metadata.security)
    this.groupCoordinator = new GroupCoordinator(this)
    this.transactionCoordinator = new TransactionCoordinator(this)
    this.replicas = new ReplicaManager({
      nodeId: this.nodeId,
      topics: () => this.metadata.topics.values(),
      topic: (name) => this.metadata.topics.get(name),
      endpoint: (id) => {
        const b = this.metadata.brokers.get(id)
        return b && { host: b.host, port: b.port, security: this.interBrokerSecurity }
      },
      partitionLog: (topic, partition) => this.partitionLog(topic, partition),
      alterPartition: (req) => this.metadata.alterPartition(req),
      configInt: (name) => this.config.int(name),
      minInsyncReplicas: (t) => Number(this.config.topicConfigValues(t.configs)['min.insync.replicas']),
      highWatermarkMoved: (topic, partition) => this.fetchPurgatory.wakeReaders(topic, partition),
      log: (line) => this.log(line),
    })
    this.cleaner = new LogCleaner({
      logDir: this.logDir,
      logs: () => this.partitionLogs(),
      config: (name) => this.config.get(name),
      log: (line) => this.log(line),
    })
    // the data is the user's alone (Kafka leaves this to the umask; a desktop tool should not)
    mkdirSync(this.logDir, { recursive: true, mode: DIR_MODE })
    chmodSync(this.logDir, DIR_MODE)
    this.metadata.onTopicChange((topic) => {
      if (!this.stopped) this.topicChanged(topic)
    })
  }

  /** TLS/SASL settings for connections to the other brokers' inter-broker listener (undefined on PLAINTEXT). */
  get interBrokerSecurity(): PeerSecurity | undefined {
    return this.listeners.interBrokerSecurity
  }

  log(line: string): void {
    this.logLine(`[broker ${this.nodeId}] ${line}`)
  }

  async start(): Promise<void> {
    this.stopped = false
    fileHandles.maxOpen = this.config.int('log.open.files.max')
    this.openLogs()
    await this.listeners.start(this.port)
    this.port = this.listeners.interBrokerPort
    await this.metadata.registerBrokerAsync(this.endpoint())
    this.replicas.start()
    this.groupCoordinator.start()
    this.transactionCoordinator.start()
    this.retentionTimer = setInterval(() => this.enforceRetention(), 30_000)
    this.retentionTimer.unref()
    this.startIdleSweep()
    this.cleaner.start()
    this.log(`listening on ${this.host}:${this.port}`)
  }

  /** What this broker registers with the controller: its inter-broker address and every listener's advertised endpoint. */
  endpoint(): BrokerEndpoint {
    return { nodeId: this.nodeId, host: this.host, port: this.port, rack: null, listeners: this.listeners.endpoints() }
  }

  /** Stops cleanly: connections closed, logs flushed and marked clean. */
  async stop(): Promise<void> {
    await this.shutdown(true)
  }

  /** Stops as a crash would: connections dropped, logs left unflushed and unmarked, so the next start recovers them. */
  async kill(): Promise<void> {
    await this.shutdown(false)
  }

  private async shutdown(clean: boolean): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.retentionTimer)
    clearInterval(this.idleTimer)
    await this.cleaner.stop()
    this.groupCoordinator.stop()
    this.transactionCoordinator.stop()
    this.replicas.stop()
    this.metadata.unregisterBroker(this.nodeId)
    for (const c of [...this.connections]) c.close()
    await this.listeners.stop()
    this.fetchPurgatory.wakeAll()
    this.faultState = { ...noFaults }
    for (const r of this.resumeWaiters.splice(0)) r()
    // close() never throws: a log it cannot flush (full disk, EIO) is logged and left for recovery
    let unclean = 0
    let closed = 0
    const t0 = performance.now()
    for (const logs of this.logs.values()) {
      for (const log of logs.values()) {
        closed++
        if (!log.close({ clean }) && clean) unclean++
      }
    }
    if (closed > 1000) this.log(`closed ${closed} partition logs in ${Math.round(performance.now() - t0)} ms`)
    if (unclean > 0) this.log(`${unclean} partition logs could not be closed cleanly; they will be recovered on the next start`)
    this.logs.clear()
  }

  get faults(): Readonly<Faults> {
    return this.faultState
  }

  /** Injects faults (see server/faults.ts); clearing `paused` releases the held requests. */
  setFaults(f: Partial<Faults>): Readonly<Faults> {
    const next = { ...this.faultState, ...f }
    validateFaults(next)
    this.faultState = next
    if (!next.paused) for (const r of this.resumeWaiters.splice(0)) r()
    this.log(`faults: latency ${next.latencyMs} ms, drop rate ${next.dropRate}, ${next.paused ? 'paused' : 'serving'}`)
    return next
  }

  /** Resolves when the broker is not paused (immediately if it is not). */
  whenServing(): Promise<void> {
    if (!this.faultState.paused || this.stopped) return Promise.resolve()
    return new Promise((r) => this.resumeWaiters.push(r))
  }

  /**
   * connections.max.idle.ms, checked by one sweep over the connections as Kafka's selector does.
   * (A per-socket timeout would be refreshed on every read and write, a timer-list insert each.)
   */
  private startIdleSweep(): void {
    const idleMs = this.config.int('connections.max.idle.ms')
    if (idleMs <= 0) return
    this.idleTimer = setInterval(
      () => {
        const now = Date.now()
        for (const c of [...this.connections]) c.closeIfIdle(now, idleMs)
      },
      Math.max(100, Math.min(idleMs / 4, 30_000)),
    )
    this.idleTimer.unref()
  }

  connectionClosed(c: Connection): void {
    this.connections.delete(c)
  }

  recordActivity(ctx: RequestContext): void {
    const key = `${ctx.clientId}@${ctx.clientAddress}`
    let a = this.activity.get(key)
    if (!a) {
      if (this.activity.size > 1000) this.activity.delete(this.activity.keys().next().value!)
      a = { clientId: ctx.clientId, address: ctx.clientAddress, lastSeen: 0, requests: {} }
      this.activity.set(key, a)
    }
    a.lastSeen = Date.now()
    const name = this.apis.get(ctx.header.apiKey)?.name ?? String(ctx.header.apiKey)
    a.requests[name] = (a.requests[name] ?? 0) + 1
  }

  apiVersionList(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.apis.values()].sort((a, b) => a.key - b.key).map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion }))
  }

  // ---- partition logs ----

  private partitionDir(topic: string, partition: number): string {
    return join(this.logDir, `${topic}-${partition}`)
  }

  /**
   * Opens the logs of every hosted partition, recovering those not shut down cleanly (their
   * tails are checked here, as Kafka does at start-up). Segment files are not held open: the
   * fd pool opens them on use, so start-up with many partitions stays within the fd limit.
   */
  private openLogs(): void {
    const t0 = performance.now()
    let n = 0
    for (const t of this.metadata.topics.values()) {
      for (const p of t.partitions) if (p.replicas.includes(this.nodeId) && this.tryOpenLog(t.name, p.partition)) n++
    }
    if (n > 0) this.log(`opened ${n} partition logs in ${Math.round(performance.now() - t0)} ms`)
  }

  /** Opens a log, logging instead of throwing (a partition that cannot be opened is retried on its next use). */
  private tryOpenLog(topic: string, partition: number): boolean {
    try {
      return this.partitionLog(topic, partition) !== undefined
    } catch (e) {
      this.log(`partition ${topic}-${partition} could not be opened: ${(e as Error).message}`)
      return false
    }
  }

  /**
   * The log of a partition this broker hosts, opened (and created) on first use. Throws a
   * StorageError when its files cannot be created (a full disk).
   */
  partitionLog(topic: string, partition: number): PartitionLog | undefined {
    let logs = this.logs.get(topic)
    const found = logs?.get(partition)
    if (found) return found
    const t = this.metadata.topics.get(topic)
    const p = t?.partitions[partition]
    if (!t || !p || !p.replicas.includes(this.nodeId)) return undefined
    let log: PartitionLog
    try {
      log = PartitionLog.open(this.partitionDir(topic, partition), logConfigFrom(this.config.topicConfigValues(t.configs)), { log: (l) => this.log(l) })
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (e instanceof StorageError || typeof code !== 'string') throw e
      throw new StorageError(code, this.partitionDir(topic, partition), 'open', e)
    }
    if (!logs) this.logs.set(topic, (logs = new Map()))
    logs.set(partition, log)
    return log
  }

  /** Every open partition log of this broker (the log cleaner walks them). */
  *partitionLogs(): Generator<{ topic: string; partition: number; log: PartitionLog }> {
    for (const [topic, logs] of this.logs) for (const [partition, log] of logs) yield { topic, partition, log }
  }

  isLeader(topic: string, partition: number): boolean {
    return this.metadata.topics.get(topic)?.partitions[partition]?.leader === this.nodeId
  }

  private topicChanged(topic: string): void {
    const t = this.metadata.topics.get(topic)
    const logs = this.logs.get(topic)
    if (logs && !t) {
      for (const [partition, log] of logs) {
        log.close()
        rmSync(this.partitionDir(topic, partition), { recursive: true, force: true })
      }
      this.logs.delete(topic)
    } else if (logs && t) {
      const config = logConfigFrom(this.config.topicConfigValues(t.configs))
      for (const log of logs.values()) log.config = config
    }
    if (t) for (const p of t.partitions) if (p.replicas.includes(this.nodeId)) this.tryOpenLog(t.name, p.partition)
    this.replicas.topicChanged(topic)
  }

  topic(name: string): TopicMetadata | undefined {
    return this.metadata.topics.get(name)
  }

  private enforceRetention(): void {
    for (const log of [...this.logs.values()].flatMap((m) => [...m.values()])) {
      try {
        log.enforceRetention(Date.now())
      } catch (e) {
        this.log(`retention failed: ${(e as Error).message}`)
      }
    }
  }

  // ---- fetch purgatory: long-polling fetches wait here until data arrives or time runs out ----

  /** Wakes the fetches waiting on a partition; called after each append to it. */
  notifyAppend(topic: string, partition: number): void {
    this.fetchPurgatory.wake(topic, partition)
  }

  /**
   * Resolves after the next append to one of `partitions` or, for a consumer, the next move of
   * one's high watermark; or after `ms`, whichever comes first.
   */
  waitForAppend(ms: number, partitions: readonly WatchedPartition[], follower = false): Promise<void> {
    return this.fetchPurgatory.watch(ms, partitions, follower)
  }
}
