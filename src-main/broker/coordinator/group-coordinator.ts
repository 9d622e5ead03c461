// The group coordinator of one broker: it owns the groups whose __consumer_offsets partition
// (abs(javaHashCode(groupId)) % partitions, as Kafka computes it) this broker leads, keeps their
// committed offsets, persists both to that partition and loads them back on start.
import type { Broker } from '../broker'
import { ErrorCode } from '../errors'
import { compile } from '../protocol/codec'
import { Reader } from '../protocol/reader'
import { ConsumerProtocolSubscription } from '../protocol/messages/consumer-protocol'
import type { BuildRecord } from '../records/record'
import { Group, type CommittedOffset, type GroupEnv } from './group'
import { coordinatorAppendError, InternalTopicCoordinator, partitionForKey } from './internal-topic-coordinator'
import { appendRecords, groupKey, groupValue, loadPartition, offsetKey, offsetValue, type GroupMetadataRecord } from './offset-store'

export const GROUP_METADATA_TOPIC = '__consumer_offsets'

// The key→partition mapping moved to the piece both coordinators share; these names stay for callers.
export { javaStringHashCode, kafkaAbs, partitionForKey as partitionForGroup } from './internal-topic-coordinator'

const subscriptionCodec = compile(ConsumerProtocolSubscription)

/** Topics of a consumer-protocol subscription, or null when it does not parse. */
export function subscribedTopicsOf(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata)
    const v = r.int16()
    return subscriptionCodec.decode(r, Math.min(Math.max(v, 0), 3)).topics as string[]
  } catch {
    return null
  }
}

export interface OffsetCommitEntry {
  topic: string
  partition: number
  offset: number
  leaderEpoch: number
  metadata: string | null
}

/** Maps a failed append to the error OffsetCommit reports (Kafka's mapping): a too large commit is the client's. */
function commitAppendError(error: string): number {
  switch (error) {
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
    case 'INVALID_FETCH_SIZE':
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE
    default:
      return coordinatorAppendError(error)
  }
}

/** Offsets a transaction committed (TxnOffsetCommit) that count only once it commits. */
interface PendingTxnOffset {
  topic: string
  partition: number
  offset: CommittedOffset
}

export class GroupCoordinator extends InternalTopicCoordinator {
  readonly groups = new Map<string, Group>()
  /** group id → producer id → `partition:topic` → offset awaiting the transaction's marker. */
  private readonly pendingTxnOffsets = new Map<string, Map<number, Map<string, PendingTxnOffset>>>()
  private retentionTimer?: NodeJS.Timeout

  constructor(broker: Broker) {
    super(broker, {
      name: GROUP_METADATA_TOPIC,
      numPartitionsConfig: 'offsets.topic.num.partitions',
      replicationFactorConfig: 'offsets.topic.replication.factor',
      topicConfigs: () => ({
        'cleanup.policy': 'compact',
        'compression.type': 'producer',
        'segment.bytes': String(broker.config.int('offsets.topic.segment.bytes')),
      }),
    })
  }

  override start(): void {
    super.start()
    const interval = this.broker.config.int('offsets.retention.check.interval.ms')
    this.retentionTimer = setInterval(() => this.expireOffsets(), interval)
    this.retentionTimer.unref()
  }

  override stop(): void {
    super.stop()
    clearInterval(this.retentionTimer)
    for (const g of this.groups.values()) if (!g.is('Dead')) g.markDead(ErrorCode.NOT_COORDINATOR)
    this.groups.clear()
    this.pendingTxnOffsets.clear()
  }

  protected log(line: string): void {
    this.broker.log(`[group coordinator] ${line}`)
  }

  /** This broker no longer leads the partition: its groups move to the new coordinator. */
  protected unloadPartition(p: number): void {
    for (const [id, g] of this.groups) {
      if (this.partitionFor(id) !== p) continue
      if (!g.is('Dead')) g.markDead(ErrorCode.NOT_COORDINATOR)
      this.groups.delete(id)
    }
    for (const id of [...this.pendingTxnOffsets.keys()]) if (this.partitionFor(id) === p) this.pendingTxnOffsets.delete(id)
  }

