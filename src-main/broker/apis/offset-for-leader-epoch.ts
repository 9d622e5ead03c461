// OffsetForLeaderEpoch (KIP-101, KIP-320): the end offset of a leader epoch on this partition's
// leader, from its leader-epoch cache. A consumer whose leader changed asks it for the epoch of
// its last fetched record: an end offset below its position means the log it read from was
// truncated, and it resets instead of skipping or re-reading silently.
import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { checkLeaderEpoch } from './fetch'

export default defineApi(ApiKey.OffsetForLeaderEpoch, {
  // Kafka 4 serves v2-4 (KIP-896 removed v0-1); the Java consumer validates positions from v3.
  minVersion: 2,
  maxVersion: 4,
  handle(req, ctx) {
    const { broker } = ctx
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((rt) => ({
        topic: rt.topic,
        partitions: rt.partitions.map((rp) => {
          const out = { errorCode: ErrorCode.NONE as number, partition: rp.partition, leaderEpoch: -1, endOffset: -1 }
          const p = broker.topic(rt.topic)?.partitions[rp.partition]
          if (!p || rp.partition < 0) {
            out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            return out
          }
          out.errorCode = checkLeaderEpoch(rp.currentLeaderEpoch, p.leaderEpoch)
          if (out.errorCode !== ErrorCode.NONE) return out
          // Answered by the leader only, as Kafka does for clients and followers alike.
          if (!broker.isLeader(rt.topic, rp.partition)) {
            out.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER
            return out
          }
          const end = broker.replicas.endOffsetForEpoch(rt.topic, rp.partition, rp.leaderEpoch)
          if (!end) {
            out.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER
            return out
          }
          if (end.endOffset >= 0) {
            out.leaderEpoch = end.epoch
            out.endOffset = end.endOffset
          }
          return out
        }),
      })),
    }
  },
})
