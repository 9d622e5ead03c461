import { defineApi } from './registry'
import { ErrorCode } from '../errors'

const NO_OPERATIONS = -2147483648
const EMPTY = Buffer.alloc(0)

export default defineApi({
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 6,
  handle(req, ctx) {
    const cc = ctx.broker.groupCoordinator
    const groups = (req.groups as string[]).map((groupId) => {
      const base = { errorCode: ErrorCode.NONE as number, errorMessage: null as string | null, groupId, groupState: '', protocolType: '', protocolData: '', members: [] as unknown[], authorizedOperations: NO_OPERATIONS }
      const err = groupId ? cc.check(groupId) : ErrorCode.INVALID_GROUP_ID
      if (err !== ErrorCode.NONE) return { ...base, errorCode: err }
      const g = cc.group(groupId)
      if (!g) {
        // v6 (KIP-1043) reports a missing group as GROUP_ID_NOT_FOUND; older versions as the Dead state.
        if (ctx.apiVersion >= 6) return { ...base, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.`, groupState: 'Dead' }
        return { ...base, groupState: 'Dead' }
      }
      const stable = g.is('Stable')
      return {
        ...base,
        groupState: g.state,
        protocolType: g.protocolType ?? '',
        protocolData: stable ? (g.protocolName ?? '') : '',
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? (m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? EMPTY) : EMPTY,
          memberAssignment: stable ? m.assignment : EMPTY,
        })),
      }
    })
    return { throttleTimeMs: 0, groups }
  },
})
