import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import type { OffsetCommitEntry } from '../coordinator/group-coordinator'
import { forVersion } from '../coordinator/transaction-state'

/**
 * The offsets of sendOffsetsToTransaction: written to the group's __consumer_offsets partition
 * in the producer's transaction, counting only once it commits.
 */
export default defineApi(ApiKey.TxnOffsetCommit, {
  async handle(req, ctx) {
    const v = ctx.apiVersion
    const { broker } = ctx
    const codes = req.topics.map((t) => t.partitions.map((): number | undefined => undefined))
    const entries: OffsetCommitEntry[] = []
    const slots: [number, number][] = []
    req.topics.forEach((t, ti) => {
      const meta = broker.topic(t.name)
      t.partitions.forEach((p, pi) => {
        if (!meta || p.partitionIndex < 0 || p.partitionIndex >= meta.partitions.length) codes[ti]![pi] = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        else {
          entries.push({
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1,
            metadata: p.committedMetadata,
          })
          slots.push([ti, pi])
        }
      })
    })
    const respond = () => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t, ti) => ({
        name: t.name,
        partitions: t.partitions.map((p, pi) => ({ partitionIndex: p.partitionIndex, errorCode: forVersion(codes[ti]![pi] ?? ErrorCode.NONE, v, 3) })),
      })),
    })
    const setAll = (code: number) => {
      for (const [ti, pi] of slots) codes[ti]![pi] = code
      return respond()
    }
    if (entries.length === 0) return respond()
    if (!req.groupId) return setAll(ErrorCode.INVALID_GROUP_ID)
    const cc = broker.groupCoordinator
    const err = cc.check(req.groupId)
    if (err !== ErrorCode.NONE) return setAll(err)
    const generationId = v >= 3 ? req.generationId : -1
    let g = cc.group(req.groupId)
    if (!g) {
      if (generationId >= 0) return setAll(ErrorCode.ILLEGAL_GENERATION)
      g = cc.getOrCreate(req.groupId)
    }
    if (v >= 3 && generationId >= 0) {
      const invalid = g.validateOffsetCommit(req.memberId, req.groupInstanceId, generationId)
      if (invalid !== ErrorCode.NONE) return setAll(invalid)
    }
    const results = cc.commitTxnOffsets(g, entries, req.producerId, req.producerEpoch)
    results.forEach((code, i) => {
      const [ti, pi] = slots[i]!
      codes[ti]![pi] = code
    })
    if (!results.includes(ErrorCode.NONE)) return respond()
    const replicated = await cc.awaitReplication(req.groupId)
    results.forEach((c, i) => {
      const [ti, pi] = slots[i]!
      if (c === ErrorCode.NONE) codes[ti]![pi] = replicated
    })
    return respond()
  },
})
