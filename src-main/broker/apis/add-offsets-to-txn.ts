import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { GROUP_METADATA_TOPIC } from '../coordinator/group-coordinator'
import { forVersion } from '../coordinator/transaction-state'

/**
 * sendOffsetsToTransaction's first step: the group's __consumer_offsets partition joins the
 * transaction, so its marker makes the transaction's offset commits count (or not).
 */
export default defineApi(ApiKey.AddOffsetsToTxn, {
  async handle(req, ctx) {
    const gc = ctx.broker.groupCoordinator
    if (!req.groupId) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID }
    gc.ensureTopic()
    const partition = gc.partitionFor(req.groupId)
    const code = await ctx.broker.transactionCoordinator.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, [
      { topic: GROUP_METADATA_TOPIC, partition },
    ])
    return { throttleTimeMs: 0, errorCode: forVersion(code, ctx.apiVersion, 2) }
  },
})
