// Reading messages: by partition + offset, from a timestamp, latest N or earliest, several
// partitions merged by timestamp; a partition whose leader is down is named, not fatal.
import { ContractError, toErrorShape, type RequestOf, type ResponseOf } from '../../ipc/contract'
import type { Session } from '../connections'
import { Fetcher } from '../fetcher'
import type { OpContext } from '../operations'
import { LATEST, READ_COMMITTED, listOffsets, offsetsForTimestamp, partitionOffsets, topicMetadata } from '../topics'
import { loadSchemas, recordToRow, toMessage } from './message'
import { RecordStore } from './record-columns'

/** Reads of at least this many messages get connections of their own. */
const OWN_CONNECTIONS_FROM = 10_000

type Unavailable = NonNullable<ResponseOf<'messages.read'>['unavailable']>[number]

export async function readMessages(s: Session, req: RequestOf<'messages.read'>, opCtx?: OpContext): Promise<ResponseOf<'messages.read'>> {
  // A partition whose leader is down is reported, not fatal: the others are still readable.
  const [meta, offsets] = await Promise.all([topicMetadata(s, req.topic), partitionOffsets(s, req.topic, true)])
  const leaders = new Map(meta.partitions.map((p) => [p.partitionId, p.leader]))
  const unavailable: Unavailable[] = []
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

  // Up to `limit` from each partition's start (the merge cuts to limit afterwards), every
  // partition of a leader in one Fetch a round, kept as byte ranges until the answer is built.
  const total = parts.reduce((n, p) => n + Math.min(req.limit, Math.max(0, end(p) - starts.get(p)!)), 0)
  const op = opCtx ? opCtx.ops.start(req.opId, opCtx.sink, total) : undefined
  const store = new RecordStore()
  // A long read fetches over connections of its own. A broker answers one request per connection
  // at a time, as Kafka does, so on a slow broker a long read sharing the console's connections
  // would queue behind its polling (and hold it up) until its Fetch timed out.
  const own = req.limit >= OWN_CONNECTIONS_FROM ? s.raw.sibling() : undefined
  const fetcher = new Fetcher(s, req.topic, own ?? s.raw, { readCommitted: req.isolationLevel === 'read_committed', includeControl: req.showControlRecords })
  try {
    await fetcher.readRanges(
      parts.map((p) => ({ partition: p, start: starts.get(p)!, end: end(p) })),
      req.limit,
      (p) => store.sink(p),
      (p, e) => down(p, `broker ${leaders.get(p)}, leader of partition ${p}: ${toErrorShape(e).message}`),
      op,
    )
  } finally {
    op?.end()
    own?.close()
  }
  parts = parts.filter((p) => !unavailable.some((u) => u.partition === p))
  let rows = store.order(parts.length > 1)
  if (rows.length > req.limit) rows = pos.type === 'latest' ? rows.slice(rows.length - req.limit) : rows.slice(0, req.limit)
  if (s.registry)
    await loadSchemas(
      s,
      rows.map((r) => store.record(r)),
      req,
    )
  const lastIncluded = new Map<number, number>()
  for (const r of rows) {
    const p = store.partition[r]!
    const o = store.offset[r]!
    if (o > (lastIncluded.get(p) ?? -1)) lastIncluded.set(p, o)
  }
  let res: ResponseOf<'messages.read'>
  if (req.asColumns) {
    res = { messages: [], columns: store.toColumns(s, rows, req), partitions: [] }
  } else if (req.asRows) {
    res = { messages: [], rows: rows.map((r) => recordToRow(s, store.partition[r]!, store.record(r), req)), partitions: [] }
  } else {
    const messages = rows.map((r) => toMessage(s, req.topic, store.partition[r]!, store.record(r), req))
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
