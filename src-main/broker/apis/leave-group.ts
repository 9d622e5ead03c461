import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

export default defineApi(ApiKey.LeaveGroup, {
  handle(req, ctx) {
    const v = ctx.apiVersion
    const members: { memberId: string; groupInstanceId: string | null }[] =
      v >= 3 ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) : [{ memberId: req.memberId, groupInstanceId: null }]
    const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, members: [] })
    const groupId: string = req.groupId
    if (!groupId) return failed(ErrorCode.INVALID_GROUP_ID)
    const cc = ctx.broker.groupCoordinator
    const err = cc.check(groupId)
    if (err !== ErrorCode.NONE) return failed(err)
    const g = cc.group(groupId)
    if (!g) return failed(ErrorCode.UNKNOWN_MEMBER_ID)
    const codes = g.leave(members)
    if (v < 3) return { throttleTimeMs: 0, errorCode: codes[0] ?? ErrorCode.NONE, members: [] }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members: members.map((m, i) => ({ ...m, errorCode: codes[i] })) }
  },
})
