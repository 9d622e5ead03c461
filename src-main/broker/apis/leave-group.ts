import { defineApi } from './registry'
import { ErrorCode } from '../errors'

export default defineApi({
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const v = ctx.apiVersion
    const members: { memberId: string; groupInstanceId: string | null }[] =
      v >= 3 ? (req.members as { memberId: string; groupInstanceId: string | null }[]).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) : [{ memberId: req.memberId, groupInstanceId: null }]
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
