import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

export default defineApi(ApiKey.DeleteRecords, {
  handle(req, ctx) {
    const { broker } = ctx
    const topics = req.topics.map((rt) => {
      const t = broker.metadata.topics.get(rt.name)
      const seen = new Set<number>()
      const partitions = rt.partitions
        .filter((rp) => !seen.has(rp.partitionIndex) && !!seen.add(rp.partitionIndex))
        .map((rp) => {
          const fail = (code: number) => ({ partitionIndex: rp.partitionIndex, lowWatermark: -1, errorCode: code })
          const p = t?.partitions[rp.partitionIndex]
          if (!t || !p) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
          if (!broker.isLeader(t.name, rp.partitionIndex) || !broker.metadata.brokers.has(broker.nodeId)) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER)
          // Kafka refuses DeleteRecords on topics whose cleanup.policy lacks "delete".
          const policy = broker.config.topicConfigValues(t.configs)['cleanup.policy'] ?? 'delete'
          if (
            !policy
              .split(',')
              .map((s) => s.trim())
              .includes('delete')
          )
            return fail(ErrorCode.POLICY_VIOLATION)
          const log = broker.partitionLog(t.name, rp.partitionIndex)
          if (!log) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER)
          const r = log.deleteRecordsBefore(rp.offset)
          if ('error' in r) return fail(ErrorCode[r.error])
          return { partitionIndex: rp.partitionIndex, lowWatermark: r.lowWatermark, errorCode: ErrorCode.NONE }
        })
      return { name: rt.name, partitions }
    })
    return { throttleTimeMs: 0, topics }
  },
})
