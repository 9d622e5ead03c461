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
import { NO_OPERATION, type OpContext, type Operation } from './operations'

/** ISO-8601 duration (PnDTnHnMnS) in ms. */
export function parseDuration(d: string): number {
  const m = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d)
  if (!m) throw new ContractError('VALIDATION', `not an ISO-8601 duration: ${d}`, 'reset.duration')
  const ms = ((Number(m[2] ?? 0) * 24 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 60_000 + Number(m[5] ?? 0) * 1000
  return m[1] ? -ms : ms
}

export interface CsvLine {
  /** 1-based line number in the file. */
  line: number
  text: string
  topic: string
  partition: number
  offset: number
}

/** Kafka's --from-file CSV: topic,partition,offset (or group,topic,partition,offset) per line. */
export function parseResetCsvLines(csv: string, groupId: string): CsvLine[] {
  const out: CsvLine[] = []
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
    out.push({ line: i + 1, text: line, topic, partition: Number(partition), offset: Number(offset) })
  })
  if (!out.length) throw new ContractError('VALIDATION', 'the CSV holds no offsets', 'reset.csv')
  return out
}

export function parseResetCsv(csv: string, groupId: string): { topic: string; partition: number; offset: number }[] {
  return parseResetCsvLines(csv, groupId).map(({ topic, partition, offset }) => ({ topic, partition, offset }))
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
  const r = await c.request(ApiKey.OffsetCommit, v, {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics,
  })
  for (const t of r.topics)
    for (const p of t.partitions) {
      if (p.errorCode === 25 || p.errorCode === 22)
        throw new ContractError(
          'REFUSED',
          `the group ${groupId} became active while resetting (${kafkaErrorName(p.errorCode)}); stop its consumers and try again`,
        )
      checkError(p.errorCode, null, `commit ${t.name}-${p.partitionIndex}`)
    }
}

export const INACTIVE_STATES = new Set(['Empty', 'Dead'])

type Problem = NonNullable<ResetPlan['problems']>[number]
type Ends = Map<number, { low: number; high: number }>

/**
 * The lines of a --from-file CSV checked against the cluster: every line is either a partition
 * to reset or a problem (unknown topic or partition, a repeated partition, a partition whose
 * leader is down). Nothing is dropped silently.
 */
async function fileTargets(s: Session, lines: CsvLine[]) {
  const topics = new Map<string, { ids: number[]; ends: Ends; leaders: Map<number, number> } | null>()
  for (const t of new Set(lines.map((l) => l.topic))) {
    try {
      const meta = await topicMetadata(s, t)
      topics.set(t, {
        ids: meta.partitions.map((p) => p.partitionId),
        ends: await partitionOffsets(s, t, true),
        leaders: new Map(meta.partitions.map((p) => [p.partitionId, p.leader])),
      })
    } catch (e) {
      if ((e as ContractError).code !== 'NOT_FOUND') throw e
      topics.set(t, null)
    }
  }
  const ok: CsvLine[] = []
  const problems: Problem[] = []
  const seen = new Map<string, number>()
  for (const l of lines) {
    const t = topics.get(l.topic)
    const key = `${l.topic}:${l.partition}`
    let reason: string | null = null
    if (!t) reason = `topic ${l.topic} does not exist`
    else if (!t.ids.includes(l.partition))
      reason = `partition ${l.partition} of ${l.topic} does not exist (the topic has ${t.ids.length} partition${t.ids.length === 1 ? '' : 's'})`
    else if (seen.has(key)) reason = `${l.topic}-${l.partition} is already set on line ${seen.get(key)}`
    else if (!t.ends.has(l.partition))
      reason =
        (t.leaders.get(l.partition) ?? -1) < 0
          ? `${l.topic}-${l.partition} has no leader: its offsets cannot be read`
          : `broker ${t.leaders.get(l.partition)}, leader of ${l.topic}-${l.partition}, did not answer`
    if (reason) problems.push({ line: l.line, text: l.text, reason })
    else {
      seen.set(key, l.line)
      ok.push(l)
    }
  }
  const ends = new Map<string, Ends>([...topics.entries()].filter(([, v]) => v).map(([k, v]) => [k, v!.ends]))
  return { ok, problems, ends }
}

/**
 * Previews (or executes) a reset. Named by an opId, it reports progress in steps (one per topic
 * whose offsets are looked up, one for the commit) and stops on operations.cancel at the next
 * step. The commit is one OffsetCommit request, which the coordinator writes as one batch: once
 * it is sent the reset is done whole; before, nothing was changed.
 */
