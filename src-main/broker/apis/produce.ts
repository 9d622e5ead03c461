import { defineApi, type RequestContext } from './registry'
import { ErrorCode, KafkaError, type ErrorName } from '../errors'
import { splitBatches } from '../records/batch'
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

function failed(index: number, name: ErrorName, message: string | null = null): PartitionResult {
  return { index, errorCode: ErrorCode[name], baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: message }
}

/** Validates one partition's records as Kafka's LogValidator does and appends them. */
function producePartition(ctx: RequestContext, topic: string, partition: number, records: Buffer | null, acks: number): PartitionResult {
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
  // The log validates each batch (CRC, structure, size, timestamps, producer sequence) and stamps LogAppendTime.
  let first = -1
  let appendTime = -1
  for (const batch of split.batches) {
    const res = log.append(batch, { leaderEpoch: t.partitions[partition].leaderEpoch })
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
    const acks: number = req.acks
    const responses = req.topicData.map((td: any) => ({
      name: td.name,
      partitionResponses: td.partitionData.map((pd: any) => {
        if (acks !== 0 && acks !== 1 && acks !== -1) return failed(pd.index, 'INVALID_REQUIRED_ACKS')
        return producePartition(ctx, td.name, pd.index, pd.records, acks)
      }),
    }))
    if (acks === 0) {
      // With acks=0 Kafka sends no response; it closes the connection on an error so the client notices.
      const bad = responses.flatMap((r: any) => r.partitionResponses).find((p: PartitionResult) => p.errorCode !== 0)
      if (bad) throw new KafkaError('INVALID_REQUEST', `produce with acks=0 failed with error code ${bad.errorCode}`)
      return undefined
    }
    return { responses, throttleTimeMs: 0 }
  },
})
