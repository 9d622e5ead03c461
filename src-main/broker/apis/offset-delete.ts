import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { subscribedTopicsOf } from '../coordinator/group-coordinator'

export default defineApi(ApiKey.OffsetDelete, {
  handle(req, ctx) {
    const { broker } = ctx
    const cc = broker.groupCoordinator
    const groupId: string = req.groupId
    const topics = req.topics
    const failed = (errorCode: number) => ({ errorCode, throttleTimeMs: 0, topics: [] })
    if (!groupId) return failed(ErrorCode.INVALID_GROUP_ID)
    const err = cc.check(groupId)
    if (err !== ErrorCode.NONE) return failed(err)
    const g = cc.group(groupId)
    if (!g) return failed(ErrorCode.GROUP_ID_NOT_FOUND)
    // An active group that does not use the consumer protocol cannot have offsets deleted.
    if (!g.is('Empty') && g.protocolType !== 'consumer') return failed(ErrorCode.NON_EMPTY_GROUP)
    const subscribed = g.is('Empty') ? null : g.subscribedTopics(subscribedTopicsOf)
    const results = topics.map((t) => {
      const meta = broker.topic(t.name)
      return {
        name: t.name,
        partitions: t.partitions.map((p) => {
          if (!meta || p.partitionIndex < 0 || p.partitionIndex >= meta.partitions.length)
            return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
          if (subscribed?.has(t.name)) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }
          return { partitionIndex: p.partitionIndex, errorCode: cc.deleteOffsets(g, [{ topic: t.name, partition: p.partitionIndex }]) }
        }),
      }
    })
    return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics: results }
  },
})
