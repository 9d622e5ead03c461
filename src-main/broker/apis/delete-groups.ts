import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

export default defineApi(ApiKey.DeleteGroups, {
  handle(req, ctx) {
    const cc = ctx.broker.groupCoordinator
    const results = req.groupsNames.map((groupId) => {
      if (!groupId) return { groupId, errorCode: ErrorCode.INVALID_GROUP_ID }
      const err = cc.check(groupId)
      if (err !== ErrorCode.NONE) return { groupId, errorCode: err }
      return { groupId, errorCode: cc.deleteGroup(groupId) }
    })
    return { throttleTimeMs: 0, results }
  },
})
