// The controller: the one writer of the metadata log (KRaft's QuorumController, with a quorum
// of one). Brokers send it commands (create a topic, register, heartbeat, change an ISR…); it
// validates them against its image, appends records, applies them and pushes them to every
// subscribed broker, which replays them. It fences a broker whose session ends (heartbeats stop
// for broker.session.timeout.ms, or its process or connection is seen gone) and elects leaders:
// from the ISR, or any live replica when unclean.leader.election.enable, back to the preferred
// replica with auto.leader.rebalance.enable and on ElectLeaders.
import { randomBytes } from 'node:crypto'
import { KafkaError } from '../errors'
import { alterPartition, type AlterPartitionRequest, type AlterPartitionResult } from './alter-partition'
import { MetadataImage, partitionRecord, type PartitionAssignment, type TopicMetadata, type BrokerEndpoint } from './metadata-image'
import { MetadataLog, legacyRecords, retireLegacyFile } from './metadata-log'
import { StorageError } from '../storage/storage-error'
import type { LoggedRecord, MetadataRecord } from './records'
import { FEATURES } from './features'
import { executeSecurityCommand, type SecurityCommand } from '../security/security-commands'
import { executeQuotaCommand, type QuotaCommand } from '../quotas/quota-commands'

/** Kafka hands producer ids to brokers in blocks of 1000 (AllocateProducerIds). */
export const PRODUCER_ID_BLOCK = 1000

/**
 * Session defaults. The timeout is Kafka's (broker.session.timeout.ms = 9000): a broker sends its
 * heartbeats from the same thread that applies metadata and serves requests, so creating a few
 * thousand partitions on a busy 2-core machine holds them back for seconds; at 3 s such a
 * broker was fenced in the middle of a CreateTopics and lost every leadership. A process that
 * dies is still fenced at once (its exit and its controller connection's close are seen), so the
 * timeout only decides how soon a hung, paused or cut-off broker is fenced. Heartbeats go out
 * more often than Kafka's 2 s, which costs nothing locally.
 */
export const DEFAULT_SESSION_TIMEOUT_MS = 9000
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 500
/**
 * Kafka's initial.broker.registration.timeout.ms: how long a registered broker may take to send
 * its first heartbeat. A broker starts heartbeating once it has applied the metadata its
 * registration produced (leadership of every partition it hosts, 50,000 of them in the
 * many-partitions test); its session clock starts then, as a KRaft broker is unfenced only by a
 * heartbeat. A process that dies before is fenced at once all the same (its exit is seen).
 */
export const DEFAULT_INITIAL_REGISTRATION_TIMEOUT_MS = 60_000

export type MetadataCommand =
  | { op: 'createTopic'; name: string; partitions: PartitionAssignment[]; configs: Record<string, string>; internal: boolean }
  | { op: 'deleteTopic'; name: string }
  | { op: 'addPartitions'; name: string; partitions: PartitionAssignment[] }
  | { op: 'setTopicConfigs'; name: string; configs: Record<string, string> }
  | { op: 'setBrokerConfigs'; configs: Record<string, string>; nodeId?: number }
  | { op: 'allocateProducerIds'; brokerId: number }
  | { op: 'registerBroker'; endpoint: BrokerEndpoint; pid?: number; session: boolean }
  | { op: 'controlledShutdown'; brokerId: number; brokerEpoch: number }
  | { op: 'electLeaders'; electionType: 0 | 1; partitions: { topic: string; partition: number }[] | null }
  | { op: 'reassign'; topic: string; partition: number; replicas: number[] | null }
  /** AlterUserScramCredentials, CreateAcls, DeleteAcls (security/security-commands.ts). */
  | SecurityCommand
  /** AlterClientQuotas (quotas/quota-commands.ts). */
  | QuotaCommand

export interface ElectionResult {
  topic: string
  partition: number
  error: string | null
  message: string | null
}

