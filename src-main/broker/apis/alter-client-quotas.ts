import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'

/** AlterClientQuotas: validated and written by the controller (quotas/quota-commands.ts), so every broker enforces the result. */
export default defineApi(ApiKey.AlterClientQuotas, {
  handle(req, ctx) {
    const entities = req.entries.map((e) => e.entity.map((c) => ({ entityType: c.entityType, entityName: c.entityName })))
    try {
      const results = ctx.broker.metadata.clientQuotaCommand({
        op: 'alterClientQuotas',
        entries: req.entries.map((e, i) => ({ entity: entities[i], ops: e.ops.map((o) => ({ key: o.key, value: o.value, remove: o.remove })) })),
        validateOnly: req.validateOnly,
      })
      return {
        throttleTimeMs: 0,
        entries: results.map((r, i) => ({
          errorCode: r.error ? ErrorCode[r.error as keyof typeof ErrorCode] : ErrorCode.NONE,
          errorMessage: r.message,
          entity: entities[i],
        })),
      }
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e
      return { throttleTimeMs: 0, entries: entities.map((entity) => ({ errorCode: e.code, errorMessage: e.message, entity })) }
    }
  },
})
