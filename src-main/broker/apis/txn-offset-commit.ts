import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { OffsetCommitSlots } from './offset-commit-slots'
import { forVersion } from '../coordinator/transaction-state'

/**
 * The offsets of sendOffsetsToTransaction: written to the group's __consumer_offsets partition
 * in the producer's transaction, counting only once it commits.
 */
export default defineApi(ApiKey.TxnOffsetCommit, {
  async handle(req, ctx) {
    const v = ctx.apiVersion
    const { broker } = ctx
    const slots = new OffsetCommitSlots(broker, req.topics, v >= 2)
    const entries = slots.entries
    const respond = () => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t, ti) => ({
        name: t.name,
        partitions: t.partitions.map((p, pi) => ({ partitionIndex: p.partitionIndex, errorCode: forVersion(slots.code(ti, pi), v, 3) })),
      })),
    })
    const setAll = (code: number) => {
      slots.failAll(code)
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
    slots.setResults(results)
    if (!results.includes(ErrorCode.NONE)) return respond()
    slots.setResults(results, await cc.awaitReplication(req.groupId))
    return respond()
  },
})
