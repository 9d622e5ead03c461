import { defineApi } from './registry'
import { ErrorCode } from '../errors'

/** ListOffsets special timestamps. */
const LATEST = -1
const EARLIEST = -2
const MAX_TIMESTAMP = -3
const EARLIEST_LOCAL = -4
const EARLIEST_PENDING_UPLOAD = -5
const LATEST_TIERED = -6
const READ_COMMITTED = 1

export default defineApi({
  key: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 10,
  handle(req, ctx) {
    const { broker } = ctx
    const readCommitted = req.isolationLevel === READ_COMMITTED
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((rt: any) => ({
        name: rt.name,
        partitions: rt.partitions.map((rp: any) => {
          const out = { partitionIndex: rp.partitionIndex, errorCode: ErrorCode.NONE as number, oldStyleOffsets: [] as number[], timestamp: -1, offset: -1, leaderEpoch: -1 }
          const t = broker.topic(rt.name)
          if (!t || rp.partitionIndex < 0 || rp.partitionIndex >= t.partitions.length) {
            out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            return out
          }
          const log = broker.isLeader(rt.name, rp.partitionIndex) ? broker.partitionLog(rt.name, rp.partitionIndex) : undefined
          if (!log) {
            out.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER
            return out
          }
          out.leaderEpoch = t.partitions[rp.partitionIndex].leaderEpoch
          const ts: number = rp.timestamp
          if (ts === LATEST) out.offset = readCommitted ? log.lastStableOffset : log.highWatermark
          else if (ts === EARLIEST || ts === EARLIEST_LOCAL) out.offset = log.logStartOffset
          else if (ts === EARLIEST_PENDING_UPLOAD || ts === LATEST_TIERED) out.offset = -1
          else if (ts === MAX_TIMESTAMP) {
            const m = log.maxTimestampOffset()
            if (m.offset >= 0) {
              out.offset = m.offset
              out.timestamp = m.timestamp
            }
          } else if (ts < 0) {
            out.errorCode = ErrorCode.INVALID_REQUEST
          } else {
            const found = log.offsetForTimestamp(ts)
            if (found && found.offset < log.highWatermark) {
              out.offset = found.offset
              out.timestamp = found.timestamp
            }
          }
          if (ctx.apiVersion === 0) out.oldStyleOffsets = out.offset >= 0 ? [out.offset] : []
          return out
        }),
      })),
    }
  },
})
