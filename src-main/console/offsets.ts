// Offset resets with every mode of kafka-consumer-groups --reset-offsets: earliest, latest,
// current, offset (--to-offset), shift-by, datetime (--to-datetime), duration (--by-duration),
// file (--from-file CSV). Always previewed (old → new per partition); executing is refused
// while the group has active members (state other than Empty/Dead), as Kafka's tool refuses.
// Targets outside [log start, log end] are clamped to the nearest end, as Kafka's tool does.
import { ContractError, type ResetPlan, type ResetRequest } from '../ipc/contract'
import type { Session } from './connections'
import { committedOffsets, findCoordinator } from './groups'
import { ApiKey, checkError, kafkaErrorName } from './raw-client'
import { listOffsets, partitionOffsets, topicMetadata } from './topics'

/** ISO-8601 duration (PnDTnHnMnS) in ms. */
export function parseDuration(d: string): number {
  const m = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d)
  if (!m) throw new ContractError('VALIDATION', `not an ISO-8601 duration: ${d}`, 'reset.duration')
  const ms = ((Number(m[2] ?? 0) * 24 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 60_000 + Number(m[5] ?? 0) * 1000
  return m[1] ? -ms : ms
}

/** Kafka's --from-file CSV: topic,partition,offset (or group,topic,partition,offset) per line. */
export function parseResetCsv(csv: string, groupId: string): { topic: string; partition: number; offset: number }[] {
  const out: { topic: string; partition: number; offset: number }[] = []
  csv.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const cols = line.split(',').map((c) => c.trim())
    let topic: string, partition: string, offset: string
    if (cols.length === 3) [topic, partition, offset] = cols as [string, string, string]
    else if (cols.length === 4) {
      if (cols[0] !== groupId) return
      ;[, topic, partition, offset] = cols as [string, string, string, string]
    } else throw new ContractError('VALIDATION', `line ${i + 1}: expected topic,partition,offset`, 'reset.csv')
    if (!/^\d+$/.test(partition) || !/^\d+$/.test(offset)) {
      if (i === 0 && /[a-z]/i.test(partition)) return // a header line
      throw new ContractError('VALIDATION', `line ${i + 1}: partition and offset must be non-negative integers`, 'reset.csv')
    }
    out.push({ topic, partition: Number(partition), offset: Number(offset) })
  })
  if (!out.length) throw new ContractError('VALIDATION', 'the CSV holds no offsets', 'reset.csv')
  return out
}

/**
 * Commits offsets for an inactive group the way Kafka's admin client does (OffsetCommit with
 * generation -1 and no member id, to the group coordinator). kafkajs' setOffsets joins the
 * group with a throwaway consumer first, which takes seconds.
 */
