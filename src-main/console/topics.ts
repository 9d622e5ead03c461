// Topics: list/search (with message counts, sizes, retention), describe (leader, replicas, ISR,
// earliest/latest offsets, size on disk via DescribeLogDirs), create, delete, purge, add partitions.
import { ContractError, toErrorShape, type PartitionDetail, type RequestOf, type ResponseOf, type TopicDescription } from '../ipc/contract'
import { isInternalTopic } from './cluster'
import type { Session } from './connections'
import { ApiKey, checkError, kafkaErrorName } from './raw-client'
import { fetchMetadata, fetchTopic, type TopicMeta } from './metadata'
import { askBroker } from './broker-calls'
import { topicStats } from './topic-stats'

export const ADD_PARTITIONS_WARNING =
  'Adding partitions changes which partition a key maps to (hash(key) % partitions): new records with an existing key may land on a different partition than older ones, breaking per-key ordering for consumers. Existing data is not moved.'

/** kafkajs reports missing topics in several ways; turn them into NOT_FOUND. */
export function topicNotFound(e: unknown, topic: string): never {
  const err = e as { type?: string; name?: string; message?: string }
  if (
    err?.type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
    err?.name === 'KafkaJSTopicMetadataNotLoaded' ||
    /does not host this topic-partition|not found|unknown topic/i.test(err?.message ?? '')
  )
    throw new ContractError('NOT_FOUND', `topic ${topic} does not exist`, 'topic')
  throw e
}

export function topicMetadata(s: Session, topic: string): Promise<TopicMeta> {
  return fetchTopic(s, topic)
}

export const EARLIEST = -2
export const LATEST = -1
/** ListOffsets isolation levels: LATEST under read_committed is the last stable offset. */
export const READ_UNCOMMITTED = 0
export const READ_COMMITTED = 1
type IsolationLevel = typeof READ_UNCOMMITTED | typeof READ_COMMITTED

/**
 * ListOffsets through the raw client, grouped by leader: EARLIEST, LATEST or the first offset
 * with timestamp ≥ ts (-1 when there is none). Not kafkajs' fetchTopicOffsets: that adds the
 * topic to the admin's metadata target set for good, and one deleted topic there breaks every
 * later call.
 */
export async function listOffsets(
  s: Session,
  topic: string,
  timestamp: number,
  partitions?: number[],
  skipOffline = false,
  isolationLevel: IsolationLevel = READ_UNCOMMITTED,
): Promise<Map<number, number>> {
  // Just after a topic is created or a leader moves, the broker named leader may not know it yet
  // (Kafka answers NOT_LEADER_OR_FOLLOWER): like Kafka's clients, look again and retry a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await listOffsetsOnce(s, topic, timestamp, partitions, skipOffline, isolationLevel)
    } catch (e) {
      if (attempt >= 5 || !(e instanceof ContractError) || !RETRIABLE_LEADER_ERRORS.has(e.code)) throw e
      await new Promise((r) => setTimeout(r, 100 * attempt))
    }
  }
}

const RETRIABLE_LEADER_ERRORS = new Set([
  'KAFKA_NOT_LEADER_OR_FOLLOWER',
  'KAFKA_LEADER_NOT_AVAILABLE',
  'KAFKA_UNKNOWN_TOPIC_OR_PARTITION',
  'KAFKA_FENCED_LEADER_EPOCH',
])

async function listOffsetsOnce(
  s: Session,
  topic: string,
  timestamp: number,
  partitions: number[] | undefined,
  skipOffline: boolean,
  isolationLevel: IsolationLevel,
): Promise<Map<number, number>> {
  const meta = await topicMetadata(s, topic)
  const byLeader = new Map<number, number[]>()
  for (const p of meta.partitions) {
    if (partitions && !partitions.includes(p.partitionId)) continue
    if (p.leader < 0) {
      if (skipOffline) continue
      throw new ContractError('KAFKA_LEADER_NOT_AVAILABLE', `partition ${p.partitionId} of ${topic} has no leader`)
    }
    byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p.partitionId])
  }
  const out = new Map<number, number>()
  await Promise.all(
    [...byLeader.entries()].map(async ([leader, parts]) => {
      let c
      try {
        c = await s.raw.get(await s.brokerAddress(leader))
      } catch (e) {
        if (skipOffline) return
        throw e
      }
      // Isolation levels came with ListOffsets v2.
      const v = c.version(ApiKey.ListOffsets, 7, isolationLevel === READ_COMMITTED ? 2 : 1)
      const r = await c.request(ApiKey.ListOffsets, v, {
        replicaId: -1,
        isolationLevel,
        topics: [{ name: topic, partitions: parts.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) }],
        timeoutMs: 30_000,
      })
      for (const t of r.topics)
        for (const p of t.partitions) {
          checkError(p.errorCode, null, `list offsets of ${topic}-${p.partitionIndex}`)
          out.set(p.partitionIndex, Number(p.offset))
        }
    }),
  )
  return out
}

