import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'
import { PatternType, type AclBindingFilter } from '../security/acl'
import type { DeleteAclsResult } from '../security/security-commands'

/** DeleteAcls: every ACL matching a filter is removed at the controller; each filter's result lists what it matched. */
export default defineApi(ApiKey.DeleteAcls, {
  handle(req, ctx) {
    if (!ctx.broker.authorizer)
      return {
        throttleTimeMs: 0,
        filterResults: req.filters.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: [] })),
      }
    const filters: AclBindingFilter[] = req.filters.map((f) => ({
      resourceType: f.resourceTypeFilter,
      resourceName: f.resourceNameFilter,
      patternType: ctx.apiVersion >= 1 ? f.patternTypeFilter : PatternType.LITERAL,
      principal: f.principalFilter,
      host: f.hostFilter,
      operation: f.operation,
      permissionType: f.permissionType,
    }))
    try {
      const results = ctx.broker.metadata.securityCommand({ op: 'deleteAcls', filters }) as DeleteAclsResult[]
      return {
        throttleTimeMs: 0,
        filterResults: results.map((r) => ({
          errorCode: r.error ? ErrorCode[r.error as keyof typeof ErrorCode] : ErrorCode.NONE,
          errorMessage: r.message,
          matchingAcls: r.deleted.map((a) => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...a })),
        })),
      }
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e
      return { throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode: e.code, errorMessage: e.message, matchingAcls: [] })) }
    }
  },
})
