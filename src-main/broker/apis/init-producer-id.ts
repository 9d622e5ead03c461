import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { forVersion } from '../coordinator/transaction-state'

const MAX_EPOCH = 32767

interface InitProducerIdResponse {
  throttleTimeMs: number
  errorCode: number
  producerId: number
  producerEpoch: number
}

/**
 * Hands out producer ids. An idempotent producer that passes its current id and epoch (v3+,
 * KIP-360) gets its epoch bumped, and a fresh id when the epoch would overflow. A transactional
 * producer is served by the transaction coordinator of its id (fencing older epochs, aborting
 * their ongoing transaction first).
 */
export default defineApi(ApiKey.InitProducerId, {
  maxVersion: 5,
  handle(req, ctx): InitProducerIdResponse | Promise<InitProducerIdResponse> {
    const md = ctx.broker.metadata
    if (req.transactionalId !== null && req.transactionalId !== undefined) {
      if (req.transactionalId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 }
      const expected = ctx.apiVersion >= 3 && req.producerId >= 0 ? { producerId: req.producerId, producerEpoch: req.producerEpoch } : null
      return ctx.broker.transactionCoordinator.initProducerId(req.transactionalId, req.transactionTimeoutMs, expected).then((r) => ({
        throttleTimeMs: 0,
        // PRODUCER_FENCED exists from v4 (KIP-588); older clients know INVALID_PRODUCER_EPOCH
        errorCode: forVersion(r.error, ctx.apiVersion, 4),
        producerId: r.producerId,
        producerEpoch: r.producerEpoch,
      }))
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
