import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { OffsetCommitSlots } from './offset-commit-slots'

export default defineApi(ApiKey.OffsetCommit, {
  // v10 addresses topics by id; Kafka 4.1 clients use it only when offered, so it is not listed.
  maxVersion: 9,
  handle(req, ctx) {
    const v = ctx.apiVersion
    const { broker } = ctx
    const topics = req.topics
    const slots = new OffsetCommitSlots(broker, topics, v >= 6)
    const entries = slots.entries
    const respond = () => ({
      throttleTimeMs: 0,
      topics: topics.map((t, ti) => ({
        name: t.name,
        partitions: t.partitions.map((p, pi) => ({ partitionIndex: p.partitionIndex, errorCode: slots.code(ti, pi) })),
      })),
    })
    const failAll = (code: number) => {
      slots.failAll(code)
      return respond()
    }
    if (entries.length === 0) return respond()
    const groupId: string = req.groupId
    const generationId: number = v >= 1 ? req.generationIdOrMemberEpoch : -1
    const memberId: string = v >= 1 ? req.memberId : ''
    const instanceId: string | null = v >= 7 ? req.groupInstanceId : null
    if (!groupId) return failAll(ErrorCode.INVALID_GROUP_ID)
    const cc = broker.groupCoordinator
    const err = cc.check(groupId)
    if (err !== ErrorCode.NONE) return failAll(err)
    let g = cc.group(groupId)
    if (!g) {
      // Commits with a generation need the group; without one (admin client, simple consumers) they create it.
      if (generationId >= 0) return failAll(v >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION)
      g = cc.getOrCreate(groupId)
    }
    const invalid = g.validateOffsetCommit(memberId, instanceId, generationId)
    if (invalid !== ErrorCode.NONE) return failAll(invalid)
    const retention: number = v >= 2 && v <= 4 ? req.retentionTimeMs : -1
    const now = Date.now()
    const results = cc.commitOffsets(g, entries, retention >= 0 ? now + retention : null, now)
    slots.setResults(results)
    if (!results.includes(ErrorCode.NONE)) return respond()
    // Answered only once the commit is on the ISR of its __consumer_offsets partition.
    return cc.awaitReplication(groupId).then((code) => {
      slots.setResults(results, code)
      return respond()
    })
  },
})
