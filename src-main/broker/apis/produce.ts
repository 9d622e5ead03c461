import { defineApi, type RequestContext } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError, type ErrorName } from '../errors'
import { splitBatches } from '../records/batch'
import { checkProducedRecords, type Verdict } from '../records/produced-check'
import { StorageError } from '../storage/storage-error'
import { recordProduce } from '../quotas/broker-quotas'

interface PartitionResult {
  index: number
  errorCode: number
  baseOffset: number
  logAppendTimeMs: number
  logStartOffset: number
  recordErrors: { batchIndex: number; batchIndexErrorMessage: string | null }[]
  errorMessage: string | null
  currentLeader?: { leaderId: number; leaderEpoch: number }
}

/** A partition's answer and, when it was appended, the offset the ISR must reach for acks=all. */
interface Appended {
  result: PartitionResult
  /** The log end offset just after the appended (or duplicate) batch. */
  requiredOffset?: number
  minIsr?: number
}

/** The fields of a decoded Produce request this handler reads. */
interface ProduceRequest {
  acks: number
  timeoutMs: number
  topicData: { name: string; partitionData: { index: number; records: Buffer | null }[] }[]
}

function failed(index: number, name: ErrorName, message: string | null = null): PartitionResult {
  return { index, errorCode: ErrorCode[name], baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: message }
}

/** Validates one partition's records as Kafka's LogValidator does and appends them. */
function producePartition(ctx: RequestContext, topic: string, partition: number, records: Buffer | null, acks: number, checked: Verdict | undefined): Appended {
  const { broker } = ctx
  const t = broker.topic(topic)
  if (!t || partition < 0 || partition >= t.partitions.length) return only(failed(partition, 'UNKNOWN_TOPIC_OR_PARTITION'))
  if (!broker.isLeader(topic, partition)) return only(failed(partition, 'NOT_LEADER_OR_FOLLOWER'))
  let log: ReturnType<typeof broker.partitionLog>
  try {
    log = broker.partitionLog(topic, partition)
  } catch (e) {
    // the partition's files could not be created (a full disk): this partition fails, the others go on
    if (e instanceof StorageError) return only(failed(partition, 'KAFKA_STORAGE_ERROR', e.message))
    throw e
  }
  if (!log) return only(failed(partition, 'NOT_LEADER_OR_FOLLOWER'))
  if (!records || records.length === 0) return only(failed(partition, 'INVALID_RECORD', 'Produce request has no records'))
  // Only acks=all reads min.insync.replicas (the acks=1 path stays as light as it was).
  const minIsr = acks === -1 ? Number(broker.config.topicConfigValues(t.configs)['min.insync.replicas']) : 1
  if (acks === -1) {
    // Kafka refuses before appending when the ISR is already too small: nothing is written.
    const isr = t.partitions[partition].isr.length
    if (isr < minIsr)
      return only(
        failed(partition, 'NOT_ENOUGH_REPLICAS', `The size of the current ISR (${isr}) is insufficient to satisfy the min.isr requirement of ${minIsr}`),
      )
  }
  const split = splitBatches(records)
  if (split.error || split.partialBytes > 0) return only(failed(partition, 'CORRUPT_MESSAGE', 'Records end with a partial batch'))
  if (ctx.apiVersion >= 3 && split.batches.length !== 1) {
    return only(failed(partition, 'INVALID_RECORD', 'Produce requests with version 3 and above must contain exactly one record batch per partition'))
  }
  // The batches' structure and decompressed size were checked first (precheck); an error there ends here.
  if (checked)
    return only(
      failed(partition, checked.error === 'UNSUPPORTED_FOR_MESSAGE_FORMAT' && ctx.apiVersion >= 3 ? 'INVALID_RECORD' : checked.error, checked.message),
    )
  // The log checks size, timestamps and producer sequence, and stamps LogAppendTime.
  let first = -1
  let appendTime = -1
  let requiredOffset = -1
  for (const batch of split.batches) {
    const res = log.append(batch, { leaderEpoch: t.partitions[partition].leaderEpoch, validated: checked === null })
    // A failed write (KAFKA_STORAGE_ERROR) has been undone by the log: nothing of it is acknowledged.
    if (res.error !== undefined) {
      // Produce v3+ must carry magic v2 batches; Kafka reports an old magic there as an invalid record.
      const name = res.error === 'UNSUPPORTED_FOR_MESSAGE_FORMAT' && ctx.apiVersion >= 3 ? 'INVALID_RECORD' : res.error
      return only(failed(partition, name, res.message))
    }
    if (first < 0) first = res.duplicateOf ?? res.baseOffset
    appendTime = res.logAppendTime
    // A retried batch already in the log is acknowledged once the ISR holds the original.
    requiredOffset = Math.max(requiredOffset, (res.duplicate?.lastOffset ?? res.lastOffset) + 1)
  }
  // Wakes long-polling fetches: followers copy the batch, consumers wait for the high watermark.
  broker.notifyAppend(topic, partition)
  return {
    result: {
      index: partition,
      errorCode: ErrorCode.NONE,
      baseOffset: first,
      logAppendTimeMs: appendTime,
      logStartOffset: log.logStartOffset,
      recordErrors: [],
      errorMessage: null,
    },
    requiredOffset,
    minIsr,
  }
}

function only(result: PartitionResult): Appended {
  return { result }
}

