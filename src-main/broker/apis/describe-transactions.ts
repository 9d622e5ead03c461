import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'

/** kafka-transactions describe: the coordinator's view of each transactional id it owns. */
export default defineApi(ApiKey.DescribeTransactions, {
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((id) => {
        const { errorCode, m } = ctx.broker.transactionCoordinator.describe(id)
        if (!m)
          return {
            errorCode,
            transactionalId: id,
            transactionState: '',
            transactionTimeoutMs: 0,
            transactionStartTimeMs: -1,
            producerId: -1,
            producerEpoch: -1,
            topics: [],
          }
        return {
          errorCode,
          transactionalId: id,
          transactionState: m.state,
          transactionTimeoutMs: m.txnTimeoutMs,
          transactionStartTimeMs: m.txnStartTimestamp,
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          topics: [...m.partitions].map(([topic, ps]) => ({ topic, partitions: [...ps].sort((a, b) => a - b) })),
        }
      }),
    }
  },
})
