import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'
import { PatternType, type AclBinding } from '../security/acl'
import type { CommandError } from '../security/security-commands'

/** CreateAcls: the ACLs are written by the controller (security/security-commands.ts), so every broker applies them. */
export default defineApi(ApiKey.CreateAcls, {
  handle(req, ctx) {
    if (!ctx.broker.authorizer)
      return { throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' })) }
    const acls: AclBinding[] = req.creations.map((c) => ({
      resourceType: c.resourceType,
      resourceName: c.resourceName,
      patternType: ctx.apiVersion >= 1 ? c.resourcePatternType : PatternType.LITERAL,
      principal: c.principal,
      host: c.host,
      operation: c.operation,
      permissionType: c.permissionType,
    }))
    try {
      const results = ctx.broker.metadata.securityCommand({ op: 'createAcls', acls }) as CommandError[]
      return {
        throttleTimeMs: 0,
        results: results.map((r) => ({ errorCode: r.error ? ErrorCode[r.error as keyof typeof ErrorCode] : ErrorCode.NONE, errorMessage: r.message })),
      }
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e
      return { throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode: e.code, errorMessage: e.message })) }
    }
  },
})