/**
 * acks=all (Kafka's DelayedProduce): the answer waits until the high watermark covers the batch,
 * that is every replica in the ISR has it, for at most the request's timeout. The ISR may have
 * shrunk below min.insync.replicas meanwhile: then the records are written but the answer is
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND, so the producer retries (idempotent producers safely).
 */
async function awaitIsr(ctx: RequestContext, topic: string, a: Appended, timeoutMs: number): Promise<PartitionResult> {
  if (a.requiredOffset === undefined || a.result.errorCode !== ErrorCode.NONE) return a.result
  const error = await ctx.broker.replicas.waitForIsr(topic, a.result.index, a.requiredOffset, a.minIsr ?? 1, Math.max(0, timeoutMs))
  if (error === 'NONE') return a.result
  return withLeader(
    ctx,
    topic,
    failed(
      a.result.index,
      error,
      error === 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'
        ? `The ISR of ${topic}-${a.result.index} fell below min.insync.replicas ${a.minIsr} after the records were appended`
        : null,
    ),
  )
}

/** KIP-951: a NOT_LEADER_OR_FOLLOWER answer (v10+) names the current leader, so the producer need not ask Metadata first. */
function withLeader(ctx: RequestContext, topic: string, r: PartitionResult): PartitionResult {
  if (r.errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER || ctx.apiVersion < 10) return r
  const p = ctx.broker.topic(topic)?.partitions[r.index]
  if (!p || p.leader < 0 || p.leader === ctx.broker.nodeId || !ctx.broker.metadata.brokers.has(p.leader)) return r
  return { ...r, currentLeader: { leaderId: p.leader, leaderEpoch: p.leaderEpoch } }
}

/** The endpoints of the leaders named in currentLeader fields (Produce v10+ nodeEndpoints). */
function leaderEndpoints(ctx: RequestContext, results: PartitionResult[]) {
  const ids = new Set(results.flatMap((r) => (r.currentLeader ? [r.currentLeader.leaderId] : [])))
  return [...ids].flatMap((id) => {
    const b = ctx.broker.metadata.brokers.get(id)
    return b ? [{ nodeId: id, host: b.host, port: b.port, rack: b.rack ?? null }] : []
  })
}

export default defineApi(ApiKey.Produce, {
  maxVersion: 12,
  handle(req, ctx) {
    const { verdicts, pending } = precheck(req, ctx)
    if (pending.length > 0) return Promise.all(pending).then(() => respond(req, ctx, verdicts))
    return respond(req, ctx, verdicts)
  },
})

/**
 * Validates every partition's batches before any is appended, with the topic's max.message.bytes
 * applied to the decompressed size. Batches that may decompress to a lot are checked off the
 * event loop (records/produced-check.ts), so one client's bomb does not stall the others.
 */
function precheck(req: ProduceRequest, ctx: RequestContext): { verdicts: Map<Buffer, Verdict>; pending: Promise<void>[] } {
  const verdicts = new Map<Buffer, Verdict>()
  const pending: Promise<void>[] = []
  for (const td of req.topicData) {
    const t = ctx.broker.topic(td.name)
    if (!t) continue
    const cfg = ctx.broker.config.topicConfigValues(t.configs)
    const limits = {
      maxMessageBytes: Number(cfg['max.message.bytes']),
      requireKeys: (cfg['cleanup.policy'] ?? '').split(',').some((x) => x.trim() === 'compact'),
    }
    for (const pd of td.partitionData) {
      const records = pd.records
      if (!records || records.length === 0) continue
      const v = checkProducedRecords(records, limits)
      if (v instanceof Promise) pending.push(v.then((r) => void verdicts.set(records, r)))
      else verdicts.set(records, v)
    }
  }
  return { verdicts, pending }
}

function respond(req: ProduceRequest, ctx: RequestContext, verdicts: Map<Buffer, Verdict>) {
  const acks: number = req.acks
  const appended = req.topicData.map((td) => ({
    name: td.name,
    partitions: td.partitionData.map((pd) => {
      if (acks !== 0 && acks !== 1 && acks !== -1) return only(failed(pd.index, 'INVALID_REQUIRED_ACKS'))
      const a = producePartition(ctx, td.name, pd.index, pd.records, acks, pd.records ? verdicts.get(pd.records) : undefined)
      return { ...a, result: withLeader(ctx, td.name, a.result) }
    }),
  }))
  // Counted once the records are appended, as Kafka does; with acks=0 the client is still muted.
  const throttleTimeMs = recordProduce(ctx)
  if (acks === 0) {
    // With acks=0 Kafka sends no response; it closes the connection on an error so the client notices.
    const bad = appended.flatMap((t) => t.partitions).find((p) => p.result.errorCode !== 0)
    if (bad) throw new KafkaError('INVALID_REQUEST', `produce with acks=0 failed with error code ${bad.result.errorCode}`)
    return undefined
  }
  const answer = (responses: { name: string; partitionResponses: PartitionResult[] }[]) => {
    const body: Record<string, unknown> = { responses, throttleTimeMs }
    if (ctx.apiVersion >= 10)
      body.nodeEndpoints = leaderEndpoints(
        ctx,
        responses.flatMap((r) => r.partitionResponses),
      )
    return body
  }
  if (acks === 1) return answer(appended.map((t) => ({ name: t.name, partitionResponses: t.partitions.map((p) => p.result) })))
  ctx.waitsForReplication = true
  return Promise.all(
    appended.map(async (t) => ({ name: t.name, partitionResponses: await Promise.all(t.partitions.map((p) => awaitIsr(ctx, t.name, p, req.timeoutMs))) })),
  ).then(answer)
}
