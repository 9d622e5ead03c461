import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

/** kafka-transactions describe-producers / find-hanging: the producer state of partitions this broker leads. */
export default defineApi(ApiKey.DescribeProducers, {
  handle(req, ctx) {
    const { broker } = ctx
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => {
          const base = { partitionIndex: p, errorCode: ErrorCode.NONE as number, errorMessage: null as string | null, activeProducers: [] }
          const meta = broker.topic(t.name)
          if (!meta || p < 0 || p >= meta.partitions.length) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
          const log = broker.isLeader(t.name, p) ? broker.partitionLog(t.name, p) : undefined
          if (!log) return { ...base, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }
          return {
            ...base,
            activeProducers: [...log.producerState.producers.values()].map((e) => ({
              producerId: e.producerId,
              producerEpoch: e.producerEpoch,
              lastSequence: e.batches.length > 0 ? e.batches[e.batches.length - 1]!.lastSeq : -1,
              lastTimestamp: e.lastTimestamp,
              coordinatorEpoch: e.coordinatorEpoch,
              currentTxnStartOffset: e.currentTxnFirstOffset,
            })),
          }
        }),
      })),
    }
  },
})
