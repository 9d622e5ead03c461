import { defineApi, type RequestContext } from './registry'
import { ErrorCode, KafkaError, type ErrorName } from '../errors'
import { splitBatches } from '../records/batch'
import { checkProducedRecords, type Verdict } from '../records/produced-check'
import { StorageError } from '../storage/storage-error'

interface PartitionResult {
  index: number
  errorCode: number
  baseOffset: number
  logAppendTimeMs: number
  logStartOffset: number
  recordErrors: { batchIndex: number; batchIndexErrorMessage: string | null }[]
  errorMessage: string | null
}

/** The fields of a decoded Produce request this handler reads. */
interface ProduceRequest {
  acks: number
  topicData: { name: string; partitionData: { index: number; records: Buffer | null }[] }[]
}

function failed(index: number, name: ErrorName, message: string | null = null): PartitionResult {
  return { index, errorCode: ErrorCode[name], baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: message }
}

/** Validates one partition's records as Kafka's LogValidator does and appends them. */
function producePartition(ctx: RequestContext, topic: string, partition: number, records: Buffer | null, acks: number, checked: Verdict | undefined): PartitionResult {
  const { broker } = ctx
  const t = broker.topic(topic)
  if (!t || partition < 0 || partition >= t.partitions.length) return failed(partition, 'UNKNOWN_TOPIC_OR_PARTITION')
  if (!broker.isLeader(topic, partition)) return failed(partition, 'NOT_LEADER_OR_FOLLOWER')
  let log: ReturnType<typeof broker.partitionLog>
  try {
    log = broker.partitionLog(topic, partition)
  } catch (e) {
    // the partition's files could not be created (a full disk): this partition fails, the others go on
    if (e instanceof StorageError) return failed(partition, 'KAFKA_STORAGE_ERROR', e.message)
    throw e
  }
  if (!log) return failed(partition, 'NOT_LEADER_OR_FOLLOWER')
  if (!records || records.length === 0) return failed(partition, 'INVALID_RECORD', 'Produce request has no records')
  if (acks === -1) {
    const minIsr = Number(broker.config.topicConfigValues(t.configs)['min.insync.replicas'])
    const isr = t.partitions[partition].isr.length
    if (isr < minIsr) return failed(partition, 'NOT_ENOUGH_REPLICAS', `The size of the current ISR (${isr}) is insufficient to satisfy the min.isr requirement of ${minIsr}`)
  }
  const split = splitBatches(records)
  if (split.error || split.partialBytes > 0) return failed(partition, 'CORRUPT_MESSAGE', 'Records end with a partial batch')
  if (ctx.apiVersion >= 3 && split.batches.length !== 1) {
    return failed(partition, 'INVALID_RECORD', 'Produce requests with version 3 and above must contain exactly one record batch per partition')
  }
  // The batches' structure and decompressed size were checked first (precheck); an error there ends here.
  if (checked) return failed(partition, checked.error === 'UNSUPPORTED_FOR_MESSAGE_FORMAT' && ctx.apiVersion >= 3 ? 'INVALID_RECORD' : checked.error, checked.message)
  // The log checks size, timestamps and producer sequence, and stamps LogAppendTime.
  let first = -1
  let appendTime = -1
  for (const batch of split.batches) {
    const res = log.append(batch, { leaderEpoch: t.partitions[partition].leaderEpoch, validated: checked === null })
    // A failed write (KAFKA_STORAGE_ERROR) has been undone by the log: nothing of it is acknowledged.
    if (res.error !== undefined) {
      // Produce v3+ must carry magic v2 batches; Kafka reports an old magic there as an invalid record.
      const name = res.error === 'UNSUPPORTED_FOR_MESSAGE_FORMAT' && ctx.apiVersion >= 3 ? 'INVALID_RECORD' : res.error
      return failed(partition, name, res.message)
    }
    if (first < 0) first = res.duplicateOf ?? res.baseOffset
    appendTime = res.logAppendTime
  }
  broker.notifyAppend()
  return { index: partition, errorCode: ErrorCode.NONE, baseOffset: first, logAppendTimeMs: appendTime, logStartOffset: log.logStartOffset, recordErrors: [], errorMessage: null }
}

export default defineApi({
  key: 0,
  name: 'Produce',
  minVersion: 0,
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
    const limits = { maxMessageBytes: Number(cfg['max.message.bytes']), requireKeys: (cfg['cleanup.policy'] ?? '').split(',').some((x) => x.trim() === 'compact') }
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
  const responses = req.topicData.map((td) => ({
    name: td.name,
    partitionResponses: td.partitionData.map((pd) => {
      if (acks !== 0 && acks !== 1 && acks !== -1) return failed(pd.index, 'INVALID_REQUIRED_ACKS')
      return producePartition(ctx, td.name, pd.index, pd.records, acks, pd.records ? verdicts.get(pd.records) : undefined)
    }),
  }))
  if (acks === 0) {
    // With acks=0 Kafka sends no response; it closes the connection on an error so the client notices.
    const bad = responses.flatMap((r) => r.partitionResponses).find((p: PartitionResult) => p.errorCode !== 0)
    if (bad) throw new KafkaError('INVALID_REQUEST', `produce with acks=0 failed with error code ${bad.errorCode}`)
    return undefined
  }
  return { responses, throttleTimeMs: 0 }
}
