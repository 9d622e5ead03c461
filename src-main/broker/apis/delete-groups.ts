import { defineApi } from './registry'
import { ErrorCode } from '../errors'

export default defineApi({
  key: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  handle(req, ctx) {
    const cc = ctx.broker.groupCoordinator
    const results = (req.groupsNames as string[]).map((groupId) => {
      if (!groupId) return { groupId, errorCode: ErrorCode.INVALID_GROUP_ID }
      const err = cc.check(groupId)
      if (err !== ErrorCode.NONE) return { groupId, errorCode: err }
      return { groupId, errorCode: cc.deleteGroup(groupId) }
    })
    return { throttleTimeMs: 0, results }
  },
})