export interface ControllerOptions {
  dataDir: string
  /** Static broker configs (as the brokers get them), for the controller's own settings. */
  configs?: Record<string, string>
  log?: (line: string) => void
}

type Subscriber = (entries: LoggedRecord[]) => void

export class QuorumController {
  readonly image = new MetadataImage()
  /** The controller's node id as DescribeQuorum reports it; brokers are numbered from 1. */
  readonly nodeId = 0
  private readonly mdlog: MetadataLog
  private readonly subscribers = new Set<Subscriber>()
  private readonly sessions = new Map<number, { epoch: number; deadline: number }>()
  private readonly logLine: (line: string) => void
  private sessionTimer?: NodeJS.Timeout
  private rebalanceTimer?: NodeJS.Timeout
  /** Broker id → time of its last heartbeat, for DescribeQuorum's observers. */
  readonly lastContact = new Map<number, number>()
  private closed = false
  /** Brokers whose fencing the metadata log refused (a full disk): retried by the session timer. */
  private readonly pendingFences = new Map<number, { epoch: number; reason: string }>()

  constructor(readonly options: ControllerOptions) {
    this.logLine = options.log ?? (() => {})
    this.mdlog = new MetadataLog(options.dataDir)
    const persisted = this.mdlog.load()
    for (const e of persisted) this.image.apply(e.offset, e.record)
    if (persisted.length === 0) {
      const legacy = legacyRecords(options.dataDir)
      const first: MetadataRecord[] = legacy ?? [{ type: 'Cluster', clusterId: randomBytes(16).toString('base64url') }]
      this.commit(first)
      if (legacy) {
        retireLegacyFile(options.dataDir)
        this.log(`metadata migrated from the legacy cluster-metadata.json into the metadata log`)
      }
    }
    const features: MetadataRecord[] = []
    for (const [name, level] of Object.entries(FEATURES))
      if (this.image.features.get(name) === undefined) features.push({ type: 'FeatureLevel', name, featureLevel: level.finalized })
    // Every broker of the previous run is gone: fence the ones still marked live, so their
    // partitions are led by whoever registers first, as after a full restart of Kafka.
    for (const reg of this.image.registrations.values()) if (!reg.fenced) features.push(...this.fenceRecords(reg.nodeId))
    // This controller takes over the metadata log with the next epoch, as a KRaft leader writes
    // a LeaderChange record on election: the epoch tells a restarted controller from the last one.
    features.push({ type: 'LeaderChange', leaderId: this.nodeId, leaderEpoch: this.image.controllerEpoch + 1 })
    this.commit(features)
    this.sessionTimer = setInterval(() => this.expireSessions(), 100)
    this.sessionTimer.unref()
    const every = this.setting('leader.imbalance.check.interval.seconds', '300')
    this.rebalanceTimer = setInterval(
      () => {
        try {
          this.autoRebalance()
        } catch (e) {
          // a full disk refuses the elections: they are tried again on the next check
          if (!(e instanceof KafkaError)) throw e
        }
      },
      Math.max(1, Number(every)) * 1000,
    )
    this.rebalanceTimer.unref()
  }

  private log(line: string): void {
    this.logLine(`[controller] ${line}`)
  }

  get clusterId(): string {
    return this.image.clusterId
  }

  close(): void {
    this.closed = true
    clearInterval(this.sessionTimer)
    clearInterval(this.rebalanceTimer)
    this.mdlog.close()
    this.subscribers.clear()
  }

  /** The current image as records (a snapshot) and every later record as it is written. */
  subscribe(fn: Subscriber): { snapshot: LoggedRecord[]; unsubscribe: () => void } {
    const snapshot = this.image.toRecords().map((record) => ({ offset: this.image.offset, record }))
    this.subscribers.add(fn)
    return { snapshot, unsubscribe: () => this.subscribers.delete(fn) }
  }