export async function planReset(s: Session, req: ResetRequest, execute: boolean, opCtx?: OpContext): Promise<ResetPlan> {
  const op = opCtx ? opCtx.ops.start(req.opId, opCtx.sink, 0) : NO_OPERATION
  try {
    return await runReset(s, req, execute, op)
  } finally {
    op.end()
  }
}

async function runReset(s: Session, req: ResetRequest, execute: boolean, op: Operation): Promise<ResetPlan> {
  const { groups } = await s.admin.describeGroups([req.groupId])
  const state = groups[0]?.state ?? 'Dead'
  const committed = await committedOffsets(s, req.groupId)
  const committedMap = new Map(committed.map((c) => [`${c.topic}:${c.partition}`, c.offset]))

  // Which partitions. A CSV names them itself (Kafka's tool ignores --topic with --from-file).
  const fromFile = req.reset.mode === 'file' ? await fileTargets(s, parseResetCsvLines(req.reset.csv, req.groupId)) : undefined
  let targets: { topic: string; partition: number }[] = []
  if (fromFile) {
    targets = fromFile.ok.map((f) => ({ topic: f.topic, partition: f.partition }))
  } else if (req.topics?.length) {
    for (const t of req.topics) {
      const meta = await topicMetadata(s, t.topic)
      const all = meta.partitions.map((p) => p.partitionId)
      for (const p of t.partitions ?? all) {
        if (!all.includes(p)) throw new ContractError('NOT_FOUND', `partition ${p} of ${t.topic} does not exist`, 'topics')
        targets.push({ topic: t.topic, partition: p })
      }
    }
  } else if (req.allTopics) {
    // Every partition of the group's topics, committed or not: "earliest" must cover them all.
    for (const t of new Set(committed.map((c) => c.topic))) {
      const meta = await topicMetadata(s, t).catch(() => null)
      const ids = new Set([...(meta?.partitions.map((p) => p.partitionId) ?? []), ...committed.filter((c) => c.topic === t).map((c) => c.partition)])
      for (const partition of [...ids].sort((a, b) => a - b)) targets.push({ topic: t, partition })
    }
  } else {
    throw new ContractError('VALIDATION', 'name the topics to reset (topics) or set allTopics', 'topics')
  }
  if (!targets.length && !fromFile?.problems.length) throw new ContractError('VALIDATION', 'no partitions to reset', req.allTopics ? 'allTopics' : 'topics')

  const topics = [...new Set(targets.map((t) => t.topic))]
  const ends = fromFile?.ends ?? new Map<string, Ends>()
  const byTime = new Map<string, Map<number, number>>()
  const ts =
    req.reset.mode === 'datetime' ? Date.parse(req.reset.datetime) : req.reset.mode === 'duration' ? Date.now() - parseDuration(req.reset.duration) : undefined
  // One step per topic, and one for the commit when executing.
  op.advance(0, topics.length + (execute ? 1 : 0))
  for (const t of topics) {
    op.check()
    if (!ends.has(t)) ends.set(t, await partitionOffsets(s, t))
    if (ts !== undefined) byTime.set(t, await listOffsets(s, t, ts))
    op.check()
    op.advance(1)
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
        target = fromFile!.ok.find((f) => f.topic === topic && f.partition === partition)!.offset
        break
    }
    const clamped = Math.min(Math.max(target, e.low), e.high)
    partitions.push({ topic, partition, currentOffset: current, newOffset: clamped, logStartOffset: e.low, logEndOffset: e.high, clamped: clamped !== target })
  }
  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)

  const active = !INACTIVE_STATES.has(state)
  const problems = fromFile?.problems ?? []
  const reason = active
    ? `Assignments can only be reset if the group '${req.groupId}' is inactive, but the current state is ${state}. Stop its consumers (${groups[0]?.members.length ?? 0} active member(s)) and try again.`
    : problems.length
      ? `${problems.length} line${problems.length === 1 ? '' : 's'} of the CSV cannot be applied (listed below); nothing is reset until the file is fixed.`
      : undefined
  const plan: ResetPlan = { groupId: req.groupId, state, canExecute: !reason, partitions, executed: false }
  if (reason) plan.reason = reason
  if (fromFile) plan.problems = problems
  if (!execute) return plan
  if (reason) throw new ContractError('REFUSED', reason)
  op.check() // the last moment a cancel leaves the group as it was
  await commitOffsets(s, req.groupId, partitions)
  op.advance(1)
  plan.executed = true
  return plan
}
