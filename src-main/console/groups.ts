// Consumer groups: list (state, members, total lag), describe (per-partition committed offset,
// log end, lag and owner — the columns of kafka-consumer-groups --describe), delete groups,
// delete committed offsets (OffsetDelete via the raw client; kafkajs lacks it).
import kafkajs from 'kafkajs'
import { ContractError, toErrorShape, type GroupDescription, type LagSample, type RequestOf, type ResponseOf } from '../ipc/contract'
import type { Session } from './connections'
import { ApiKey, checkError, kafkaErrorName } from './raw-client'
import type { PartitionMeta } from './metadata'
import { partitionOffsets, topicMetadata } from './topics'

// kafkajs is CommonJS: Node's ESM loader cannot see all of its named exports.
const { AssignerProtocol } = kafkajs

export interface TopicEnds {
  partitions: PartitionMeta[]
  /** Partitions whose leader answered ListOffsets; the others are missing. */
  offsets: Map<number, { low: number; high: number }>
}

/** Log start/end offsets per topic, fetched once per refresh and shared by all groups. */
export class EndOffsets {
  private cache = new Map<string, Promise<TopicEnds>>()
  constructor(private readonly s: Session) {}
  topic(topic: string): Promise<TopicEnds> {
    let p = this.cache.get(topic)
    if (!p) {
      // Partitions on a broker that is down are skipped, not fatal: the others still have lag.
      p = Promise.all([topicMetadata(this.s, topic), partitionOffsets(this.s, topic, true)]).then(([m, offsets]) => ({ partitions: m.partitions, offsets }))
      this.cache.set(topic, p)
    }
    return p
  }
  async get(topic: string): Promise<Map<number, { low: number; high: number }>> {
    return (await this.topic(topic)).offsets
  }
}

export interface CommittedOffset {
  topic: string
  partition: number
  offset: number | null
  metadata: string | null
}

export async function committedOffsets(s: Session, groupId: string): Promise<CommittedOffset[]> {
  const r = await s.admin.fetchOffsets({ groupId })
  const out: CommittedOffset[] = []
  for (const t of r)
    for (const p of t.partitions)
      out.push({ topic: t.topic, partition: p.partition, offset: Number(p.offset) >= 0 ? Number(p.offset) : null, metadata: p.metadata ?? null })
  return out
}

export interface LagRow extends CommittedOffset {
  logStartOffset: number
  logEndOffset: number
  lag: number | null
  unavailable?: string
}

function unavailableReason(p: PartitionMeta | undefined, topic: string, partition: number): string {
  if (!p) return `partition ${partition} of ${topic} does not exist`
  if (p.leader < 0) return `partition ${partition} of ${topic} has no leader (replicas on broker ${p.replicas.join(', ')} are down)`
  return `broker ${p.leader}, leader of ${topic}-${partition}, did not answer`
}

/**
 * Lag per partition of every topic the group has committed on (plus `extraTopics`, e.g. its
 * assignment): log end − committed, as Kafka's tool computes it. Partitions without a commit
 * are rows too (offset and lag null): leaving them out made a stopped group look almost
 * caught up while most of its topic was unread.
 */
export async function groupLag(s: Session, groupId: string, ends: EndOffsets, extraTopics: string[] = []): Promise<LagRow[]> {
  const committed = await committedOffsets(s, groupId)
  const topics = [...new Set([...committed.map((c) => c.topic), ...extraTopics])]
  const perTopic = await Promise.all(
    topics.map(async (topic) => {
      const mine = committed.filter((c) => c.topic === topic)
      let te: TopicEnds | null = null
      let failure = ''
      try {
        te = await ends.topic(topic)
      } catch (e) {
        failure = toErrorShape(e).message
      }
      const ids = [...new Set([...(te?.partitions.map((p) => p.partitionId) ?? []), ...mine.map((c) => c.partition)])].sort((a, b) => a - b)
      return ids.map((partition): LagRow => {
        const c = mine.find((x) => x.partition === partition)
        const o = te?.offsets.get(partition)
        const row: LagRow = {
          topic,
          partition,
          offset: c?.offset ?? null,
          metadata: c?.metadata ?? null,
          logStartOffset: o?.low ?? 0,
          logEndOffset: o?.high ?? 0,
          lag: o && c?.offset != null ? Math.max(0, o.high - c.offset) : null,
        }
        if (!o)
          row.unavailable = te
            ? unavailableReason(
                te.partitions.find((p) => p.partitionId === partition),
                topic,
                partition,
              )
            : failure
        return row
      })
    }),
  )
  return perTopic.flat()
}

