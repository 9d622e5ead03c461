import { defineApi, type RequestContext } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

interface FetchedPartition {
  partitionIndex: number
  committedOffset: number
  committedLeaderEpoch: number
  metadata: string
  errorCode: number
}

function fetchGroup(ctx: RequestContext, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable = false) {
  const cc = ctx.broker.groupCoordinator
  const err = groupId ? cc.check(groupId) : ErrorCode.INVALID_GROUP_ID
  const out: { name: string; partitions: FetchedPartition[] }[] = []
  if (err !== ErrorCode.NONE) {
    for (const t of topics ?? [])
      out.push({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: err })),
      })
    return { errorCode: err, topics: out }
  }
  const g = cc.group(groupId)
  if (topics === null) {
    for (const [name, parts] of g?.offsets ?? []) {
      out.push({
        name,
        partitions: [...parts]
          .sort((a, b) => a[0] - b[0])
          .map(([p, o]) => ({
            partitionIndex: p,
            committedOffset: o.offset,
            committedLeaderEpoch: o.leaderEpoch,
            metadata: o.metadata,
            errorCode: ErrorCode.NONE,
          })),
      })
    }
  } else {
    for (const t of topics) {
      out.push({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => {
          // KIP-447: a read_committed consumer waits while a transaction holds an offset of this partition
          if (requireStable && cc.hasPendingOffset(groupId, t.name, p))
            return { partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }
          const o = g?.offset(t.name, p)
          return o
            ? { partitionIndex: p, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE }
            : { partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE }
        }),
      })
    }
  }
  return { errorCode: ErrorCode.NONE, topics: out }
}

export default defineApi(ApiKey.OffsetFetch, {
  // v10 addresses topics by id; not listed (Kafka 4.1 clients use it only when offered).
  maxVersion: 9,
  handle(req, ctx) {
    const v = ctx.apiVersion
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: req.groups.map((g) => ({ groupId: g.groupId, ...fetchGroup(ctx, g.groupId, g.topics, req.requireStable === true) })),
      }
    }
    // v0-1 cannot ask for all topics; v2+ may send null.
    const r = fetchGroup(ctx, req.groupId, req.topics, v >= 7 && req.requireStable === true)
    return { throttleTimeMs: 0, topics: r.topics, errorCode: r.errorCode }
  },
})
