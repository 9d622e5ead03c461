// AlterPartitionReassignments (kafka-reassign-partitions --execute/--cancel): forwarded to the
// controller, which adds the target replicas, waits for them to join the ISR through follower
// fetching and AlterPartition, then drops the replicas no longer wanted (quorum-controller.ts).
import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'

export default defineApi(ApiKey.AlterPartitionReassignments, {
  handle(req, ctx) {
    const md = ctx.broker.metadata
    const allowRf = ctx.apiVersion >= 1 ? (req.allowReplicationFactorChange ?? true) : true
    const responses = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        try {
          const current = md.topics.get(t.name)?.partitions[p.partitionIndex]
          if (!current) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.')
          if (p.replicas !== null && !allowRf) {
            // The current replication factor: replicas being removed do not count.
            const rf = current.replicas.length - (current.removingReplicas?.length ?? 0)
            if (p.replicas.length !== rf)
              throw new KafkaError('INVALID_REPLICATION_FACTOR', `The replication factor is changed from ${rf} to ${p.replicas.length}`)
          }
          md.reassign(t.name, p.partitionIndex, p.replicas)
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null }
        } catch (e) {
          if (!(e instanceof KafkaError)) throw e
          return { partitionIndex: p.partitionIndex, errorCode: e.code, errorMessage: e.message }
        }
      }),
    }))
    return { throttleTimeMs: 0, allowReplicationFactorChange: allowRf, errorCode: ErrorCode.NONE, errorMessage: null, responses }
  },
})
