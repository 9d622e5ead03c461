// Reading messages: by partition + offset, from a timestamp, latest N or earliest, several
// partitions merged by timestamp; a partition whose leader is down is named, not fatal.
import { ContractError, toErrorShape, type RequestOf, type ResponseOf } from '../../ipc/contract'
import type { Session } from '../connections'
import { Fetcher } from '../fetcher'
import type { OpContext } from '../operations'
import type { RawRecord } from '../records'
import { LATEST, READ_COMMITTED, listOffsets, offsetsForTimestamp, partitionOffsets, topicMetadata } from '../topics'
import { byTime, loadSchemas, recordToRow, recordsToColumns, toMessage } from './message'

type Unavailable = NonNullable<ResponseOf<'messages.read'>['unavailable']>[number]

export async function readMessages(s: Session, req: RequestOf<'messages.read'>, opCtx?: OpContext): Promise<ResponseOf<'messages.read'>> {
  // A partition whose leader is down is reported, not fatal: the others are still readable.
  const [meta, offsets] = await Promise.all([topicMetadata(s, req.topic), partitionOffsets(s, req.topic, true)])
  const leaders = new Map(meta.partitions.map((p) => [p.partitionId, p.leader]))
  const unavailable: Unavailable[] = []
  const fetcher = new Fetcher(s, req.topic, s.raw, { readCommitted: req.isolationLevel === 'read_committed', includeControl: req.showControlRecords })
  const pos = req.position
  let wanted: number[]
  if (pos.type === 'offset') wanted = [pos.partition]
  else wanted = req.partitions ?? [...leaders.keys()].sort((a, b) => a - b)
  for (const p of wanted)
    if (!leaders.has(p))
      throw new ContractError('NOT_FOUND', `partition ${p} of ${req.topic} does not exist`, pos.type === 'offset' ? 'position.partition' : 'partitions')
  const down = (p: number, reason: string) => unavailable.push({ partition: p, leader: leaders.get(p) ?? -1, reason })
  for (const p of wanted)
    if (!offsets.has(p)) {
      const l = leaders.get(p)!
      down(
        p,
        l < 0
          ? `partition ${p} has no leader: its replicas (broker ${meta.partitions.find((x) => x.partitionId === p)?.replicas.join(', ')}) are down`
          : `broker ${l}, leader of partition ${p}, did not answer`,
      )
    }
  let parts = wanted.filter((p) => offsets.has(p))
  if (!parts.length && unavailable.length) throw new ContractError('KAFKA_LEADER_NOT_AVAILABLE', unavailable.map((u) => u.reason).join('; '))

  // read_committed stops at the last stable offset (the broker returns nothing past it): "latest
  // N" ends there, and so does each partition's read.
  const stable = req.isolationLevel === 'read_committed' ? await listOffsets(s, req.topic, LATEST, parts, true, READ_COMMITTED) : undefined
  const end = (p: number) => Math.min(stable?.get(p) ?? Infinity, offsets.get(p)!.high)

  // Start offset per partition.
  const starts = new Map<number, number>()
  if (pos.type === 'timestamp') {
    for (const [p, o] of await offsetsForTimestamp(s, req.topic, pos.timestamp, true)) if (parts.includes(p)) starts.set(p, o)
  }
  for (const p of parts) {
    const { low, high } = offsets.get(p)!
    if (pos.type === 'offset') starts.set(p, Math.min(Math.max(pos.offset, low), high))
    else if (pos.type === 'latest') starts.set(p, Math.max(low, end(p) - req.limit))
    else if (pos.type === 'earliest') starts.set(p, low)
    else if (!starts.has(p)) starts.set(p, high)
  }

  // Up to `limit` from each partition's start (the merge cuts to limit afterwards).
  const total = parts.reduce((n, p) => n + Math.min(req.limit, Math.max(0, end(p) - starts.get(p)!)), 0)
  const op = opCtx ? opCtx.ops.start(req.opId, opCtx.sink, total) : undefined
  let read
  try {
    read = await Promise.all(
      parts.map(async (p) => {
        const start = starts.get(p)!
        try {
          const r = await fetcher.readRange(p, start, end(p), req.limit, op)
          return { p, start, records: r.records }
        } catch (e) {
          if (e instanceof ContractError && e.code === 'CANCELLED') throw e
          down(p, `broker ${leaders.get(p)}, leader of partition ${p}: ${toErrorShape(e).message}`)
          return null
        }
      }),
    )
  } finally {
    op?.end()
  }
  parts = parts.filter((p) => !unavailable.some((u) => u.partition === p))
  let all: { partition: number; rec: RawRecord; timestamp: number; offset: number }[] = []
  for (const x of read) if (x) for (const rec of x.records) all.push({ partition: x.p, rec, timestamp: rec.timestamp, offset: rec.offset })
  if (parts.length > 1) all.sort(byTime)
  if (all.length > req.limit) all = pos.type === 'latest' ? all.slice(all.length - req.limit) : all.slice(0, req.limit)
  await loadSchemas(
    s,
    all.map((x) => x.rec),
    req,
  )
  const lastIncluded = new Map<number, number>()
  for (const x of all) lastIncluded.set(x.partition, Math.max(lastIncluded.get(x.partition) ?? -1, x.offset))
  let res: ResponseOf<'messages.read'>
  if (req.asColumns) {
    res = { messages: [], columns: recordsToColumns(s, all, req), partitions: [] }
  } else if (req.asRows) {
    res = { messages: [], rows: all.map((x) => recordToRow(s, x.partition, x.rec, req)), partitions: [] }
  } else {
    const messages = all.map((x) => toMessage(s, req.topic, x.partition, x.rec, req))
    if (req.omitJson)
      for (const m of messages) {
        // Avro keeps its decoded value in `json` too; its text is that value as JSON.
        if (m.key?.json !== undefined) m.key = { ...m.key, json: undefined }
        if (m.value?.json !== undefined) m.value = { ...m.value, json: undefined }
      }
    res = { messages, partitions: [] }
  }
  res.partitions = parts.map((p) => ({
    partition: p,
    nextOffset: lastIncluded.has(p) ? lastIncluded.get(p)! + 1 : starts.get(p)!,
    earliestOffset: offsets.get(p)!.low,
    latestOffset: offsets.get(p)!.high,
  }))
  if (unavailable.length) res.unavailable = unavailable.sort((a, b) => a.partition - b.partition)
  return res
}