/** Earliest and latest offsets per partition. */
export async function partitionOffsets(s: Session, topic: string, skipOffline = false): Promise<Map<number, { low: number; high: number }>> {
  const [low, high] = await Promise.all([listOffsets(s, topic, EARLIEST, undefined, skipOffline), listOffsets(s, topic, LATEST, undefined, skipOffline)])
  return new Map([...high.entries()].map(([p, h]) => [p, { low: low.get(p) ?? 0, high: h }]))
}

/** Per partition the first offset with timestamp ≥ ts, or the log end when there is none. */
export async function offsetsForTimestamp(s: Session, topic: string, ts: number, skipOffline = false): Promise<Map<number, number>> {
  const [at, high] = await Promise.all([listOffsets(s, topic, ts, undefined, skipOffline), listOffsets(s, topic, LATEST, undefined, skipOffline)])
  return new Map([...high.entries()].map(([p, h]) => [p, (at.get(p) ?? -1) < 0 ? h : at.get(p)!]))
}

export async function listTopics(s: Session, req: RequestOf<'topics.list'>): Promise<ResponseOf<'topics.list'>> {
  const meta = await fetchMetadata(s, null)
  const q = req.search?.toLowerCase()
  const topics = meta.topics
    .filter((t) => (req.includeInternal || !isInternalTopic(t.name)) && (!q || t.name.toLowerCase().includes(q)))
    .map((t) => ({
      name: t.name,
      internal: t.internal || isInternalTopic(t.name),
      partitions: t.partitions.length,
      replicationFactor: t.partitions[0]?.replicas.length ?? 0,
      underReplicated: t.partitions.filter((p) => p.leader >= 0 && p.isr.length < p.replicas.length).length,
      offline: t.partitions.filter((p) => p.leader < 0).length,
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
  if (!req.withStats || topics.length === 0) return { topics }
  const { stats, unavailable } = await topicStats(
    s,
    meta,
    topics.map((t) => t.name),
  )
  return { topics: topics.map((t) => ({ ...t, ...stats.get(t.name)! })), unavailable }
}

/**
 * Purge: DeleteRecords up to the high watermark (offset -1) on every partition's leader. The
 * topic, its configs and the groups' committed offsets stay; consumers behind the new start
 * offset follow their auto.offset.reset.
 */
export async function purgeTopic(s: Session, req: RequestOf<'topics.purge'>): Promise<ResponseOf<'topics.purge'>> {
  const meta = await topicMetadata(s, req.topic)
  const byLeader = new Map<number, number[]>()
  const out: ResponseOf<'topics.purge'>['partitions'] = []
  for (const p of meta.partitions) {
    if (req.partitions && !req.partitions.includes(p.partitionId)) continue
    if (p.leader < 0) {
      out.push({
        partition: p.partitionId,
        lowWatermark: -1,
        error: { code: 'KAFKA_LEADER_NOT_AVAILABLE', message: `partition ${p.partitionId} has no leader` },
      })
      continue
    }
    byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p.partitionId])
  }
  await Promise.all(
    [...byLeader.entries()].map(async ([leader, parts]) => {
      try {
        const r = await askBroker(
          s,
          leader,
          async (c) => {
            const v = c.version(ApiKey.DeleteRecords, 2, 0)
            return c.request(ApiKey.DeleteRecords, v, {
              topics: [{ name: req.topic, partitions: parts.map((p) => ({ partitionIndex: p, offset: -1 })) }],
              timeoutMs: 30_000,
            })
          },
          35_000,
        )
        for (const t of r.topics)
          for (const p of t.partitions) {
            if (!p.errorCode) out.push({ partition: p.partitionIndex, lowWatermark: Number(p.lowWatermark) })
            else {
              const name = kafkaErrorName(p.errorCode)
              const why = name === 'POLICY_VIOLATION' ? 'cleanup.policy of the topic does not include delete' : name
              out.push({ partition: p.partitionIndex, lowWatermark: -1, error: { code: `KAFKA_${name}`, message: `partition ${p.partitionIndex}: ${why}` } })
            }
          }
      } catch (e) {
        const err = toErrorShape(e)
        for (const p of parts) out.push({ partition: p, lowWatermark: -1, error: err })
      }
    }),
  )
  return { topic: req.topic, partitions: out.sort((a, b) => a.partition - b.partition) }
}

/** Low/high watermarks of the partitions, and where a timestamp falls in each. */
export async function offsetRange(s: Session, req: RequestOf<'messages.offsetRange'>): Promise<ResponseOf<'messages.offsetRange'>> {
  const meta = await topicMetadata(s, req.topic)
  const parts = meta.partitions.map((p) => p.partitionId).filter((p) => req.partition === undefined || p === req.partition)
  if (req.partition !== undefined && parts.length === 0) throw new ContractError('NOT_FOUND', `${req.topic} has no partition ${req.partition}`, 'partition')
  const [low, high, at] = await Promise.all([
    listOffsets(s, req.topic, EARLIEST, parts, true),
    listOffsets(s, req.topic, LATEST, parts, true),
    req.timestamp !== undefined ? listOffsets(s, req.topic, req.timestamp, parts, true) : Promise.resolve(null),
  ])
  const leaders = new Map(meta.partitions.map((p) => [p.partitionId, p.leader]))
  return {
    topic: req.topic,
    partitions: parts.map((p) => {
      const h = high.get(p)
      if (h === undefined) {
        const l = leaders.get(p) ?? -1
        return {
          partition: p,
          earliestOffset: 0,
          latestOffset: 0,
          timestampOffset: null,
          unavailable: l < 0 ? `partition ${p} has no leader` : `broker ${l}, the leader of partition ${p}, did not answer`,
        }
      }
      const t = at?.get(p)
      return { partition: p, earliestOffset: low.get(p) ?? 0, latestOffset: h, ...(at ? { timestampOffset: t === undefined || t < 0 ? null : t } : {}) }
    }),
  }
}

/** Partition sizes from DescribeLogDirs on each broker; per partition the leader's size. */
export async function partitionSizes(s: Session, topic: string, leaders: Map<number, number>): Promise<Map<number, number> | null> {
  const brokers = [...new Set(leaders.values())].filter((b) => b >= 0)
  const sizes = new Map<number, number>()
  try {
    await Promise.all(
      brokers.map(async (nodeId) => {
        const c = await s.raw.get(await s.brokerAddress(nodeId))
        const v = c.version(ApiKey.DescribeLogDirs, 4, 1)
        const parts = [...leaders.entries()].filter(([, l]) => l === nodeId).map(([p]) => p)
        const r = await c.request(ApiKey.DescribeLogDirs, v, { topics: [{ topic, partitions: parts }] })
        for (const dir of r.results) {
          if (dir.errorCode) continue
          for (const t of dir.topics) {
            if (t.name !== topic) continue
            for (const p of t.partitions)
              if (leaders.get(p.partitionIndex) === nodeId && !p.isFutureKey)
                sizes.set(p.partitionIndex, (sizes.get(p.partitionIndex) ?? 0) + Number(p.partitionSize))
          }
        }
      }),
    )
  } catch {
    return null // e.g. no authorization for DescribeLogDirs on a remote cluster
  }
  return sizes
}

export async function describeTopic(s: Session, topic: string, withSizes = true): Promise<TopicDescription> {
  const t = await topicMetadata(s, topic)
  // The last stable offset: where read_committed consumers stop (an open transaction holds it
  // below the high watermark). Left out, not guessed, where the leader does not tell.
  const [offsets, stable] = await Promise.all([
    partitionOffsets(s, topic, true),
    listOffsets(s, topic, LATEST, undefined, true, READ_COMMITTED).catch(() => new Map<number, number>()),
  ])
  const leaders = new Map(t.partitions.map((p) => [p.partitionId, p.leader]))
  const sizes = withSizes ? await partitionSizes(s, topic, leaders) : null
  const partitions: PartitionDetail[] = t.partitions
    .map((p) => {
      const o = offsets.get(p.partitionId) ?? { low: 0, high: 0 } // offline: unknown
      return {
        partition: p.partitionId,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
        offlineReplicas: p.offlineReplicas ?? [],
        earliestOffset: o.low,
        latestOffset: o.high,
        lastStableOffset: stable.get(p.partitionId) ?? null,
        messages: Math.max(0, o.high - o.low),
        sizeBytes: sizes ? (sizes.get(p.partitionId) ?? 0) : null,
      }
    })
    .sort((a, b) => a.partition - b.partition)
  return {
    name: t.name,
    internal: t.internal || isInternalTopic(t.name),
    replicationFactor: t.partitions[0]?.replicas.length ?? 0,
    partitions,
    totalMessages: partitions.reduce((n, p) => n + p.messages, 0),
    totalSizeBytes: sizes ? partitions.reduce((n, p) => n + (p.sizeBytes ?? 0), 0) : null,
  }
}

/** Which dialog field a broker's CreateTopics error is about. */
const CREATE_ERROR_FIELD: Record<string, string> = {
  TOPIC_ALREADY_EXISTS: 'topic',
  INVALID_TOPIC_EXCEPTION: 'topic',
  INVALID_PARTITIONS: 'partitions',
  INVALID_REPLICATION_FACTOR: 'replicationFactor',
  INVALID_REPLICA_ASSIGNMENT: 'replicationFactor',
  INVALID_CONFIG: 'configs',
}

/**
 * CreateTopics through the raw client rather than kafkajs: kafkajs folds the broker's refusal
 * into "Topic creation errors" without Kafka's error message, and v5+ answers with the partition
 * count and replication factor the broker really chose (for -1, its defaults).
 */
export async function createTopic(s: Session, req: RequestOf<'topics.create'>): Promise<ResponseOf<'topics.create'>> {
  const { address } = await s.anyBroker()
  const c = await s.raw.get(address)
  const v = c.version(ApiKey.CreateTopics, 7, 2)
  const r = await c.request(ApiKey.CreateTopics, v, {
    topics: [
      {
        name: req.topic,
        numPartitions: req.partitions,
        replicationFactor: req.replicationFactor,
        assignments: [],
        configs: Object.entries(req.configs).map(([name, value]) => ({ name, value })),
      },
    ],
    timeoutMs: 30_000,
    validateOnly: !!req.validateOnly,
  })
  const t = r.topics[0]
  if (!t) throw new ContractError('INTERNAL', `CreateTopics answered without ${req.topic}`)
  if (t.errorCode) {
    const name = kafkaErrorName(t.errorCode)
    throw new ContractError(`KAFKA_${name}`, t.errorMessage || name, CREATE_ERROR_FIELD[name])
  }
  let partitions = v >= 5 && t.numPartitions > 0 ? t.numPartitions : req.partitions
  let replicationFactor = v >= 5 && t.replicationFactor > 0 ? t.replicationFactor : req.replicationFactor
  if (!req.validateOnly) {
    // The next view describes the topic: wait until metadata shows it with leaders.
    const meta = await waitForLeaders(s, req.topic)
    if (meta) {
      partitions = meta.partitions.length
      replicationFactor = meta.partitions[0]?.replicas.length ?? replicationFactor
    }
  }
  return { topic: req.topic, partitions, replicationFactor, created: !req.validateOnly }
}

async function waitForLeaders(s: Session, topic: string, timeoutMs = 10_000): Promise<TopicMeta | null> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    try {
      const t = await fetchTopic(s, topic)
      if (t.partitions.length && t.partitions.every((p) => p.leader >= 0)) return t
    } catch {
      /* not propagated yet */
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return null
}

export async function deleteTopics(s: Session, topics: string[]): Promise<ResponseOf<'topics.delete'>> {
  await s.admin.deleteTopics({ topics })
  return { deleted: topics }
}

export async function addPartitions(s: Session, req: RequestOf<'topics.addPartitions'>): Promise<ResponseOf<'topics.addPartitions'>> {
  const t = await topicMetadata(s, req.topic)
  const previous = t.partitions.length
  if (req.totalCount <= previous)
    throw new ContractError('VALIDATION', `the topic has ${previous} partitions; the new count must be larger (partitions cannot be removed)`, 'totalCount')
  if (!req.validateOnly) await s.admin.createPartitions({ topicPartitions: [{ topic: req.topic, count: req.totalCount }] })
  return { topic: req.topic, previousCount: previous, newCount: req.totalCount, applied: !req.validateOnly, warning: ADD_PARTITIONS_WARNING }
}
