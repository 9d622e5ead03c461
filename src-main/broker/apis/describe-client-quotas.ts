import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { invalidFilter, matchingEntries } from '../quotas/quota-filter'

/** DescribeClientQuotas: the quotas of the entities the filter selects, from this broker's replay of the metadata log. */
export default defineApi(ApiKey.DescribeClientQuotas, {
  handle(req, ctx) {
    const bad = invalidFilter(req.components)
    if (bad) return { throttleTimeMs: 0, errorCode: ErrorCode[bad.error], errorMessage: bad.message, entries: null }
    const entries = matchingEntries(ctx.broker.metadata.quotas, req.components, req.strict).map((e) => ({
      entity: e.entity.map((c) => ({ entityType: c.entityType, entityName: c.entityName })),
      values: [...e.values].map(([key, value]) => ({ key, value })),
    }))
    // Kafka 4.1 answers a successful describe with an empty message, not a null one.
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: '', entries }
  },
})
