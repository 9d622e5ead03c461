import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

export default defineApi(ApiKey.SyncGroup, {
  async handle(req, ctx) {
    const v = ctx.apiVersion
    const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) })
    const groupId: string = req.groupId
    if (!groupId) return failed(ErrorCode.INVALID_GROUP_ID)
    const cc = ctx.broker.groupCoordinator
    const err = cc.check(groupId)
    if (err !== ErrorCode.NONE) return failed(err)
    const g = cc.group(groupId)
    if (!g) return failed(ErrorCode.UNKNOWN_MEMBER_ID)
    const r = await g.sync({
      memberId: req.memberId,
      groupInstanceId: v >= 3 ? req.groupInstanceId : null,
      generationId: req.generationId,
      protocolType: v >= 5 ? req.protocolType : null,
      protocolName: v >= 5 ? req.protocolName : null,
      assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
    })
    return { throttleTimeMs: 0, ...r }
  },
})