async function commitOffsets(s: Session, groupId: string, parts: { topic: string; partition: number; newOffset: number }[]): Promise<void> {
  const coord = await findCoordinator(s, groupId)
  const c = await s.raw.get(coord.address)
  const v = c.version(ApiKey.OffsetCommit, 9, 2)
  const topics = [...new Set(parts.map((p) => p.topic))].map((name) => ({
    name,
    partitions: parts
      .filter((p) => p.topic === name)
      .map((p) => ({ partitionIndex: p.partition, committedOffset: p.newOffset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' })),
  }))
  const r = await c.request(ApiKey.OffsetCommit, v, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics })
  for (const t of r.topics)
    for (const p of t.partitions) {
      if (p.errorCode === 25 || p.errorCode === 22)
        throw new ContractError('REFUSED', `the group ${groupId} became active while resetting (${kafkaErrorName(p.errorCode)}); stop its consumers and try again`)
      checkError(p.errorCode, null, `commit ${t.name}-${p.partitionIndex}`)
    }
}

export const INACTIVE_STATES = new Set(['Empty', 'Dead'])

export async function planReset(s: Session, req: ResetRequest, execute: boolean): Promise<ResetPlan> {
  const { groups } = await s.admin.describeGroups([req.groupId])
  const state = groups[0]?.state ?? 'Dead'
  const committed = await committedOffsets(s, req.groupId)
  const committedMap = new Map(committed.map((c) => [`${c.topic}:${c.partition}`, c.offset]))

  // Which partitions.
  const fromFile = req.reset.mode === 'file' ? parseResetCsv(req.reset.csv, req.groupId) : undefined
  let targets: { topic: string; partition: number }[] = []
  if (req.topics?.length) {
    for (const t of req.topics) {
      const meta = await topicMetadata(s, t.topic)
      const all = meta.partitions.map((p) => p.partitionId)
      for (const p of t.partitions ?? all) {
        if (!all.includes(p)) throw new ContractError('NOT_FOUND', `partition ${p} of ${t.topic} does not exist`, 'topics')
        targets.push({ topic: t.topic, partition: p })
      }
    }
  } else if (req.allTopics) {
    targets = committed.map((c) => ({ topic: c.topic, partition: c.partition }))
  } else if (fromFile) {
    targets = fromFile.map((f) => ({ topic: f.topic, partition: f.partition }))
  } else {
    throw new ContractError('VALIDATION', 'name the topics to reset (topics) or set allTopics', 'topics')
  }
  if (fromFile && req.topics?.length) targets = targets.filter((t) => fromFile.some((f) => f.topic === t.topic && f.partition === t.partition))
  if (!targets.length) throw new ContractError('VALIDATION', 'no partitions to reset', req.allTopics ? 'allTopics' : 'topics')

  const topics = [...new Set(targets.map((t) => t.topic))]
  const ends = new Map<string, Map<number, { low: number; high: number }>>()
  for (const t of topics) ends.set(t, await partitionOffsets(s, t))
  const byTime = new Map<string, Map<number, number>>()
  if (req.reset.mode === 'datetime' || req.reset.mode === 'duration') {
    const ts = req.reset.mode === 'datetime' ? Date.parse(req.reset.datetime) : Date.now() - parseDuration(req.reset.duration)
    for (const t of topics) {
      byTime.set(t, await listOffsets(s, t, ts))
    }
  }

  const partitions: ResetPlan['partitions'] = []
  for (const { topic, partition } of targets) {
    const e = ends.get(topic)!.get(partition)
    if (!e) throw new ContractError('NOT_FOUND', `partition ${partition} of ${topic} does not exist`, 'topics')
    const current = committedMap.get(`${topic}:${partition}`) ?? null
    let target: number
    const r = req.reset
    switch (r.mode) {
      case 'earliest':
        target = e.low
        break
      case 'latest':
        target = e.high
        break
      case 'current':
        target = current ?? e.high
        break
      case 'offset':
        target = r.offset
        break
      case 'shift-by':
        target = (current ?? e.high) + r.shift
        break
      case 'datetime':
      case 'duration': {
        const o = byTime.get(topic)?.get(partition)
        target = o === undefined || o < 0 ? e.high : o
        break
      }
      case 'file':
        target = fromFile!.find((f) => f.topic === topic && f.partition === partition)?.offset ?? current ?? e.high
        break
    }
    const clamped = Math.min(Math.max(target, e.low), e.high)
    partitions.push({ topic, partition, currentOffset: current, newOffset: clamped, logStartOffset: e.low, logEndOffset: e.high, clamped: clamped !== target })
  }
  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)

  const active = !INACTIVE_STATES.has(state)
  const reason = active
    ? `Assignments can only be reset if the group '${req.groupId}' is inactive, but the current state is ${state}. Stop its consumers (${groups[0]?.members.length ?? 0} active member(s)) and try again.`
    : undefined
  const plan: ResetPlan = { groupId: req.groupId, state, canExecute: !active, partitions, executed: false }
  if (reason) plan.reason = reason
  if (!execute) return plan
  if (active) throw new ContractError('REFUSED', reason!)
  await commitOffsets(s, req.groupId, partitions)
  plan.executed = true
  return plan
}
