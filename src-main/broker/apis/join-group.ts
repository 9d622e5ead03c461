import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { clientHost } from '../coordinator/group-coordinator'
import type { JoinResult } from '../coordinator/group'

function failed(memberId: string, errorCode: number): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] }
}

export default defineApi(ApiKey.JoinGroup, {
  async handle(req, ctx) {
    const v = ctx.apiVersion
    // Before v7 the protocol name is not nullable.
    const respond = (r: JoinResult) => ({ throttleTimeMs: 0, ...r, protocolName: v < 7 ? (r.protocolName ?? '') : r.protocolName })
    const groupId: string = req.groupId
    const memberId: string = req.memberId
    if (!groupId) return respond(failed(memberId, ErrorCode.INVALID_GROUP_ID))
    const cc = ctx.broker.groupCoordinator
    const err = cc.check(groupId)
    if (err !== ErrorCode.NONE) return respond(failed(memberId, err))
    let g = cc.group(groupId)
    const isNew = !g
    if (!g) {
      if (memberId !== '') return respond(failed(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
      g = cc.getOrCreate(groupId)
    }
    const result = await g.join({
      memberId,
      groupInstanceId: v >= 5 ? req.groupInstanceId : null,
      clientId: ctx.clientId ?? '',
      clientHost: clientHost(ctx.clientAddress),
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: v >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      requireKnownMemberId: v >= 4,
      supportsSkipAssignment: v >= 9,
    })
    // A group created by a join that failed outright is not kept.
    if (
      isNew &&
      result.errorCode !== ErrorCode.NONE &&
      result.errorCode !== ErrorCode.MEMBER_ID_REQUIRED &&
      g.is('Empty') &&
      g.members.size === 0 &&
      !g.hasOffsets()
    ) {
      cc.groups.delete(groupId)
    }
    return respond(result)
  },
})
