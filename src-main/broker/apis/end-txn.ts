import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { forVersion } from '../coordinator/transaction-state'

/** Commits or aborts a transaction: answered once PrepareCommit/PrepareAbort is durable; markers follow. */
export default defineApi(ApiKey.EndTxn, {
  async handle(req, ctx) {
    const code = await ctx.broker.transactionCoordinator.endTransaction(req.transactionalId, req.producerId, req.producerEpoch, req.committed)
    // v5's new producer id and epoch belong to transaction.version 2, which this broker does not offer
    return { throttleTimeMs: 0, errorCode: forVersion(code, ctx.apiVersion, 2), producerId: -1, producerEpoch: -1 }
  },
})