/** What a group's lag figures cover: committed partitions, and messages on uncommitted ones. */
export function lagCoverage(rows: LagRow[]) {
  const uncommitted = rows.filter((r) => r.offset === null)
  return {
    committedPartitions: rows.length - uncommitted.length,
    uncommittedPartitions: uncommitted.length,
    uncommittedMessages: uncommitted.reduce((n, r) => n + (r.unavailable ? 0 : Math.max(0, r.logEndOffset - r.logStartOffset)), 0),
  }
}

export function lagSample(rows: LagRow[], t = Date.now()): LagSample {
  const byTopic: Record<string, number> = {}
  let total = 0
  for (const r of rows) {
    if (r.lag === null) continue
    byTopic[r.topic] = (byTopic[r.topic] ?? 0) + r.lag
    total += r.lag
  }
  return { t, totalLag: total, byTopic, uncommitted: lagCoverage(rows).uncommittedMessages }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let i = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) {
        const k = i++
        out[k] = await fn(items[k]!)
      }
    }),
  )
  return out
}

export async function listGroups(s: Session, req: RequestOf<'groups.list'>): Promise<ResponseOf<'groups.list'>> {
  const { groups } = await s.admin.listGroups()
  const q = req.search?.toLowerCase()
  const ids = groups.map((g) => g.groupId).filter((g) => !q || g.toLowerCase().includes(q))
  if (!ids.length) return { groups: [] }
  const desc = await s.admin.describeGroups(ids)
  const ends = new EndOffsets(s)
  const rows = await mapLimit(desc.groups, 16, async (g) => {
    let topics: string[] = []
    let totalLag: number | null = null
    try {
      const lag = req.withLag ? await groupLag(s, g.groupId, ends) : (await committedOffsets(s, g.groupId)).map((c) => ({ ...c, lag: null as number | null }))
      topics = [...new Set(lag.map((r) => r.topic))].sort()
      if (req.withLag && lag.some((r) => r.lag !== null)) totalLag = lag.reduce((n, r) => n + (r.lag ?? 0), 0)
    } catch {
      /* offsets unavailable (e.g. not authorized): list the group without lag */
    }
    for (const m of g.members) {
      for (const t of Object.keys(decodeAssignment(m.memberAssignment))) if (!topics.includes(t)) topics.push(t)
    }
    return {
      groupId: g.groupId,
      state: g.state,
      protocolType: g.protocolType,
      protocol: g.protocol,
      members: g.members.length,
      topics: topics.sort(),
      totalLag,
      coordinator: null,
    }
  })
  return { groups: rows.sort((a, b) => a.groupId.localeCompare(b.groupId)) }
}

function decodeAssignment(buf: Buffer | undefined): Record<string, number[]> {
  if (!buf || !buf.length) return {}
  try {
    return AssignerProtocol.MemberAssignment.decode(buf)?.assignment ?? {}
  } catch {
    return {}
  }
}

export async function findCoordinator(s: Session, groupId: string): Promise<{ nodeId: number; address: string }> {
  const any = await s.anyBroker()
  const c = await s.raw.get(any.address)
  const v = c.version(ApiKey.FindCoordinator, 4)
  const r = await c.request(ApiKey.FindCoordinator, v, v >= 4 ? { keyType: 0, coordinatorKeys: [groupId] } : { key: groupId, keyType: 0 })
  const x = v >= 4 ? r.coordinators[0] : r
  checkError(x.errorCode, x.errorMessage, `find coordinator of ${groupId}`)
  return { nodeId: x.nodeId, address: `${x.host}:${x.port}` }
}

