import { defineApi } from './registry'
import { ErrorCode } from '../errors'

const MAX_EPOCH = 32767

/**
 * Hands out producer ids for idempotent producers. A producer that passes its current id and
 * epoch (v3+, KIP-360) gets its epoch bumped, and a fresh id when the epoch would overflow.
 */
export default defineApi({
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const md = ctx.broker.metadata
    if (req.transactionalId !== null && req.transactionalId !== undefined) {
      // Transactions are not served yet: Kafka answers this way when no coordinator can take them.
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1, producerEpoch: -1 }
    }
    let producerId: number
    let producerEpoch: number
    if (ctx.apiVersion >= 3 && req.producerId >= 0 && req.producerEpoch >= 0 && req.producerEpoch < MAX_EPOCH - 1) {
      producerId = req.producerId
      producerEpoch = req.producerEpoch + 1
    } else {
      producerId = md.allocateProducerId()
      producerEpoch = 0
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch }
  },
})
