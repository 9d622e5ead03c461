import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { TXN_STATES, type TxnState } from '../coordinator/transaction-log'

/** kafka-transactions list: the transactions this broker coordinates, filtered as asked. */
export default defineApi(ApiKey.ListTransactions, {
  handle(req, ctx) {
    const known = new Set<string>(TXN_STATES)
    const states = new Set(req.stateFilters.filter((s) => known.has(s)))
    const unknownStateFilters = req.stateFilters.filter((s) => !known.has(s))
    const producers = new Set(req.producerIdFilters)
    const minDuration = ctx.apiVersion >= 1 ? req.durationFilter : -1
    let pattern: RegExp | null = null
    if (ctx.apiVersion >= 2 && req.transactionalIdPattern) {
      try {
        pattern = new RegExp(req.transactionalIdPattern)
      } catch {
        return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, unknownStateFilters, transactionStates: [] }
      }
    }
    const listed = ctx.broker.transactionCoordinator
      .list()
      .filter(
        (t) =>
          (req.stateFilters.length === 0 || states.has(t.transactionState as TxnState)) &&
          (producers.size === 0 || producers.has(t.producerId)) &&
          (minDuration < 0 || t.durationMs > minDuration) &&
          (!pattern || pattern.test(t.transactionalId)),
      )
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      unknownStateFilters,
      transactionStates: listed.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.transactionState })),
    }
  },
})