/** A socket error in words: "connection refused" rather than "connect ECONNREFUSED 127.0.0.1:9093". */
function socketReason(message: string): string {
  if (/ECONNREFUSED/.test(message)) return 'connection refused'
  if (/ETIMEDOUT|timed? ?out/i.test(message)) return 'timed out'
  if (/EHOSTUNREACH|ENETUNREACH/.test(message)) return 'host unreachable'
  return message
}

/** Kafka's choice of the group's __consumer_offsets partition: abs(String.hashCode) % count. */
function javaHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

async function offsetsPartitionState(s: Session, groupId: string): Promise<string> {
  try {
    const t = await topicMetadata(s, '__consumer_offsets')
    const p = t.partitions[(javaHash(groupId) & 0x7fffffff) % t.partitions.length]
    if (!p) return 'its __consumer_offsets partition is unknown'
    return `partition ${p.partitionId} of __consumer_offsets, which holds its offsets, has no leader (replicas on broker ${p.replicas.join(', ')})`
  } catch {
    return 'its __consumer_offsets partition has no leader'
  }
}

/**
 * Everything about a group goes through its coordinator. When that broker is down, say so by
 * its id and address rather than letting a socket's ECONNREFUSED through.
 */
async function reachableCoordinator(s: Session, groupId: string): Promise<number | null> {
  let coord: { nodeId: number; address: string }
  try {
    coord = await findCoordinator(s, groupId)
  } catch (e) {
    const err = toErrorShape(e)
    if (err.code === 'KAFKA_COORDINATOR_NOT_AVAILABLE')
      throw new ContractError('KAFKA_COORDINATOR_NOT_AVAILABLE', `no broker can coordinate group ${groupId} now: ${await offsetsPartitionState(s, groupId)}`)
    return null // informative only: kafkajs finds it on its own
  }
  try {
    await s.raw.get(coord.address)
  } catch (e) {
    throw new ContractError(
      'CONNECTION',
      `the coordinator of group ${groupId}, broker ${coord.nodeId} at ${coord.address}, does not answer (${socketReason(toErrorShape(e).message)}): its offsets cannot be read until it is back`,
    )
  }
  return coord.nodeId
}

/**
 * kafkajs may still send to a broker that has just stopped (its metadata is older than ours):
 * its "connect ECONNREFUSED host:port" becomes the broker's id and address in words.
 */
function namingTheBroker(s: Session, e: unknown): unknown {
  const err = toErrorShape(e)
  const at = /(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)\s+(\S+:\d+)/.exec(err.message)
  if (!at?.[1]) return e
  const nodeId = s.nodeIdAt(at[1])
  const who = nodeId === undefined ? `the broker at ${at[1]}` : `broker ${nodeId} at ${at[1]}`
  return new ContractError(
    'CONNECTION',
    `${who} does not answer (${socketReason(err.message)}); the view is refreshed once the cluster's metadata moves past it`,
  )
}

export async function describeGroup(s: Session, groupId: string): Promise<GroupDescription> {
  try {
    return await describeGroupOnce(s, groupId)
  } catch (e) {
    throw namingTheBroker(s, e)
  }
}

