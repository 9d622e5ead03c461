import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { checkLeaderEpoch } from './fetch'

/** ListOffsets special timestamps. */
const LATEST = -1
const EARLIEST = -2
const MAX_TIMESTAMP = -3
const EARLIEST_LOCAL = -4
const EARLIEST_PENDING_UPLOAD = -5
const LATEST_TIERED = -6
const READ_COMMITTED = 1
/** Kafka's CONSUMER_REPLICA_ID and DEBUGGING_REPLICA_ID. */
const CONSUMER_REPLICA_ID = -1
const DEBUGGING_REPLICA_ID = -2

export default defineApi(ApiKey.ListOffsets, {
  handle(req, ctx) {
    const { broker } = ctx
    const readCommitted = req.isolationLevel === READ_COMMITTED
    // Kafka bounds a client's answers by the high watermark (or LSO); other replicas see the log end.
    const fromClient = req.replicaId === CONSUMER_REPLICA_ID
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((rt) => ({
        name: rt.name,
        partitions: rt.partitions.map((rp) => {
          const out = {
            partitionIndex: rp.partitionIndex,
            errorCode: ErrorCode.NONE as number,
            oldStyleOffsets: [] as number[],
            timestamp: -1,
            offset: -1,
            leaderEpoch: -1,
          }
          const t = broker.topic(rt.name)
          if (!t || rp.partitionIndex < 0 || rp.partitionIndex >= t.partitions.length) {
            out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            return out
          }
          const p = t.partitions[rp.partitionIndex]!
          out.errorCode = checkLeaderEpoch(ctx.apiVersion >= 4 ? rp.currentLeaderEpoch : -1, p.leaderEpoch)
          if (out.errorCode !== ErrorCode.NONE) return out
          // Only the debugging id may ask a follower, as in Kafka.
          const serves = broker.isLeader(rt.name, rp.partitionIndex) || (req.replicaId === DEBUGGING_REPLICA_ID && p.replicas.includes(broker.nodeId))
          const log = serves ? broker.partitionLog(rt.name, rp.partitionIndex) : undefined
          if (!log) {
            out.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER
            return out
          }
          const state = broker.replicas.state(rt.name, rp.partitionIndex)
          // The epoch a returned offset was written in (KIP-320): clients keep it to detect truncation.
          const epochOf = (offset: number) => state?.epochs.epochForOffset(offset) ?? -1
          const lastFetchable = !fromClient ? log.logEndOffset : readCommitted ? log.lastStableOffset : log.highWatermark
          // A new leader that has not yet committed anything of its epoch does not answer
          // the latest or earliest offset to clients: an older replica's high watermark might
          // still be ahead of it (Kafka's OFFSET_NOT_AVAILABLE, retriable).
          const epochStart = state?.role === 'leader' ? state.leaderEpochStartOffset : -1
          const notYet = fromClient && epochStart > log.highWatermark
          const ts: number = rp.timestamp
          if (ts === LATEST) {
            if (notYet) out.errorCode = ErrorCode.OFFSET_NOT_AVAILABLE
            else {
              out.offset = lastFetchable
              out.leaderEpoch = p.leaderEpoch
            }
          } else if (ts === EARLIEST || ts === EARLIEST_LOCAL) {
            if (notYet) out.errorCode = ErrorCode.OFFSET_NOT_AVAILABLE
            else {
              out.offset = log.logStartOffset
              out.leaderEpoch = epochOf(log.logStartOffset)
            }
          } else if (ts === EARLIEST_PENDING_UPLOAD || ts === LATEST_TIERED) out.offset = -1
          else if (ts === MAX_TIMESTAMP) {
            const m = log.maxTimestampOffset()
            if (m.offset >= 0) {
              out.offset = m.offset
              out.timestamp = m.timestamp
              out.leaderEpoch = epochOf(m.offset)
            }
          } else if (ts < 0) {
            out.errorCode = ErrorCode.INVALID_REQUEST
          } else {
            const found = log.offsetForTimestamp(ts)
            if (found && found.offset < lastFetchable) {
              out.offset = found.offset
              out.timestamp = found.timestamp
              out.leaderEpoch = epochOf(found.offset)
            }
          }
          if (ctx.apiVersion === 0) out.oldStyleOffsets = out.offset >= 0 ? [out.offset] : []
          return out
        }),
      })),
    }
  },
})
