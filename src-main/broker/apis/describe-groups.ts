import { defineApi } from './registry'
import { ApiKey, type ApiResponseInput } from '../protocol/api'
import type { Element } from '../protocol/types'
import { ErrorCode } from '../errors'

const NO_OPERATIONS = -2147483648
const EMPTY = Buffer.alloc(0)

type DescribedGroup = Element<NonNullable<ApiResponseInput<typeof ApiKey.DescribeGroups>['groups']>>

export default defineApi(ApiKey.DescribeGroups, {
  handle(req, ctx) {
    const cc = ctx.broker.groupCoordinator
    const groups = req.groups.map((groupId): DescribedGroup => {
      const base: DescribedGroup = {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        groupId,
        groupState: '',
        protocolType: '',
        protocolData: '',
        members: [],
        authorizedOperations: NO_OPERATIONS,
      }
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
