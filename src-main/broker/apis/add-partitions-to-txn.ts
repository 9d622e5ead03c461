import { defineApi, type RequestContext } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { forVersion } from '../coordinator/transaction-state'

interface TopicPartitions {
  name: string
  partitions: number[]
}

interface AddPartitionsToTxnTransaction {
  transactionalId: string
  producerId: number
  producerEpoch: number
  verifyOnly: boolean
  topics: TopicPartitions[]
}

interface TopicResult {
  name: string
  resultsByPartition: { partitionIndex: number; partitionErrorCode: number }[]
}

/** One transaction's partitions added (or, verifyOnly, checked): an error per partition as Kafka reports them. */
async function addOne(ctx: RequestContext, t: AddPartitionsToTxnTransaction): Promise<TopicResult[]> {
  const { broker } = ctx
  const wanted = t.topics.flatMap((tp) => tp.partitions.map((partition) => ({ topic: tp.name, partition })))
  const unknown = new Set<string>()
  for (const p of wanted) {
    const meta = broker.topic(p.topic)
    if (!meta || p.partition < 0 || p.partition >= meta.partitions.length) unknown.add(`${p.topic}:${p.partition}`)
  }
  let codes: number[]
  if (unknown.size > 0) {
    // Kafka adds none when any is unknown: those fail, the others were not attempted
    codes = wanted.map((p) => (unknown.has(`${p.topic}:${p.partition}`) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED))
  } else if (t.verifyOnly) {
    codes = broker.transactionCoordinator.verifyPartitions(t.transactionalId, t.producerId, t.producerEpoch, wanted)
  } else {
    const code = forVersion(await broker.transactionCoordinator.addPartitions(t.transactionalId, t.producerId, t.producerEpoch, wanted), ctx.apiVersion, 2)
    codes = wanted.map(() => code)
  }
  let i = 0
  return t.topics.map((tp) => ({
    name: tp.name,
    resultsByPartition: tp.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: codes[i++]! })),
  }))
}

export default defineApi(ApiKey.AddPartitionsToTxn, {
  async handle(req, ctx) {
    if (ctx.apiVersion >= 4) {
      const results = await Promise.all(req.transactions.map(async (t) => ({ transactionalId: t.transactionalId, topicResults: await addOne(ctx, t) })))
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: results }
    }
    const results = await addOne(ctx, {
      transactionalId: req.v3AndBelowTransactionalId,
      producerId: req.v3AndBelowProducerId,
      producerEpoch: req.v3AndBelowProducerEpoch,
      verifyOnly: false,
      topics: req.v3AndBelowTopics,
    })
    return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results }
  },
})
