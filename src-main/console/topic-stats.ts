// The figures of the topic list beyond metadata: messages (ListOffsets earliest/latest, one
// request per leader for all its partitions), size on disk (DescribeLogDirs, one request per
// broker for every topic) and retention / cleanup policy (one DescribeConfigs for all topics).
// A broker that does not answer costs only the figures it holds: those become null and the
// broker is named in `unavailable`, the rest of the list is still shown.
import type { BrokerUnavailable } from '../ipc/contract'
import { askBroker, unavailableOf } from './broker-calls'
import type { Session } from './connections'
import type { ClusterMeta } from './metadata'
import { ApiKey } from './raw-client'
import { EARLIEST, LATEST } from './topics'

export interface TopicStats {
  messages: number | null
  sizeBytes: number | null
  retentionMs: string | null
  cleanupPolicy: string | null
}

type TopicPartitions = Map<string, number[]>

async function leaderOffsets(s: Session, nodeId: number, parts: TopicPartitions, timestamp: number): Promise<Map<string, number | null>> {
  return askBroker(s, nodeId, async (c) => {
    const v = c.version(ApiKey.ListOffsets, 7, 1)
    const r = await c.request(ApiKey.ListOffsets, v, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [...parts.entries()].map(([name, ps]) => ({
        name,
        partitions: ps.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })),
      })),
      timeoutMs: 5_000,
    })
    const out = new Map<string, number | null>()
    for (const t of r.topics) for (const p of t.partitions) out.set(`${t.name}:${p.partitionIndex}`, p.errorCode ? null : Number(p.offset))
    return out
  })
}

/** Sizes of the partitions this broker leads (a follower's copy is not counted twice). */
async function leaderSizes(s: Session, nodeId: number, led: Set<string>): Promise<Map<string, number>> {
  return askBroker(s, nodeId, async (c) => {
    const v = c.version(ApiKey.DescribeLogDirs, 4, 1)
    const r = await c.request(ApiKey.DescribeLogDirs, v, { topics: null })
    const out = new Map<string, number>()
    for (const dir of r.results) {
      if (dir.errorCode) continue
      for (const t of dir.topics)
        for (const p of t.partitions) {
          const k = `${t.name}:${p.partitionIndex}`
          if (!p.isFutureKey && led.has(k)) out.set(k, (out.get(k) ?? 0) + Number(p.partitionSize))
        }
    }
    return out
  })
}

async function topicConfigs(s: Session, nodeId: number, names: string[]): Promise<Map<string, { retentionMs: string | null; cleanupPolicy: string | null }>> {
  return askBroker(s, nodeId, async (c) => {
    const v = c.version(ApiKey.DescribeConfigs, 4, 1)
    const r = await c.request(ApiKey.DescribeConfigs, v, {
      resources: names.map((n) => ({ resourceType: 2, resourceName: n, configurationKeys: ['retention.ms', 'cleanup.policy'] })),
      includeSynonyms: false,
      includeDocumentation: false,
    })
    const out = new Map<string, { retentionMs: string | null; cleanupPolicy: string | null }>()
    for (const res of r.results) {
      if (res.errorCode) continue
      const get = (k: string) => (res.configs.find((e: { name: string }) => e.name === k)?.value ?? null) as string | null
      out.set(res.resourceName, { retentionMs: get('retention.ms'), cleanupPolicy: get('cleanup.policy') })
    }
    return out
  })
}

export async function topicStats(
  s: Session,
  meta: ClusterMeta,
  names: string[],
): Promise<{ stats: Map<string, TopicStats>; unavailable: BrokerUnavailable[] }> {
  const wanted = new Set(names)
  const live = new Set(meta.brokers.map((b) => b.nodeId))
  const byLeader = new Map<number, TopicPartitions>()
  const led = new Map<number, Set<string>>()
  for (const t of meta.topics) {
    if (!wanted.has(t.name)) continue
    for (const p of t.partitions) {
      if (p.leader < 0 || !live.has(p.leader)) continue
      const m = byLeader.get(p.leader) ?? new Map<string, number[]>()
      m.set(t.name, [...(m.get(t.name) ?? []), p.partitionId])
      byLeader.set(p.leader, m)
      const l = led.get(p.leader) ?? new Set<string>()
      l.add(`${t.name}:${p.partitionId}`)
      led.set(p.leader, l)
    }
  }
  const unavailable = new Map<number, BrokerUnavailable>()
  const offsets = new Map<string, { low: number | null; high: number | null }>()
  const sizes = new Map<string, number>()
  const failed = new Set<number>()
  const note = (nodeId: number) => (e: unknown) => {
    failed.add(nodeId)
    if (!unavailable.has(nodeId)) unavailable.set(nodeId, unavailableOf(e, nodeId))
  }
  let configs = new Map<string, { retentionMs: string | null; cleanupPolicy: string | null }>()
  // Configs: from the first live broker that answers.
  const askConfigs = async () => {
    for (const b of [...live].sort((a, b) => a - b)) {
      if (failed.has(b)) continue
      try {
        configs = await topicConfigs(s, b, names)
        return
      } catch (e) {
        note(b)(e)
      }
    }
  }
  await Promise.all([
    ...[...byLeader.entries()].map(async ([nodeId, parts]) => {
      try {
        const [low, high] = await Promise.all([leaderOffsets(s, nodeId, parts, EARLIEST), leaderOffsets(s, nodeId, parts, LATEST)])
        for (const k of high.keys()) offsets.set(k, { low: low.get(k) ?? null, high: high.get(k) ?? null })
      } catch (e) {
        note(nodeId)(e)
      }
    }),
    ...[...led.entries()].map(async ([nodeId, keys]) => {
      try {
        for (const [k, n] of await leaderSizes(s, nodeId, keys)) sizes.set(k, n)
      } catch (e) {
        note(nodeId)(e)
      }
    }),
    askConfigs(),
  ])
  const stats = new Map<string, TopicStats>()
  for (const t of meta.topics) {
    if (!wanted.has(t.name)) continue
    let messages: number | null = 0
    let size: number | null = 0
    for (const p of t.partitions) {
      const k = `${t.name}:${p.partitionId}`
      const o = offsets.get(k)
      if (!o || o.low === null || o.high === null) messages = null
      else if (messages !== null) messages += Math.max(0, o.high - o.low)
      const sz = sizes.get(k)
      if (sz === undefined) size = null
      else if (size !== null) size += sz
    }
    const c = configs.get(t.name)
    stats.set(t.name, { messages, sizeBytes: size, retentionMs: c?.retentionMs ?? null, cleanupPolicy: c?.cleanupPolicy ?? null })
  }
  return { stats, unavailable: [...unavailable.values()].sort((a, b) => a.nodeId - b.nodeId) }
}
