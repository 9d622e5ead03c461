// Produce: single messages, a batch of N from a template, and republishing messages (exact key,
// value and header bytes) to the same or another topic/connection. kafkajs' default partitioner
// is Java-compatible murmur2 for keyed messages.
import { randomUUID } from 'node:crypto'
import kafkajs from 'kafkajs'
import type { CompressionTypes, Message as KafkaMessage, Producer, RecordMetadata } from 'kafkajs'
import { ContractError, type ProduceMessage, type ProduceResult, type RequestOf } from '../ipc/contract'
import { kafkajsCompression } from './codecs'
import type { Session } from './connections'
import { encode } from './decoders'
import { readSelection } from './messages/selection'
import { topicMetadata, topicNotFound } from './topics'

// kafkajs is CommonJS: Node's ESM loader cannot see all of its named exports.
const { Partitioners } = kafkajs

function toKafka(m: ProduceMessage, field: string): KafkaMessage {
  return {
    key: encode(m.key, `${field}.key`),
    value: encode(m.value, `${field}.value`),
    headers: Object.fromEntries(m.headers.map((h) => [h.key, h.value])),
    partition: m.partition,
    timestamp: m.timestamp !== undefined ? String(m.timestamp) : undefined,
  }
}

function summarize(topic: string, meta: RecordMetadata[], produced: number, started: number): ProduceResult {
  const parts = new Map<number, { baseOffset: number | null; count: number }>()
  for (const r of meta) {
    const base = r.baseOffset !== undefined && r.baseOffset !== null && Number(r.baseOffset) >= 0 ? Number(r.baseOffset) : null
    const cur = parts.get(r.partition)
    if (!cur) parts.set(r.partition, { baseOffset: base, count: 0 })
    else if (base !== null && (cur.baseOffset === null || base < cur.baseOffset)) cur.baseOffset = base
  }
  return {
    topic,
    partitions: [...parts.entries()].sort((a, b) => a[0] - b[0]).map(([partition, v]) => ({ partition, ...v })),
    produced,
    durationMs: performance.now() - started,
  }
}

/**
 * Sends messages (in chunks, so huge batches stay within request limits) and tallies per
 * partition. Partitions are chosen here with kafkajs' Java-compatible default partitioner
 * (murmur2 of the key; round-robin without key), so the counts per partition are known.
 * acks=all goes through the idempotent producer; acks 0 and 1 send each partition in its own
 * request (see producers.ts): neither can write a record twice when one partition is refused.
 */
async function send(
  s: Session,
  topic: string,
  messages: KafkaMessage[],
  compression: RequestOf<'produce.send'>['compression'],
  acks: number,
): Promise<ProduceResult> {
  const started = performance.now()
  const t = await topicMetadata(s, topic)
  const partitionMetadata = t.partitions.map((p) => ({
    partitionErrorCode: 0,
    partitionId: p.partitionId,
    leader: p.leader,
    replicas: p.replicas,
    isr: p.isr,
    offlineReplicas: p.offlineReplicas ?? [],
  }))
  const partitioner = Partitioners.DefaultPartitioner()
  const counts = new Map<number, number>()
  for (const m of messages) {
    if (m.partition === undefined) m.partition = partitioner({ topic, partitionMetadata, message: m })
    counts.set(m.partition, (counts.get(m.partition) ?? 0) + 1)
  }
  const idempotent = acks === -1
  const codec = kafkajsCompression(compression)
  const meta: RecordMetadata[] = []
  const CHUNK = 5_000
  try {
    await s.producers.use(topic, idempotent, async (producer) => {
      for (let i = 0; i < messages.length; i += CHUNK) {
        const chunk = messages.slice(i, i + CHUNK)
        if (idempotent) meta.push(...(await producer.send({ topic, messages: chunk, acks, compression: codec })))
        else meta.push(...(await sendByPartition(producer, topic, chunk, acks, codec)))
      }
    })
  } catch (e) {
    produceFailed(e, topic)
  }
  const res = summarize(topic, meta, messages.length, started)
  for (const p of counts.keys()) if (!res.partitions.some((x) => x.partition === p)) res.partitions.push({ partition: p, baseOffset: null, count: 0 })
  res.partitions.sort((a, b) => a.partition - b.partition)
  for (const p of res.partitions) p.count = counts.get(p.partition) ?? 0
  return res
}

/**
 * One request per partition, all at once: kafkajs retries a refused request whole, and a
 * request holding one partition is refused whole, so a retry never repeats a written partition.
 */