  /**
   * Writes records to the metadata log, then applies and publishes them. A write the disk refuses
   * (full, failing) changes nothing: the log is cut back, the image and brokers see nothing, and
   * the caller gets KAFKA_STORAGE_ERROR, as a partition log's append does.
   */
  private commit(records: MetadataRecord[]): LoggedRecord[] {
    if (records.length === 0 || this.closed) return []
    let entries: LoggedRecord[]
    try {
      entries = this.mdlog.append(records)
    } catch (e) {
      if (!(e instanceof StorageError)) throw e
      this.log(`metadata log write refused: ${e.message}; ${records.length} record(s) not written`)
      throw new KafkaError('KAFKA_STORAGE_ERROR', `The controller could not write its metadata log (${e.code}).`)
    }
    for (const e of entries) this.image.apply(e.offset, e.record)
    for (const s of this.subscribers) s(entries)
    if (this.mdlog.wantsSnapshot()) {
      const failed = this.mdlog.snapshot(this.image.offset, this.image.toRecords())
      if (failed) this.log(`metadata snapshot not written (${failed.message}); the log keeps every record`)
    }
    return entries
  }

  /** A broker-level setting as the controller sees it: dynamic cluster default, static, Kafka's default. */
  private setting(name: string, fallback: string, topic?: TopicMetadata): string {
    return topic?.configs[name] ?? this.image.brokerConfigs[name] ?? this.options.configs?.[name] ?? fallback
  }

  // ---- commands ----

