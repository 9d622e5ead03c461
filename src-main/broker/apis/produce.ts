import { defineApi, type RequestContext } from './registry'
import { ErrorCode, KafkaError, type ErrorName } from '../errors'
import { splitBatches, validateBatch, maxTimestamp, baseTimestamp, setLogAppendTime } from '../records/batch'

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
export function appendRecords(ctx: RequestContext, topic: string, partition: number, records: Buffer | null): PartitionResult {
  const { broker } = ctx
  const t = broker.topic(topic)
  if (!t || partition < 0 || partition >= t.partitions.length) return failed(partition, 'UNKNOWN_TOPIC_OR_PARTITION')
  if (!broker.isLeader(topic, partition)) return failed(partition, 'NOT_LEADER_OR_FOLLOWER')
  const log = broker.partitionLog(topic, partition)
  if (!log) return failed(partition, 'NOT_LEADER_OR_FOLLOWER')
  if (!records || records.length === 0) return failed(partition, 'INVALID_RECORD', 'Produce request has no records')
  const split = splitBatches(records)
  if (split.error || split.partialBytes > 0) return failed(partition, 'CORRUPT_MESSAGE', 'Records end with a partial batch')
  if (ctx.apiVersion >= 3 && split.batches.length !== 1) {
    return failed(partition, 'INVALID_RECORD', 'Produce requests with version 3 and above must contain exactly one record batch per partition')
  }
  const configs = broker.config.topicConfigValues(t.configs)
  const maxMessageBytes = Number(configs['max.message.bytes'])
  const logAppendTime = configs['message.timestamp.type'] === 'LogAppendTime'
  const now = Date.now()
  const afterMax = Number(configs['message.timestamp.after.max.ms'])
  const beforeMax = Number(configs['message.timestamp.before.max.ms'])
  for (const batch of split.batches) {
    if (batch.length > maxMessageBytes) {
      return failed(partition, 'MESSAGE_TOO_LARGE', `The batch of ${batch.length} bytes is larger than max.message.bytes (${maxMessageBytes})`)
    }
    const err = validateBatch(batch)
    if (err) return failed(partition, err, `Invalid record batch: ${err}`)
    if (!logAppendTime && (maxTimestamp(batch) - now > afterMax || now - baseTimestamp(batch) > beforeMax)) {
      return failed(partition, 'INVALID_TIMESTAMP', `Timestamp ${maxTimestamp(batch)} is out of range for the topic's message.timestamp.*.max.ms`)
    }
  }
  let first = -1
  let appendTime = -1
  for (const batch of split.batches) {
    if (logAppendTime) {
      appendTime = now
      setLogAppendTime(batch, now)
    }
    const res = log.append(batch, { leaderEpoch: t.partitions[partition].leaderEpoch })
    if ('error' in res && res.error) return failed(partition, res.error as ErrorName)
    const base = 'duplicateOf' in res && res.duplicateOf !== undefined ? res.duplicateOf : res.baseOffset
    if (first < 0) first = base
  }
  log.highWatermark = log.logEndOffset
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
        return appendRecords(ctx, td.name, pd.index, pd.records)
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