async function describeGroupOnce(s: Session, groupId: string): Promise<GroupDescription> {
  const coordinator = await reachableCoordinator(s, groupId)
  const { groups } = await s.admin.describeGroups([groupId])
  const g = groups[0]
  if (!g || (g.state === 'Dead' && g.members.length === 0 && !(await committedOffsets(s, groupId)).length))
    throw new ContractError('NOT_FOUND', `consumer group ${groupId} does not exist`, 'groupId')
  const owners = new Map<string, { memberId: string; clientId: string; host: string }>()
  const members = g.members.map((m) => {
    const a = decodeAssignment(m.memberAssignment)
    for (const [t, ps] of Object.entries(a)) for (const p of ps) owners.set(`${t}:${p}`, { memberId: m.memberId, clientId: m.clientId, host: m.clientHost })
    return {
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignments: Object.entries(a).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((x, y) => x - y) })),
    }
  })
  const ends = new EndOffsets(s)
  // Assigned topics count too: their partitions without a commit are listed (committed '-').
  const assigned = [...new Set([...owners.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))]
  const lag = await groupLag(s, groupId, ends, assigned)
  const offsets = lag
    .map((r) => {
      const o = owners.get(`${r.topic}:${r.partition}`)
      return {
        topic: r.topic,
        partition: r.partition,
        committedOffset: r.offset,
        logStartOffset: r.logStartOffset,
        logEndOffset: r.logEndOffset,
        lag: r.lag,
        memberId: o?.memberId ?? null,
        clientId: o?.clientId ?? null,
        host: o?.host ?? null,
        metadata: r.metadata,
        ...(r.unavailable ? { unavailable: r.unavailable } : {}),
      }
    })
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  const withLag = offsets.filter((o) => o.lag !== null)
  return {
    groupId,
    state: g.state,
    protocolType: g.protocolType,
    protocol: g.protocol,
    coordinator,
    members,
    offsets,
    totalLag: withLag.length ? withLag.reduce((n, o) => n + o.lag!, 0) : null,
    ...lagCoverage(lag),
  }
}

export async function deleteGroups(s: Session, groupIds: string[]): Promise<ResponseOf<'groups.delete'>> {
  const results: ResponseOf<'groups.delete'>['results'] = []
  for (const groupId of groupIds) {
    try {
      await s.admin.deleteGroups([groupId])
      results.push({ groupId, deleted: true })
    } catch (e) {
      const inner = (e as { groups?: { error?: unknown }[] }).groups?.[0]?.error
      results.push({ groupId, deleted: false, error: toErrorShape(inner ?? e) })
    }
  }
  return results.length ? { results } : { results: [] }
}

export async function deleteOffsets(s: Session, req: RequestOf<'groups.deleteOffsets'>): Promise<ResponseOf<'groups.deleteOffsets'>> {
  let partitions = req.partitions
  if (!partitions) {
    partitions = (await committedOffsets(s, req.groupId)).filter((c) => c.topic === req.topic).map((c) => c.partition)
    if (!partitions.length) throw new ContractError('NOT_FOUND', `group ${req.groupId} has no committed offsets for ${req.topic}`, 'topic')
  }
  const coord = await findCoordinator(s, req.groupId)
  const c = await s.raw.get(coord.address)
  const r = await c.request(ApiKey.OffsetDelete, c.version(ApiKey.OffsetDelete, 0), {
    groupId: req.groupId,
    topics: [{ name: req.topic, partitions: partitions.map((p) => ({ partitionIndex: p })) }],
  })
  if (r.errorCode) {
    const name = kafkaErrorName(r.errorCode)
    const msg =
      name === 'NON_EMPTY_GROUP'
        ? `group ${req.groupId} is active; Kafka only deletes offsets of partitions the group is not consuming`
        : name === 'GROUP_ID_NOT_FOUND'
          ? `consumer group ${req.groupId} does not exist`
          : name
    throw new ContractError(name === 'GROUP_ID_NOT_FOUND' ? 'NOT_FOUND' : `KAFKA_${name}`, msg, name === 'GROUP_ID_NOT_FOUND' ? 'groupId' : undefined)
  }
  const deleted: ResponseOf<'groups.deleteOffsets'>['deleted'] = []
  const errors: ResponseOf<'groups.deleteOffsets'>['errors'] = []
  for (const t of r.topics) {
    for (const p of t.partitions) {
      if (p.errorCode) {
        const name = kafkaErrorName(p.errorCode)
        errors.push({
          topic: t.name,
          partition: p.partitionIndex,
          error: {
            code: `KAFKA_${name}`,
            message: name === 'GROUP_SUBSCRIBED_TO_TOPIC' ? `the group is subscribed to ${t.name}; stop its consumers first` : name,
          },
        })
      } else deleted.push({ topic: t.name, partition: p.partitionIndex })
    }
  }
  return { deleted, errors }
}