async function sendByPartition(
  producer: Producer,
  topic: string,
  messages: KafkaMessage[],
  acks: number,
  compression: CompressionTypes | undefined,
): Promise<RecordMetadata[]> {
  const byPartition = new Map<number, KafkaMessage[]>()
  for (const m of messages) {
    const list = byPartition.get(m.partition!)
    if (list) list.push(m)
    else byPartition.set(m.partition!, [m])
  }
  const sent = await Promise.allSettled([...byPartition.values()].map((ms) => producer.send({ topic, messages: ms, acks, compression })))
  const failed = [...byPartition.keys()].filter((_, i) => sent[i]!.status === 'rejected')
  if (failed.length) {
    const first = sent.find((r) => r.status === 'rejected') as PromiseRejectedResult
    const written = [...byPartition.keys()].filter((_, i) => sent[i]!.status === 'fulfilled')
    produceFailed(first.reason, topic, `partition ${failed.join(', ')} refused${written.length ? `; partition ${written.join(', ')} written` : ''}`)
  }
  return sent.flatMap((r) => (r.status === 'fulfilled' ? r.value : []))
}

/** kafkajs wraps the last error of its retries (as `cause`, maybe twice); the broker's error is inside. */
function unwrapRetries(e: unknown): unknown {
  let err = e as { name?: string; cause?: unknown } | undefined
  while (err && (err.name === 'KafkaJSNumberOfRetriesExceeded' || err.name === 'KafkaJSNonRetriableError') && err.cause && err.cause !== err)
    err = err.cause as typeof err
  return err
}

/** Throws what a failed send means: topic not found, or Kafka's error (after retries) by name. */
function produceFailed(e: unknown, topic: string, partitionNote?: string): never {
  if (e instanceof ContractError) throw e
  const err = unwrapRetries(e) as { type?: string; message?: string }
  try {
    topicNotFound(err, topic)
  } catch (x) {
    if (x instanceof ContractError) throw x
  }
  if (typeof err?.type === 'string' && /^[A-Z][A-Z0-9_]+$/.test(err.type) && err.type !== 'UNKNOWN')
    throw new ContractError(`KAFKA_${err.type}`, `producing to ${topic}: ${err.message}${partitionNote ? ` (${partitionNote})` : ''}`)
  throw err
}

export async function produceSend(s: Session, req: RequestOf<'produce.send'>): Promise<ProduceResult> {
  const msgs = req.messages.map((m, i) => toKafka(m, `messages.${i}`))
  return send(s, req.topic, msgs, req.compression, req.acks)
}

/** Fills {{i}}, {{uuid}}, {{now}}, {{random}}, {{randomKey:K}} placeholders. */
export function fillTemplate(text: string, i: number): string {
  return text.replace(/\{\{\s*(i|uuid|now|random|randomKey:(\d+))\s*\}\}/g, (_m, what: string, k?: string) => {
    if (what === 'i') return String(i)
    if (what === 'uuid') return randomUUID()
    if (what === 'now') return String(Date.now())
    if (what === 'random') return String(Math.floor(Math.random() * 1e9))
    return `key-${Math.floor(Math.random() * Math.max(1, Number(k)))}`
  })
}

export async function produceBatch(s: Session, req: RequestOf<'produce.batch'>): Promise<ProduceResult> {
  const t = req.template
  const msgs: KafkaMessage[] = []
  for (let i = 0; i < req.count; i++) {
    const m: ProduceMessage = {
      key: t.key ? { format: t.key.format, data: fillTemplate(t.key.data, i) } : t.key,
      value: t.value ? { format: t.value.format, data: fillTemplate(t.value.data, i) } : null,
      headers: t.headers.map((h) => ({ key: h.key, value: fillTemplate(h.value, i) })),
      partition: t.partition,
      timestamp: t.timestamp,
    }
    msgs.push(toKafka(m, 'template'))
  }
  return send(s, req.topic, msgs, req.compression, req.acks)
}

export async function republish(source: Session, target: Session, req: RequestOf<'produce.republish'>): Promise<ProduceResult> {
  const recs = await readSelection(source, req.source.topic, req.source.items)
  const msgs: KafkaMessage[] = recs.map(({ partition, rec }) => ({
    key: rec.key,
    value: rec.value,
    headers: Object.fromEntries(rec.headers.map((h) => [h.key, h.value ?? ''])),
    partition: req.target.keepPartition ? partition : undefined,
    timestamp: req.target.keepTimestamp ? String(rec.timestamp) : undefined,
  }))
  if (!msgs.length) return { topic: req.target.topic, partitions: [], produced: 0, durationMs: 0 }
  return send(target, req.target.topic, msgs, req.compression, req.acks)
}
