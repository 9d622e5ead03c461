// Consumer groups: list (state, members, total lag), describe (per-partition committed offset,
// log end, lag and owner — the columns of kafka-consumer-groups --describe), delete groups,
// delete committed offsets (OffsetDelete via the raw client; kafkajs lacks it).
import kafkajs from 'kafkajs'
import { ContractError, toErrorShape, type GroupDescription, type LagSample, type RequestOf, type ResponseOf } from '../ipc/contract'
import type { Session } from './connections'
import { ApiKey, checkError, kafkaErrorName } from './raw-client'
import { partitionOffsets } from './topics'

// kafkajs is CommonJS: Node's ESM loader cannot see all of its named exports.
const { AssignerProtocol } = kafkajs

/** Log end offsets per topic, fetched once per refresh and shared by all groups. */
export class EndOffsets {
  private cache = new Map<string, Promise<Map<number, { low: number; high: number }>>>()
  constructor(private readonly s: Session) {}
  get(topic: string): Promise<Map<number, { low: number; high: number }>> {
    let p = this.cache.get(topic)
    if (!p) {
      p = partitionOffsets(this.s, topic)
      this.cache.set(topic, p)
    }
    return p
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
  for (const t of r) for (const p of t.partitions) out.push({ topic: t.topic, partition: p.partition, offset: Number(p.offset) >= 0 ? Number(p.offset) : null, metadata: p.metadata ?? null })
  return out
}

/** Lag per partition: log end − committed (null without a commit), as Kafka's tool computes it. */
export async function groupLag(s: Session, groupId: string, ends: EndOffsets) {
  const committed = await committedOffsets(s, groupId)
  const rows = await Promise.all(
    committed.map(async (c) => {
      const e = (await ends.get(c.topic).catch(() => new Map<number, { low: number; high: number }>())).get(c.partition) ?? { low: 0, high: 0 }
      return { ...c, logStartOffset: e.low, logEndOffset: e.high, lag: c.offset === null ? null : Math.max(0, e.high - c.offset) }
    }),
  )
  return rows
}

export function lagSample(rows: { topic: string; lag: number | null }[], t = Date.now()): LagSample {
  const byTopic: Record<string, number> = {}
  let total = 0
  for (const r of rows) {
    if (r.lag === null) continue
    byTopic[r.topic] = (byTopic[r.topic] ?? 0) + r.lag
    total += r.lag
  }
  return { t, totalLag: total, byTopic }
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

export async function describeGroup(s: Session, groupId: string): Promise<GroupDescription> {
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
  const lag = await groupLag(s, groupId, ends)
  // Assigned partitions without a commit are listed too (committed '-'), as Kafka's tool does.
  for (const [k] of owners) {
    const i = k.lastIndexOf(':')
    const topic = k.slice(0, i)
    const partition = Number(k.slice(i + 1))
    if (!lag.some((r) => r.topic === topic && r.partition === partition)) {
      const e = (await ends.get(topic).catch(() => new Map())).get(partition) ?? { low: 0, high: 0 }
      lag.push({ topic, partition, offset: null, metadata: null, logStartOffset: e.low, logEndOffset: e.high, lag: null })
    }
  }
  let coordinator: number | null = null
  try {
    coordinator = (await findCoordinator(s, groupId)).nodeId
  } catch {
    /* informative only */
  }
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
          error: { code: `KAFKA_${name}`, message: name === 'GROUP_SUBSCRIBED_TO_TOPIC' ? `the group is subscribed to ${t.name}; stop its consumers first` : name },
        })
      } else deleted.push({ topic: t.name, partition: p.partitionIndex })
    }
  }
  return { deleted, errors }
}
