import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { filterMatches, invalidFilter, PatternType, type AclBinding } from '../security/acl'

/**
 * DescribeAcls: the ACLs matching the filter, grouped by resource pattern. Without an authorizer
 * (authorizer.class.name unset) Kafka answers SECURITY_DISABLED. The API is listed either way:
 * kafka-python infers the broker release from the APIs it sees, and DescribeAcls v2 is how it
 * recognises a broker newer than 2.5.
 */
export default defineApi(ApiKey.DescribeAcls, {
  handle(req, ctx) {
    if (!ctx.broker.authorizer)
      return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', resources: [] }
    const filter = {
      resourceType: req.resourceTypeFilter,
      resourceName: req.resourceNameFilter,
      patternType: ctx.apiVersion >= 1 ? req.patternTypeFilter : PatternType.LITERAL,
      principal: req.principalFilter,
      host: req.hostFilter,
      operation: req.operation,
      permissionType: req.permissionType,
    }
    const bad = invalidFilter(filter)
    if (bad) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: bad, resources: [] }
    const byResource = new Map<string, { resourceType: number; resourceName: string; patternType: number; acls: AclBinding[] }>()
    for (const a of ctx.broker.metadata.security.acls.values()) {
      if (!filterMatches(filter, a)) continue
      const key = JSON.stringify([a.resourceType, a.resourceName, a.patternType])
      let r = byResource.get(key)
      if (!r) byResource.set(key, (r = { resourceType: a.resourceType, resourceName: a.resourceName, patternType: a.patternType, acls: [] }))
      r.acls.push(a)
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      resources: [...byResource.values()].map((r) => ({
        ...r,
        acls: r.acls.map((a) => ({ principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType })),
      })),
    }
  },
})
