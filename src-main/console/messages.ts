// Messages: read (by partition + offset, from a timestamp, latest N, earliest; several partitions
// merged by timestamp), bounded search with progress and cancel, live tails, export.
import { randomUUID } from 'node:crypto'
import {
  ContractError,
  toErrorShape,
  type Decoded,
  type DecodedTuple,
  type Decoding,
  type EventSink,
  type Message,
  type MessageFilter,
  type MessageRow,
  type RequestOf,
  type ResponseOf,
} from '../ipc/contract'
import { rawAuthFor, type Session } from './connections'
import { confluentSchemaId, decode } from './decoders'
import { Fetcher } from './fetcher'
import { RawPool } from './raw-client'
import type { Operation, Operations } from './operations'
import { protoRegistry } from './protobuf'
import type { RawRecord } from './records'
import { offsetsForTimestamp, partitionOffsets, topicMetadata } from './topics'

export interface DecodeOptions {
  keyDecoding: Decoding
  valueDecoding: Decoding
  includeRaw?: boolean
  /** Leave the parsed JSON out of JSON keys/values (the text carries it). */
  omitJson?: boolean
  keyProtobufType?: string
  valueProtobufType?: string
}

/** Loads the registry schemas a set of records refers to (Avro decoding is synchronous). */
async function loadSchemas(s: Session, records: Iterable<RawRecord>, o: DecodeOptions): Promise<void> {
  if (!s.registry) return
  const ids = new Set<number>()
  const wants = (d: Decoding) => d === 'avro' || d === 'auto'
  for (const r of records) {
    if (wants(o.keyDecoding) && r.key) {
      const id = confluentSchemaId(r.key)
      if (id !== undefined) ids.add(id)
    }
    if (wants(o.valueDecoding) && r.value) {
      const id = confluentSchemaId(r.value)
      if (id !== undefined) ids.add(id)
    }
  }
  if (ids.size) await s.registry.load(ids)
}

export function toMessage(s: Session, topic: string, partition: number, r: RawRecord, o: DecodeOptions): Message {
  const schemas = s.registry ? (id: number) => s.registry!.get(id) : undefined
  const m: Message = {
    topic,
    partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: o.keyDecoding === 'protobuf' ? (r.key && protoRegistry().decode(r.key, o.keyProtobufType, !o.omitJson)) : decode(r.key, o.keyDecoding, schemas, !o.omitJson),
    value: o.valueDecoding === 'protobuf' ? (r.value && protoRegistry().decode(r.value, o.valueProtobufType, !o.omitJson)) : decode(r.value, o.valueDecoding, schemas, !o.omitJson),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value ? h.value.toString('utf8') : null })),
  }
  if (o.includeRaw) {
    m.keyBase64 = r.key ? r.key.toString('base64') : null
    m.valueBase64 = r.value ? r.value.toString('base64') : null
  }
  return m
}

const byTime = (a: { timestamp: number; partition: number; offset: number }, b: { timestamp: number; partition: number; offset: number }) =>
  a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset

type Unavailable = NonNullable<ResponseOf<'messages.read'>['unavailable']>[number]

/** Where a named read (opId) reports progress and is registered for cancel. */
export interface OpContext {
  ops: Operations
  sink: EventSink
}

