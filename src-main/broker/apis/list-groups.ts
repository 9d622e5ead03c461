import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

export default defineApi(ApiKey.ListGroups, {
  handle(req, ctx) {
    const states = ctx.apiVersion >= 4 ? req.statesFilter.map((s) => s.toLowerCase()) : []
    const types = ctx.apiVersion >= 5 ? req.typesFilter.map((s) => s.toLowerCase()) : []
    // Every group here uses the classic protocol.
    if (types.length > 0 && !types.includes('classic')) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: [] }
    const groups = ctx.broker.groupCoordinator
      .listGroups()
      .filter((g) => states.length === 0 || states.includes(g.state.toLowerCase()))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' }))
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups }
  },
})
