import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

export default defineApi(ApiKey.Heartbeat, {
  handle(req, ctx) {
    const groupId: string = req.groupId
    if (!groupId) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID }
    const cc = ctx.broker.groupCoordinator
    const err = cc.check(groupId)
    if (err !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: err }
    const g = cc.group(groupId)
    if (!g) return { throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
    return { throttleTimeMs: 0, errorCode: g.heartbeat(req.memberId, ctx.apiVersion >= 3 ? req.groupInstanceId : null, req.generationId) }
  },
})