export async function readMessages(s: Session, req: RequestOf<'messages.read'>, opCtx?: OpContext): Promise<ResponseOf<'messages.read'>> {
  // A partition whose leader is down is reported, not fatal: the others are still readable.
  const [meta, offsets] = await Promise.all([topicMetadata(s, req.topic), partitionOffsets(s, req.topic, true)])
  const leaders = new Map(meta.partitions.map((p) => [p.partitionId, p.leader]))
  const unavailable: Unavailable[] = []
  const fetcher = new Fetcher(s, req.topic)
  const pos = req.position
  let wanted: number[]
  if (pos.type === 'offset') wanted = [pos.partition]
  else wanted = req.partitions ?? [...leaders.keys()].sort((a, b) => a - b)
  for (const p of wanted) if (!leaders.has(p)) throw new ContractError('NOT_FOUND', `partition ${p} of ${req.topic} does not exist`, pos.type === 'offset' ? 'position.partition' : 'partitions')
  const down = (p: number, reason: string) => unavailable.push({ partition: p, leader: leaders.get(p) ?? -1, reason })
  for (const p of wanted)
    if (!offsets.has(p)) {
      const l = leaders.get(p)!
      down(p, l < 0 ? `partition ${p} has no leader: its replicas (broker ${meta.partitions.find((x) => x.partitionId === p)?.replicas.join(', ')}) are down` : `broker ${l}, leader of partition ${p}, did not answer`)
    }
  let parts = wanted.filter((p) => offsets.has(p))
  if (!parts.length && unavailable.length) throw new ContractError('KAFKA_LEADER_NOT_AVAILABLE', unavailable.map((u) => u.reason).join('; '))

  // Start offset per partition.
  const starts = new Map<number, number>()
  if (pos.type === 'timestamp') {
    for (const [p, o] of await offsetsForTimestamp(s, req.topic, pos.timestamp, true)) if (parts.includes(p)) starts.set(p, o)
  }
  for (const p of parts) {
    const { low, high } = offsets.get(p)!
    if (pos.type === 'offset') starts.set(p, Math.min(Math.max(pos.offset, low), high))
    else if (pos.type === 'latest') starts.set(p, Math.max(low, high - req.limit))
    else if (pos.type === 'earliest') starts.set(p, low)
    else if (!starts.has(p)) starts.set(p, high)
  }

  // Up to `limit` from each partition's start (the merge cuts to limit afterwards).
  const total = parts.reduce((n, p) => n + Math.min(req.limit, Math.max(0, offsets.get(p)!.high - starts.get(p)!)), 0)
  const op = opCtx ? opCtx.ops.start(req.opId, opCtx.sink, total) : undefined
  let read
  try {
    read = await Promise.all(
      parts.map(async (p) => {
        const start = starts.get(p)!
        try {
          const r = await fetcher.readRange(p, start, offsets.get(p)!.high, req.limit, op)
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
  await loadSchemas(s, all.map((x) => x.rec), req)
  const messages = all.map((x) => toMessage(s, req.topic, x.partition, x.rec, req))
  if (req.omitJson)
    for (const m of messages) {
      // Avro keeps its decoded value in `json` too; its text is that value as JSON.
      if (m.key?.json !== undefined) m.key = { ...m.key, json: undefined }
      if (m.value?.json !== undefined) m.value = { ...m.value, json: undefined }
    }
  const lastIncluded = new Map<number, number>()
  for (const m of messages) lastIncluded.set(m.partition, Math.max(lastIncluded.get(m.partition) ?? -1, m.offset))
  const res: ResponseOf<'messages.read'> = {
    messages: req.asRows ? [] : messages,
    ...(req.asRows ? { rows: messages.map(toRow) } : {}),
    partitions: parts.map((p) => ({
      partition: p,
      nextOffset: lastIncluded.has(p) ? lastIncluded.get(p)! + 1 : starts.get(p)!,
      earliestOffset: offsets.get(p)!.low,
      latestOffset: offsets.get(p)!.high,
    })),
  }
  if (unavailable.length) res.unavailable = unavailable.sort((a, b) => a.partition - b.partition)
  return res
}

function toTuple(d: Decoded | null): DecodedTuple | null {
  if (d === null) return null
  if (d.schemaId !== undefined) return [d.format, d.text, d.size, d.error ?? null, d.schemaId]
  if (d.error !== undefined) return [d.format, d.text, d.size, d.error]
  return [d.format, d.text, d.size]
}

/** The compact form of a message for big reads (asRows). */
export function toRow(m: Message): MessageRow {
  return [m.partition, m.offset, m.timestamp, toTuple(m.key), toTuple(m.value), m.headers.map((h) => [h.key, h.value])]
}

// ---- filters ----

type Pred = (text: string) => boolean

function textPred(q: string | undefined, f: MessageFilter): Pred | undefined {
  if (q === undefined || q === '') return undefined
  if (f.regex) {
    let re: RegExp
    try {
      re = new RegExp(q, f.caseSensitive ? '' : 'i')
    } catch (e) {
      throw new ContractError('VALIDATION', `not a valid regular expression: ${(e as Error).message}`, 'filter')
    }
    return (t) => re.test(t)
  }
  if (f.caseSensitive) return (t) => t.includes(q)
  const lq = q.toLowerCase()
  return (t) => t.toLowerCase().includes(lq)
}

function jsonAt(v: unknown, path: string[]): unknown {
  let cur = v
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[k]
  }
  return cur
}

/** Compiles a filter to a predicate on raw records. Text predicates see what the decoding shows. */
export function compileFilter(f: MessageFilter | undefined, o: DecodeOptions, s?: Session): (r: RawRecord) => boolean {
  if (!f) return () => true
  const schemas = s?.registry ? (id: number) => s.registry!.get(id) : undefined
  const plain = (d: Decoding) => d === 'auto' || d === 'string' || d === 'json'
  const keyText = (b: Buffer | null) => (b === null ? '' : plain(o.keyDecoding) ? b.toString('utf8') : (decode(b, o.keyDecoding, schemas)?.text ?? ''))
  const valueText = (b: Buffer | null) => (b === null ? '' : plain(o.valueDecoding) ? b.toString('utf8') : (decode(b, o.valueDecoding, schemas)?.text ?? ''))
  const kp = textPred(f.key, f)
  const vp = textPred(f.value, f)
  const hk = f.headerKey
  const hv = textPred(f.headerValue, f)
  const path = f.jsonPath ? f.jsonPath.split('.').filter(Boolean) : undefined
  const from = f.fromTimestamp
  const to = f.toTimestamp
  return (r) => {
    if (from !== undefined && r.timestamp < from) return false
    if (to !== undefined && r.timestamp >= to) return false
    if (kp && !kp(keyText(r.key))) return false
    if (vp && !vp(valueText(r.value))) return false
    if (hk !== undefined || hv) {
      const ok = r.headers.some((h) => (hk === undefined || h.key === hk) && (!hv || hv(h.value ? h.value.toString('utf8') : '')))
      if (!ok) return false
    }
    if (path) {
      if (!r.value) return false
      let v: unknown
      try {
        v = o.valueDecoding === 'avro' ? decode(r.value, 'avro', schemas)?.json : JSON.parse(r.value.toString('utf8'))
      } catch {
        return false
      }
      const at = jsonAt(v, path)
      if (f.jsonEquals === undefined) return at !== undefined
      return at !== undefined && (typeof at === 'object' ? JSON.stringify(at) : String(at)) === f.jsonEquals
    }
    return true
  }
}

// ---- search ----

export class Searches {
  private running = new Map<string, AbortController>()

  cancel(searchId: string): boolean {
    const c = this.running.get(searchId)
    if (!c) return false
    c.abort()
    return true
  }

  async search(s: Session, req: RequestOf<'messages.search'>, sink: EventSink): Promise<ResponseOf<'messages.search'>> {
    const searchId = req.searchId ?? randomUUID()
    if (this.running.has(searchId)) throw new ContractError('CONFLICT', `search ${searchId} is already running`, 'searchId')
    const ctl = new AbortController()
    this.running.set(searchId, ctl)
    const started = performance.now()
    try {
      const offsets = await partitionOffsets(s, req.topic)
      const parts = req.partitions ?? [...offsets.keys()].sort((a, b) => a - b)
      for (const p of parts) if (!offsets.has(p)) throw new ContractError('NOT_FOUND', `partition ${p} of ${req.topic} does not exist`, 'partitions')
      const pos = new Map<number, number>()
      const end = new Map<number, number>()
      if (req.start.type === 'timestamp') {
        for (const [p, o] of await offsetsForTimestamp(s, req.topic, req.start.timestamp)) if (parts.includes(p)) pos.set(p, o)
      } else if (req.start.type === 'offsets') {
        for (const o of req.start.offsets) pos.set(o.partition, o.offset)
      }
      for (const p of parts) {
        const { low, high } = offsets.get(p)!
        pos.set(p, Math.min(Math.max(pos.get(p) ?? low, low), high))
        end.set(p, high)
      }
      if (req.endTimestamp !== undefined) {
        for (const [p, o] of await offsetsForTimestamp(s, req.topic, req.endTimestamp)) if (end.has(p)) end.set(p, Math.min(end.get(p)!, o))
      }
      const total = Math.min(req.maxScan, parts.reduce((n, p) => n + Math.max(0, end.get(p)! - pos.get(p)!), 0))
      const pred = compileFilter(req.filter, req, s)
      const fetcher = new Fetcher(s, req.topic)
      const matched: { partition: number; rec: RawRecord }[] = []
      let scanned = 0
      let lastProgress = 0
      let truncated = false
      const progress = (done: boolean) => {
        sink.emit('search.progress', { searchId, scanned, matched: matched.length, total, done, cancelled: ctl.signal.aborted })
        lastProgress = performance.now()
      }
      progress(false)
      let active = parts.filter((p) => pos.get(p)! < end.get(p)!)
      outer: while (active.length && !ctl.signal.aborted) {
        const res = await fetcher.fetch(
          active.map((p) => ({ partition: p, offset: pos.get(p)! })),
          { partitionMaxBytes: 1024 * 1024 },
        )
        const still: number[] = []
        for (const p of active) {
          const r = res.get(p)
          const e = end.get(p)!
          if (!r) continue
          if (!r.records.length) {
            const next = r.next > pos.get(p)! ? r.next : pos.get(p)! < r.logStartOffset ? r.logStartOffset : e
            pos.set(p, next)
          }
          for (const rec of r.records) {
            if (rec.offset >= e) {
              pos.set(p, e)
              break
            }
            scanned++
            if (pred(rec)) {
              matched.push({ partition: p, rec })
              if (matched.length >= req.maxResults) {
                truncated = true
                break outer
              }
            }
            pos.set(p, rec.offset + 1)
            if (scanned >= req.maxScan) {
              truncated = parts.some((q) => pos.get(q)! < end.get(q)!)
              break outer
            }
          }
          if (pos.get(p)! < e) still.push(p)
        }
        active = still
        if (performance.now() - lastProgress > 200) progress(false)
      }
      matched.sort((a, b) => byTime({ timestamp: a.rec.timestamp, partition: a.partition, offset: a.rec.offset }, { timestamp: b.rec.timestamp, partition: b.partition, offset: b.rec.offset }))
      await loadSchemas(s, matched.map((m) => m.rec), req)
      const matches = matched.map((m) => toMessage(s, req.topic, m.partition, m.rec, req))
      progress(true)
      return { searchId, matches, scanned, truncated, cancelled: ctl.signal.aborted, durationMs: performance.now() - started }
    } finally {
      this.running.delete(searchId)
    }
  }
}

// ---- tails ----

interface Tail {
  clientId: string
  stop: () => void
}

export class Tails {
  private tails = new Map<string, Tail>()

  start(s: Session, req: RequestOf<'messages.tailStart'>, sink: EventSink, clientId: string): Promise<{ tailId: string }> {
    const tailId = req.tailId ?? randomUUID()
    if (this.tails.has(tailId)) throw new ContractError('CONFLICT', `tail ${tailId} is already running`, 'tailId')
    let stopped = false
    const pool = new RawPool(rawAuthFor(s.config)) // long polls get their own connections
    const stop = () => {
      stopped = true
      pool.close()
    }
    this.tails.set(tailId, { clientId, stop })
    const run = async () => {
      const fetcher = new Fetcher(s, req.topic, pool)
      const offsets = await partitionOffsets(s, req.topic)
      const parts = req.partitions ?? [...offsets.keys()]
      const pos = new Map(parts.map((p) => [p, req.from === 'earliest' ? offsets.get(p)?.low ?? 0 : offsets.get(p)?.high ?? 0]))
      const pred = compileFilter(req.filter, req, s)
      sink.emit('tail.status', { tailId, state: 'running' })
      let pending: Message[] = []
      let lastEmit = 0
      while (!stopped) {
        try {
          const res = await fetcher.fetch(
            parts.map((p) => ({ partition: p, offset: pos.get(p)! })),
            { maxWaitMs: Math.min(500, req.intervalMs * 2) },
          )
          const recs: { p: number; r: RawRecord }[] = []
          for (const [p, r] of res) {
            for (const rec of r.records) if (pred(rec)) recs.push({ p, r: rec })
            if (r.next > pos.get(p)!) pos.set(p, r.next)
            else if (!r.records.length && pos.get(p)! < r.logStartOffset) pos.set(p, r.logStartOffset)
          }
          if (recs.length) {
            await loadSchemas(s, recs.map((x) => x.r), req)
            for (const x of recs) pending.push(toMessage(s, req.topic, x.p, x.r, req))
          }
        } catch (e) {
          if (stopped) break
          sink.emit('tail.status', { tailId, state: 'error', error: toErrorShape(e) })
          await new Promise((r) => setTimeout(r, 1_000))
        }
        const now = Date.now()
        if (pending.length && now - lastEmit >= req.intervalMs) {
          pending.sort(byTime)
          for (let i = 0; i < pending.length; i += 500) sink.emit('tail.messages', { tailId, messages: pending.slice(i, i + 500) })
          pending = []
          lastEmit = now
        } else if (!pending.length) {
          // Nothing new: the long poll already waited.
        }
      }
      if (pending.length) sink.emit('tail.messages', { tailId, messages: pending })
      sink.emit('tail.status', { tailId, state: 'stopped' })
    }
    run().catch((e) => {
      this.tails.delete(tailId)
      stop()
      sink.emit('tail.status', { tailId, state: 'error', error: toErrorShape(e) })
    })
    return Promise.resolve({ tailId })
  }

  stop(tailId: string): boolean {
    const t = this.tails.get(tailId)
    if (!t) return false
    this.tails.delete(tailId)
    t.stop()
    return true
  }

  /** Stops the tails of a window / socket that went away. */
  clientGone(clientId: string): void {
    for (const [id, t] of this.tails) if (t.clientId === clientId) this.stop(id)
  }

  stopAll(): void {
    for (const id of [...this.tails.keys()]) this.stop(id)
  }
}

// ---- selection and export ----

/** Reads specific messages (e.g. a UI selection). Missing offsets are skipped. */
export async function readSelection(s: Session, topic: string, items: { partition: number; offset: number }[], op?: Operation): Promise<{ partition: number; rec: RawRecord }[]> {
  const fetcher = new Fetcher(s, topic)
  const offsets = await partitionOffsets(s, topic)
  const byPart = new Map<number, number[]>()
  for (const it of items) byPart.set(it.partition, [...(byPart.get(it.partition) ?? []), it.offset])
  const out: { partition: number; rec: RawRecord }[] = []
  for (const [p, list] of byPart) {
    const o = offsets.get(p)
    if (!o) throw new ContractError('NOT_FOUND', `partition ${p} of ${topic} does not exist`, 'items')
    const wanted = [...new Set(list)].sort((a, b) => a - b)
    let i = 0
    while (i < wanted.length) {
      const from = wanted[i]!
      if (from >= o.high) break
      const span = Math.min(1000, wanted[wanted.length - 1]! - from + 1)
      const r = await fetcher.readRange(p, from, o.high, span, op)
      const got = new Map(r.records.map((rec) => [rec.offset, rec]))
      while (i < wanted.length && wanted[i]! < r.next) {
        const rec = got.get(wanted[i]!)
        if (rec) out.push({ partition: p, rec })
        i++
      }
      if (r.next <= from) i++ // nothing readable there (deleted); skip it
    }
  }
  return out
}

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function exportMessages(messages: Message[], format: 'jsonl' | 'csv', topic?: string): ResponseOf<'messages.export'> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const base = `${topic ?? messages[0]?.topic ?? 'messages'}-${stamp}`
  if (format === 'jsonl') {
    const lines = messages.map((m) =>
      JSON.stringify({
        topic: m.topic,
        partition: m.partition,
        offset: m.offset,
        timestamp: m.timestamp,
        key: m.key ? (m.key.json !== undefined ? m.key.json : m.key.text) : null,
        value: m.value ? (m.value.json !== undefined ? m.value.json : m.value.text) : null,
        keyFormat: m.key?.format ?? null,
        valueFormat: m.value?.format ?? null,
        headers: m.headers,
        ...(m.keyBase64 !== undefined ? { keyBase64: m.keyBase64 } : {}),
        ...(m.valueBase64 !== undefined ? { valueBase64: m.valueBase64 } : {}),
      }),
    )
    return { content: lines.length ? `${lines.join('\n')}\n` : '', mimeType: 'application/x-ndjson', fileName: `${base}.jsonl`, count: messages.length }
  }
  const rows = ['topic,partition,offset,timestamp,key,value,headers']
  for (const m of messages) {
    rows.push(
      [m.topic, m.partition, m.offset, new Date(m.timestamp).toISOString(), m.key?.text ?? null, m.value?.text ?? null, m.headers.length ? JSON.stringify(m.headers) : '']
        .map(csvCell)
        .join(','),
    )
  }
  return { content: `${rows.join('\r\n')}\r\n`, mimeType: 'text/csv', fileName: `${base}.csv`, count: messages.length }
}

export async function exportRequest(get: (id: string) => Promise<Session>, req: RequestOf<'messages.export'>, opCtx?: OpContext): Promise<ResponseOf<'messages.export'>> {
  if (req.source.type === 'messages') return exportMessages(req.source.messages, req.format)
  const src = req.source
  const s = await get(src.connectionId)
  const op = opCtx ? opCtx.ops.start(req.opId, opCtx.sink, src.items.length) : undefined
  let recs
  try {
    recs = await readSelection(s, src.topic, src.items, op)
  } finally {
    op?.end()
  }
  await loadSchemas(s, recs.map((r) => r.rec), src)
  const msgs = recs.map((r) => toMessage(s, src.topic, r.partition, r.rec, { ...src, includeRaw: true }))
  return exportMessages(msgs, req.format, src.topic)
}