  protected loadPartition(partition: number): boolean {
    const log = this.broker.partitionLog(GROUP_METADATA_TOPIC, partition)
    if (!log) return false
    const started = Date.now()
    const offsets = new Map<string, Map<string, CommittedOffset | null>>()
    const metas = new Map<string, GroupMetadataRecord | null>()
    const open = loadPartition(
      log,
      (r) => {
        if (r.kind === 'offset') {
          let m = offsets.get(r.group)
          if (!m) offsets.set(r.group, (m = new Map()))
          m.set(`${r.partition}:${r.topic}`, r.value)
        } else {
          metas.set(r.group, r.value)
          // A group tombstone also ends the offsets written before it.
          if (r.value === null) offsets.delete(r.group)
        }
      },
      (e) => this.log(`skipping an unreadable batch of ${GROUP_METADATA_TOPIC}-${partition}: ${e.message}`),
    )
    let count = 0
    for (const id of new Set([...offsets.keys(), ...metas.keys()])) {
      const meta = metas.get(id)
      const offs = [...(offsets.get(id) ?? new Map<string, CommittedOffset | null>()).entries()].filter(([, v]) => v !== null)
      if (!meta && offs.length === 0) continue
      const g = this.newGroup(id)
      if (meta) {
        g.restore({
          protocolType: meta.protocolType,
          generation: meta.generation,
          protocol: meta.protocol,
          leader: meta.leader,
          currentStateTimestamp: meta.currentStateTimestamp,
          members: meta.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId ?? null,
            clientId: m.clientId,
            clientHost: m.clientHost,
            sessionTimeoutMs: m.sessionTimeout,
            rebalanceTimeoutMs: m.rebalanceTimeout >= 0 ? m.rebalanceTimeout : m.sessionTimeout,
            assignment: m.assignment,
            subscription: m.subscription,
          })),
        })
        if (meta.protocolType === '') g.protocolType = null
      }
      for (const [k, v] of offs) {
        const colon = k.indexOf(':')
        g.setOffset(k.slice(colon + 1), Number(k.slice(0, colon)), v)
      }
      this.groups.set(id, g)
      count++
    }
    // offsets of transactions still open: they wait for their producer's marker
    for (const [producerId, recs] of open) {
      for (const r of recs) if (r.kind === 'offset' && r.value) this.addPending(r.group, producerId, r.topic, r.partition, r.value)
    }
    if (count > 0) this.log(`loaded ${count} group(s) from ${GROUP_METADATA_TOPIC}-${partition} in ${Date.now() - started} ms`)
    return true
  }

  private newGroup(groupId: string): Group {
    const cfg = this.broker.config
    const env: GroupEnv = {
      initialRebalanceDelayMs: cfg.int('group.initial.rebalance.delay.ms'),
      minSessionTimeoutMs: cfg.int('group.min.session.timeout.ms'),
      maxSessionTimeoutMs: cfg.int('group.max.session.timeout.ms'),
      storeGroup: (g, assignments) => this.storeGroup(g, assignments),
      log: (line) => this.log(line),
    }
    return new Group(groupId, env)
  }

  // ---- routing ----

  group(groupId: string): Group | undefined {
    const g = this.groups.get(groupId)
    return g && !g.is('Dead') ? g : undefined
  }

  getOrCreate(groupId: string): Group {
    let g = this.group(groupId)
    if (!g) {
      g = this.newGroup(groupId)
      this.groups.set(groupId, g)
    }
    return g
  }

  /** Groups of the partitions this broker coordinates. */
  listGroups(): Group[] {
    return [...this.groups.values()].filter((g) => !g.is('Dead'))
  }

  // ---- persistence ----

  private append(groupId: string, records: BuildRecord[], producer?: { producerId: number; producerEpoch: number }): { error?: string; message?: string } {
    const t = this.topic()
    const p = partitionForKey(groupId, t?.partitions.length ?? 1)
    const log = t ? this.broker.partitionLog(GROUP_METADATA_TOPIC, p) : undefined
    if (!t || !log || t.partitions[p]?.leader !== this.broker.nodeId)
      return { error: 'NOT_LEADER_OR_FOLLOWER', message: 'not the leader of the group partition' }
    const res = appendRecords(log, records, t.partitions[p]!.leaderEpoch, Date.now(), producer)
    if (!res.error) this.broker.notifyAppend(GROUP_METADATA_TOPIC, p)
    else this.log(`writing ${records.length} record(s) of group ${groupId} failed: ${res.error} ${res.message ?? ''}`)
    return res
  }

  private groupRecord(g: Group, assignments?: Map<string, Buffer>): BuildRecord {
    const value: GroupMetadataRecord = {
      protocolType: g.protocolType ?? '',
      generation: g.generationId,
      protocol: g.protocolName,
      leader: g.members.size > 0 ? g.leaderId : null,
      currentStateTimestamp: g.currentStateTimestamp,
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? Buffer.alloc(0),
        assignment: assignments?.get(m.memberId) ?? m.assignment,
      })),
    }
    return { key: groupKey(g.groupId), value: groupValue(value) }
  }

  private storeGroup(g: Group, assignments?: Map<string, Buffer>): number {
    const res = this.append(g.groupId, [this.groupRecord(g, assignments)])
    if (!res.error) return ErrorCode.NONE
    return res.error === 'NOT_LEADER_OR_FOLLOWER' ? ErrorCode.NOT_COORDINATOR : ErrorCode.UNKNOWN_SERVER_ERROR
  }

  /** Writes commits that passed validation; returns one error code per entry. */
  commitOffsets(g: Group, entries: OffsetCommitEntry[], expireTimestamp: number | null, now = Date.now()): number[] {
    const { errors, written } = this.writeOffsets(g, entries, expireTimestamp, now)
    for (const { e, o } of written) g.setOffset(e.topic, e.partition, o)
    return errors
  }

  /**
   * What OffsetCommit and TxnOffsetCommit share: an entry with too much metadata is refused, the
   * others are written in one append (a transactional batch of `producer` when given), with
   * acks=all: below min.insync.replicas nothing is written (Kafka's check before append).
   * Returns one code per entry and the offsets written.
   */
  private writeOffsets(
    g: Group,
    entries: OffsetCommitEntry[],
    expireTimestamp: number | null,
    now: number,
    producer?: { producerId: number; producerEpoch: number },
  ): { errors: number[]; written: { e: OffsetCommitEntry; o: CommittedOffset }[] } {
    const maxMetadata = this.broker.config.int('offset.metadata.max.bytes')
    const errors: number[] = []
    const records: BuildRecord[] = []
    const written: { e: OffsetCommitEntry; o: CommittedOffset }[] = []
    for (const e of entries) {
      const metadata = e.metadata ?? ''
      if (metadata.length > maxMetadata) {
        errors.push(ErrorCode.OFFSET_METADATA_TOO_LARGE)
        continue
      }
      const o: CommittedOffset = { offset: e.offset, leaderEpoch: e.leaderEpoch, metadata, commitTimestamp: now, expireTimestamp }
      records.push({ key: offsetKey(g.groupId, e.topic, e.partition), value: offsetValue(o) })
      written.push({ e, o })
      errors.push(ErrorCode.NONE)
    }
    if (records.length === 0) return { errors, written }
    const res = this.belowMinIsr(g.groupId) ?? this.append(g.groupId, records, producer)
    if (!res.error) return { errors, written }
    // a stale epoch is the fenced producer of Kafka's answer
    const code = producer && res.error === 'INVALID_PRODUCER_EPOCH' ? ErrorCode.PRODUCER_FENCED : commitAppendError(res.error)
    return { errors: errors.map((c) => (c === ErrorCode.NONE ? code : c)), written: [] }
  }

  private addPending(groupId: string, producerId: number, topic: string, partition: number, offset: CommittedOffset): void {
    let byProducer = this.pendingTxnOffsets.get(groupId)
    if (!byProducer) this.pendingTxnOffsets.set(groupId, (byProducer = new Map()))
    let offsets = byProducer.get(producerId)
    if (!offsets) byProducer.set(producerId, (offsets = new Map()))
    offsets.set(`${partition}:${topic}`, { topic, partition, offset })
  }

  /**
   * TxnOffsetCommit: writes the offsets in a transactional batch of the producer; they stay
   * pending (invisible to OffsetFetch, which answers UNSTABLE_OFFSET_COMMIT to require_stable
   * readers) until the transaction's marker reaches this partition. Returns one code per entry.
   */
  commitTxnOffsets(g: Group, entries: OffsetCommitEntry[], producerId: number, producerEpoch: number, now = Date.now()): number[] {
    const { errors, written } = this.writeOffsets(g, entries, null, now, { producerId, producerEpoch })
    for (const { e, o } of written) this.addPending(g.groupId, producerId, e.topic, e.partition, o)
    return errors
  }

  /** A transaction marker reached __consumer_offsets-`partition`: its pending offsets count (COMMIT) or are dropped (ABORT). */
  completeTransaction(partition: number, producerId: number, commit: boolean): void {
    for (const [groupId, byProducer] of this.pendingTxnOffsets) {
      if (this.partitionFor(groupId) !== partition) continue
      const offsets = byProducer.get(producerId)
      if (!offsets) continue
      byProducer.delete(producerId)
      if (byProducer.size === 0) this.pendingTxnOffsets.delete(groupId)
      if (!commit) continue
      const g = this.getOrCreate(groupId)
      for (const p of offsets.values()) g.setOffset(p.topic, p.partition, p.offset)
    }
  }

  /** True while a transaction holds an uncommitted offset of the group for the partition (KIP-447). */
  hasPendingOffset(groupId: string, topic: string, partition: number): boolean {
    for (const offsets of this.pendingTxnOffsets.get(groupId)?.values() ?? []) if (offsets.has(`${partition}:${topic}`)) return true
    return false
  }

  private belowMinIsr(groupId: string): { error: string; message: string } | undefined {
    const t = this.topic()
    const p = t?.partitions[partitionForKey(groupId, t.partitions.length)]
    if (!t || !p) return undefined
    const minIsr = this.minInsyncReplicas(t)
    if (p.isr.length >= minIsr) return undefined
    return { error: 'NOT_ENOUGH_REPLICAS', message: `ISR ${p.isr.length} of ${GROUP_METADATA_TOPIC}-${p.partition} is below min.insync.replicas ${minIsr}` }
  }

  /**
   * Resolves once everything written so far to the group's __consumer_offsets partition is on
   * every in-sync replica (Kafka writes coordinator records with acks=all, bounded by
   * offsets.commit.timeout.ms), so a commit that was answered survives a failover. Returns the
   * code a client gets: NONE, NOT_COORDINATOR once leadership moved, COORDINATOR_NOT_AVAILABLE
   * when the ISR is too small or replication timed out (Kafka's normalization of those errors).
   */
  async awaitReplication(groupId: string): Promise<number> {
    const t = this.topic()
    if (!t) return ErrorCode.NOT_COORDINATOR
    const p = partitionForKey(groupId, t.partitions.length)
    const log = this.broker.partitionLog(GROUP_METADATA_TOPIC, p)
    if (!log) return ErrorCode.NOT_COORDINATOR
    const error = await this.broker.replicas.waitForIsr(
      GROUP_METADATA_TOPIC,
      p,
      log.logEndOffset,
      this.minInsyncReplicas(t),
      this.broker.config.int('offsets.commit.timeout.ms'),
    )
    return error === 'NONE' ? ErrorCode.NONE : commitAppendError(error)
  }

  /** Tombstones for offsets (OffsetDelete, expiration). */
  deleteOffsets(g: Group, partitions: { topic: string; partition: number }[]): number {
    const present = partitions.filter((p) => g.offset(p.topic, p.partition) !== undefined)
    if (present.length === 0) return ErrorCode.NONE
    const res = this.append(
      g.groupId,
      present.map((p) => ({ key: offsetKey(g.groupId, p.topic, p.partition), value: null })),
    )
    if (res.error) return res.error === 'NOT_LEADER_OR_FOLLOWER' ? ErrorCode.NOT_COORDINATOR : ErrorCode.UNKNOWN_SERVER_ERROR
    for (const p of present) g.setOffset(p.topic, p.partition, null)
    return ErrorCode.NONE
  }

  /** DeleteGroups of one group: tombstones for its offsets and metadata, then the group is Dead. */
  deleteGroup(groupId: string): number {
    const g = this.group(groupId)
    if (!g) return ErrorCode.GROUP_ID_NOT_FOUND
    if (!g.is('Empty')) return ErrorCode.NON_EMPTY_GROUP
    const records: BuildRecord[] = []
    for (const [topic, parts] of g.offsets) for (const p of parts.keys()) records.push({ key: offsetKey(groupId, topic, p), value: null })
    records.push({ key: groupKey(groupId), value: null })
    const res = this.append(groupId, records)
    if (res.error) return res.error === 'NOT_LEADER_OR_FOLLOWER' ? ErrorCode.NOT_COORDINATOR : ErrorCode.UNKNOWN_SERVER_ERROR
    g.markDead(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    this.groups.delete(groupId)
    return ErrorCode.NONE
  }

  /** offsets.retention.minutes: Kafka's expiration conditions, then empty groups without offsets are removed. */
  expireOffsets(now = Date.now()): number {
    const retentionMs = this.broker.config.int('offsets.retention.minutes') * 60_000
    let expired = 0
    for (const g of this.listGroups()) {
      let base: ((o: CommittedOffset) => number) | undefined
      let subscribed: Set<string> | null = null
      if (g.protocolType !== null) {
        if (g.is('Empty')) base = () => g.currentStateTimestamp
        else if (g.protocolType === 'consumer' && g.is('Stable')) {
          subscribed = g.subscribedTopics(subscribedTopicsOf)
          if (subscribed) base = (o) => o.commitTimestamp
        }
      } else base = (o) => o.commitTimestamp
      if (!base) continue
      const gone: { topic: string; partition: number }[] = []
      for (const [topic, parts] of g.offsets) {
        if (subscribed?.has(topic)) continue
        for (const [partition, o] of parts) {
          const dead = o.expireTimestamp !== null ? now >= o.expireTimestamp : now - base(o) >= retentionMs
          if (dead) gone.push({ topic, partition })
        }
      }
      if (gone.length > 0 && this.deleteOffsets(g, gone) === ErrorCode.NONE) expired += gone.length
      if (g.is('Empty') && !g.hasOffsets()) {
        const res = this.append(g.groupId, [{ key: groupKey(g.groupId), value: null }])
        if (!res.error) {
          g.markDead()
          this.groups.delete(g.groupId)
          this.log(`group ${g.groupId} removed: empty and all offsets expired`)
        }
      }
    }
    if (expired > 0) this.log(`expired ${expired} committed offset(s)`)
    return expired
  }
}

/** The client's host as Kafka reports it in DescribeGroups ("/127.0.0.1"), from a host:port address. */
export function clientHost(address: string): string {
  let host = address.slice(0, Math.max(0, address.lastIndexOf(':'))) || address
  if (host.startsWith('::ffff:')) host = host.slice(7)
  return `/${host}`
}