  execute(cmd: MetadataCommand): unknown {
    switch (cmd.op) {
      case 'createTopic': {
        if (this.image.topics.has(cmd.name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${cmd.name}' already exists.`)
        const topicId = randomBytes(16).toString('base64')
        const recs: MetadataRecord[] = [{ type: 'Topic', name: cmd.name, topicId, internal: cmd.internal }]
        for (const p of cmd.partitions) recs.push(partitionRecord(topicId, this.liveLeader(p)))
        for (const [name, value] of Object.entries(cmd.configs)) recs.push({ type: 'Config', resourceType: 2, resourceName: cmd.name, name, value })
        this.commit(recs)
        this.log(`created topic ${cmd.name} with ${cmd.partitions.length} partition(s)`)
        return topicId
      }
      case 'deleteTopic': {
        const t = this.requireTopic(cmd.name)
        this.commit([{ type: 'RemoveTopic', topicId: t.topicId }])
        return null
      }
      case 'addPartitions': {
        const t = this.requireTopic(cmd.name)
        const recs = cmd.partitions.map((p, i) => partitionRecord(t.topicId, this.liveLeader({ ...p, partition: t.partitions.length + i })))
        this.commit(recs)
        return null
      }
      case 'setTopicConfigs': {
        const t = this.requireTopic(cmd.name)
        this.commit(configDiff(2, t.name, t.configs, cmd.configs))
        return null
      }
      case 'setBrokerConfigs': {
        const name = cmd.nodeId === undefined ? '' : String(cmd.nodeId)
        const before = cmd.nodeId === undefined ? this.image.brokerConfigs : this.image.nodeConfigs(cmd.nodeId)
        this.commit(configDiff(4, name, before, cmd.configs))
        return null
      }
      case 'allocateProducerIds': {
        const first = this.image.nextProducerId
        this.commit([
          {
            type: 'ProducerIds',
            brokerId: cmd.brokerId,
            brokerEpoch: this.image.registrations.get(cmd.brokerId)?.epoch ?? -1,
            nextProducerId: first + PRODUCER_ID_BLOCK,
          },
        ])
        return { first, count: PRODUCER_ID_BLOCK }
      }
      case 'registerBroker':
        return this.register(cmd.endpoint, cmd.pid, cmd.session)
      case 'controlledShutdown':
        this.fence(cmd.brokerId, 'controlled shutdown', cmd.brokerEpoch)
        return null
      case 'electLeaders':
        return this.electLeaders(cmd.electionType, cmd.partitions)
      case 'reassign':
        return this.reassign(cmd.topic, cmd.partition, cmd.replicas)
      case 'alterScram':
      case 'createAcls':
      case 'deleteAcls':
        return executeSecurityCommand(this.image.security, cmd, (recs) => void this.commit(recs))
      case 'alterClientQuotas':
        return executeQuotaCommand(this.image.quotas, cmd, (recs) => void this.commit(recs))
    }
  }

  private requireTopic(name: string): TopicMetadata {
    const t = this.image.topics.get(name)
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${name}' does not exist.`)
    return t
  }

  /** A new partition's state with a live leader: its first live replica in the ISR. */
  private liveLeader(p: PartitionAssignment): PartitionAssignment {
    const live = p.isr.filter((r) => this.image.brokers.has(r))
    const leader = this.image.brokers.has(p.leader) ? p.leader : (live[0] ?? -1)
    return { ...p, leader, partitionEpoch: p.partitionEpoch ?? 0 }
  }

  // ---- brokers ----

  private register(endpoint: BrokerEndpoint, pid: number | undefined, session: boolean): number {
    const id = endpoint.nodeId
    const prev = this.image.registrations.get(id)
    const recs: MetadataRecord[] = []
    // A new incarnation: the old one's ISR memberships end before the new one joins.
    if (prev && !prev.fenced) recs.push(...this.fenceRecords(id))
    this.commit(recs)
    const epoch = this.mdlog.nextOffset
    this.commit([
      {
        type: 'RegisterBroker',
        brokerId: id,
        brokerEpoch: epoch,
        host: endpoint.host,
        port: endpoint.port,
        rack: endpoint.rack,
        fenced: false,
        ...(pid ? { pid } : {}),
        ...(endpoint.listeners ? { listeners: endpoint.listeners } : {}),
      },
    ])
    this.commit(this.electOffline())
    if (session) this.sessions.set(id, { epoch, deadline: Date.now() + Math.max(this.sessionTimeoutMs(), this.initialRegistrationTimeoutMs()) })
    this.lastContact.set(id, Date.now())
    this.log(`broker ${id} registered at ${endpoint.host}:${endpoint.port} (epoch ${epoch}${pid ? `, pid ${pid}` : ''})`)
    return epoch
  }

  sessionTimeoutMs(): number {
    return Number(this.setting('broker.session.timeout.ms', String(DEFAULT_SESSION_TIMEOUT_MS)))
  }

  private initialRegistrationTimeoutMs(): number {
    return Number(this.setting('initial.broker.registration.timeout.ms', String(DEFAULT_INITIAL_REGISTRATION_TIMEOUT_MS)))
  }

  /** BrokerHeartbeat: keeps the session alive. Returns Kafka's error name or null. */
  heartbeat(brokerId: number, brokerEpoch: number): string | null {
    const reg = this.image.registrations.get(brokerId)
    if (!reg || reg.epoch !== brokerEpoch) return 'STALE_BROKER_EPOCH'
    if (reg.fenced) return 'BROKER_ID_NOT_REGISTERED'
    const s = this.sessions.get(brokerId)
    if (s && s.epoch === brokerEpoch) s.deadline = Date.now() + this.sessionTimeoutMs()
    this.lastContact.set(brokerId, Date.now())
    return null
  }

  /** The broker's session ended (its process exited, its connection closed, or it asked to stop). */
  fence(brokerId: number, reason: string, brokerEpoch?: number): void {
    const reg = this.image.registrations.get(brokerId)
    if (!reg || reg.fenced || (brokerEpoch !== undefined && brokerEpoch !== reg.epoch)) return
    const recs = this.fenceRecords(brokerId)
    try {
      this.commit(recs)
    } catch (e) {
      // Called from process exits and timers, where a throw would take the supervisor down: the
      // broker stays to be fenced, retried by the session timer until the log takes the write.
      if (!(e instanceof KafkaError)) throw e
      if (!this.pendingFences.has(brokerId)) this.log(`broker ${brokerId} not fenced yet (${e.message}); retrying`)
      this.pendingFences.set(brokerId, { epoch: reg.epoch, reason })
      return
    }
    this.pendingFences.delete(brokerId)
    this.sessions.delete(brokerId)
    const moved = recs.filter((r) => r.type === 'PartitionChange').length
    this.log(`broker ${brokerId} fenced (${reason}); ${moved} partition(s) changed`)
  }

  private expireSessions(): void {
    const now = Date.now()
    for (const [id, f] of this.pendingFences) this.fence(id, f.reason, f.epoch)
    for (const [id, s] of this.sessions) if (now > s.deadline) this.fence(id, `no heartbeat for ${this.sessionTimeoutMs()} ms`, s.epoch)
  }

  /** FenceBroker, then the partitions it led or was in sync for: out of the ISR, new leaders. */
  private fenceRecords(brokerId: number): MetadataRecord[] {
    const reg = this.image.registrations.get(brokerId)
    if (!reg) return []
    const recs: MetadataRecord[] = [{ type: 'FenceBroker', id: brokerId, epoch: reg.epoch }]
    const live = (r: number) => r !== brokerId && this.image.brokers.has(r)
    for (const t of this.image.topics.values()) {
      for (const p of t.partitions) {
        if (!p.replicas.includes(brokerId)) continue
        // KRaft keeps the last member in the ISR (it may hold the only full copy).
        const isr = p.isr.length > 1 ? p.isr.filter((r) => r !== brokerId) : p.isr
        let next: PartitionAssignment = { ...p, isr }
        if (p.leader === brokerId) next = this.elect(t, next, live)
        if (next.leader !== p.leader || !sameList(next.isr, p.isr)) recs.push(this.change(t, p, next))
      }
    }
    return recs
  }

  /** Leaders for partitions that have none, now that another broker is live. */
  private electOffline(): MetadataRecord[] {
    const recs: MetadataRecord[] = []
    const live = (r: number) => this.image.brokers.has(r)
    for (const t of this.image.topics.values()) {
      for (const p of t.partitions) {
        if (p.leader >= 0 && live(p.leader)) continue
        const next = this.elect(t, p, live)
        if (next.leader !== p.leader) recs.push(this.change(t, p, next))
      }
    }
    return recs
  }

  /** The new leader of a partition whose leader is gone: the first live replica in the ISR, else (unclean) any live replica. */
  private elect(t: TopicMetadata, p: PartitionAssignment, live: (r: number) => boolean): PartitionAssignment {
    const clean = p.replicas.find((r) => p.isr.includes(r) && live(r))
    if (clean !== undefined) return { ...p, leader: clean }
    if (this.setting('unclean.leader.election.enable', 'false', t) === 'true') {
      const survivor = p.replicas.find(live)
      if (survivor !== undefined) {
        this.log(`unclean election of ${survivor} for ${t.name}-${p.partition}`)
        return { ...p, leader: survivor, isr: [survivor] }
      }
    }
    return { ...p, leader: -1 }
  }

  /** A PartitionChangeRecord: partition epoch bumped, leader epoch bumped when the leader changes. */
  private change(t: TopicMetadata, p: PartitionAssignment, next: PartitionAssignment): MetadataRecord {
    const leaderEpoch = next.leader !== p.leader ? p.leaderEpoch + 1 : p.leaderEpoch
    return partitionRecord(t.topicId, { ...next, leaderEpoch, partitionEpoch: p.partitionEpoch + 1 }, 'PartitionChange')
  }

  // ---- elections ----

  /** ElectLeaders: 0 preferred (the first replica, if live and in sync), 1 unclean (only for partitions without a leader). */
  private electLeaders(electionType: 0 | 1, wanted: { topic: string; partition: number }[] | null): ElectionResult[] {
    const targets: { topic: string; partition: number }[] =
      wanted ?? [...this.image.topics.values()].flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })))
    const out: ElectionResult[] = []
    const recs: MetadataRecord[] = []
    const live = (r: number) => this.image.brokers.has(r)
    for (const { topic, partition } of targets) {
      const t = this.image.topics.get(topic)
      const p = t?.partitions[partition]
      if (!t || !p) {
        out.push({ topic, partition, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'The partition does not exist.' })
        continue
      }
      if (electionType === 0) {
        const preferred = p.replicas[0]!
        if (p.leader === preferred) {
          out.push({ topic, partition, error: 'ELECTION_NOT_NEEDED', message: 'Leader election not needed for topic partition.' })
        } else if (!live(preferred) || !p.isr.includes(preferred)) {
          out.push({
            topic,
            partition,
            error: 'PREFERRED_LEADER_NOT_AVAILABLE',
            message: `Failed to elect leader for partition ${topic}-${partition} under strategy PreferredReplicaPartitionLeaderElectionStrategy`,
          })
        } else {
          recs.push(this.change(t, p, { ...p, leader: preferred }))
          out.push({ topic, partition, error: null, message: null })
        }
      } else {
        if (p.leader >= 0 && live(p.leader)) {
          out.push({ topic, partition, error: 'ELECTION_NOT_NEEDED', message: 'Leader election not needed for topic partition.' })
          continue
        }
        const candidate = p.replicas.find((r) => p.isr.includes(r) && live(r)) ?? p.replicas.find(live)
        if (candidate === undefined) {
          out.push({
            topic,
            partition,
            error: 'ELIGIBLE_LEADERS_NOT_AVAILABLE',
            message: `Failed to elect leader for partition ${topic}-${partition} under strategy UncleanLeaderElectionStrategy`,
          })
        } else {
          recs.push(this.change(t, p, { ...p, leader: candidate, isr: p.isr.includes(candidate) ? p.isr : [candidate] }))
          out.push({ topic, partition, error: null, message: null })
        }
      }
    }
    this.commit(recs)
    return out
  }

  /** auto.leader.rebalance.enable: preferred elections on brokers leading more than leader.imbalance.per.broker.percentage of partitions they do not prefer. */
  autoRebalance(): void {
    if (this.setting('auto.leader.rebalance.enable', 'true') !== 'true') return
    const pct = Number(this.setting('leader.imbalance.per.broker.percentage', '10'))
    const byPreferred = new Map<number, { total: number; notLed: { topic: string; partition: number }[] }>()
    for (const t of this.image.topics.values()) {
      for (const p of t.partitions) {
        const pref = p.replicas[0]!
        const e = byPreferred.get(pref) ?? { total: 0, notLed: [] }
        e.total++
        if (p.leader !== pref && this.image.brokers.has(pref) && p.isr.includes(pref)) e.notLed.push({ topic: t.name, partition: p.partition })
        byPreferred.set(pref, e)
      }
    }
    const todo = [...byPreferred.values()].filter((e) => e.notLed.length > 0 && (e.notLed.length * 100) / e.total > pct).flatMap((e) => e.notLed)
    if (todo.length) {
      this.electLeaders(0, todo)
      this.log(`auto leader rebalance moved ${todo.length} partition(s) back to their preferred replica`)
    }
  }

  // ---- ISR changes and reassignments ----

  /** KRaft's AlterPartition, validated by alter-partition.ts against a copy of the image. */
  alterPartition(req: AlterPartitionRequest): AlterPartitionResult {
    const t = this.image.topics.get(req.topic)
    const copy = t ? { ...t, partitions: t.partitions.map((p) => ({ ...p, isr: [...p.isr], replicas: [...p.replicas] })) } : undefined
    const res = alterPartition(
      {
        topic: (name) => (name === req.topic ? copy : undefined),
        eligible: (id) => this.image.brokers.has(id),
        brokerEpoch: (id) => this.image.registrations.get(id)?.epoch,
        commit: () => {
          const before = t!.partitions[req.partition]!
          const after = copy!.partitions[req.partition]!
          this.commit([
            partitionRecord(t!.topicId, { ...after, leaderEpoch: before.leaderEpoch, partitionEpoch: before.partitionEpoch + 1 }, 'PartitionChange'),
          ])
        },
      },
      req,
    )
    if (res.error === null) res.partition = this.image.topics.get(req.topic)?.partitions[req.partition]
    this.completeReassignment(req.topic, req.partition)
    return res
  }

  /**
   * AlterPartitionReassignments for one partition (null cancels). The target replicas are added
   * first (addingReplicas); once all of them are in the ISR the removed ones leave and the
   * leader moves if it is not among the targets (completeReassignment).
   */
  private reassign(topic: string, partition: number, target: number[] | null): null {
    const t = this.image.topics.get(topic)
    const p = t?.partitions[partition]
    if (!t || !p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'The partition does not exist.')
    if (target === null) {
      if (!p.addingReplicas?.length && !p.removingReplicas?.length)
        throw new KafkaError('NO_REASSIGNMENT_IN_PROGRESS', `No reassignment is in progress for topic ${topic} partition ${partition}`)
      const original = p.replicas.filter((r) => !(p.addingReplicas ?? []).includes(r))
      const next: PartitionAssignment = { ...p, replicas: original, isr: p.isr.filter((r) => original.includes(r)), addingReplicas: [], removingReplicas: [] }
      if (!original.includes(next.leader)) next.leader = original.find((r) => next.isr.includes(r)) ?? -1
      this.commit([this.change(t, p, next)])
      return null
    }
    if (new Set(target).size !== target.length || target.length === 0)
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes a duplicate or empty replica list.`)
    for (const r of target)
      if (!this.image.registrations.has(r))
        throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${r}, but no such broker is registered.`)
    const base = p.replicas.filter((r) => !(p.addingReplicas ?? []).includes(r) || target.includes(r))
    const adding = target.filter((r) => !base.includes(r))
    const removing = base.filter((r) => !target.includes(r))
    const next: PartitionAssignment = { ...p, replicas: [...target, ...removing], addingReplicas: adding, removingReplicas: removing }
    this.commit([this.change(t, p, next)])
    this.completeReassignment(topic, partition)
    return null
  }

  /** Finishes a reassignment whose new replicas are all in sync: Kafka's order of replicas becomes the target's. */
  private completeReassignment(topic: string, partition: number): void {
    const t = this.image.topics.get(topic)
    const p = t?.partitions[partition]
    if (!t || !p || (!p.addingReplicas?.length && !p.removingReplicas?.length)) return
    if (!(p.addingReplicas ?? []).every((r) => p.isr.includes(r))) return
    const removing = p.removingReplicas ?? []
    const replicas = p.replicas.filter((r) => !removing.includes(r))
    let isr = p.isr.filter((r) => replicas.includes(r))
    const next: PartitionAssignment = { ...p, replicas, isr, addingReplicas: [], removingReplicas: [] }
    if (!replicas.includes(p.leader)) {
      next.leader = replicas.find((r) => isr.includes(r) && this.image.brokers.has(r)) ?? -1
      if (next.leader < 0) isr = p.isr
    }
    next.isr = isr
    this.commit([this.change(t, p, next)])
    this.log(`reassignment of ${topic}-${partition} complete: replicas ${replicas.join(',')}`)
  }
}

function sameList(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function configDiff(resourceType: 2 | 4, resourceName: string, before: Readonly<Record<string, string>>, after: Record<string, string>): MetadataRecord[] {
  const recs: MetadataRecord[] = []
  for (const k of Object.keys(before)) if (!(k in after)) recs.push({ type: 'Config', resourceType, resourceName, name: k, value: null })
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) recs.push({ type: 'Config', resourceType, resourceName, name: k, value: v })
  return recs
}
