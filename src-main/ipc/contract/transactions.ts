/** Transactions: the ones the transaction coordinators know (ListTransactions + DescribeTransactions), and an admin abort. */
import { z } from 'zod'
import { PartitionId, TopicName } from './common'

export const TransactionPartition = z.object({ topic: z.string(), partition: PartitionId })

export const TransactionSummary = z.object({
  transactionalId: z.string(),
  producerId: z.number().int(),
  /** -1 when DescribeTransactions did not answer for it (then `error` says why). */
  producerEpoch: z.number().int(),
  /** Kafka's state name: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence, Dead. */
  state: z.string(),
  /** The broker coordinating it (its __transaction_state partition's leader). */
  coordinator: z.number().int(),
  timeoutMs: z.number().int(),
  /** When its current transaction began (epoch ms); null when none is running. */
  startTimeMs: z.number().int().nullable(),
  partitions: z.array(TransactionPartition),
  error: z.string().optional(),
})
export type TransactionSummary = z.infer<typeof TransactionSummary>

export const TransactionsList = z.object({
  transactions: z.array(TransactionSummary),
  /** Brokers that could not be asked (their transactions are missing from the list). */
  unavailable: z.array(z.object({ broker: z.number().int(), reason: z.string() })).optional(),
  /** When the list was taken (epoch ms): ages are counted from it. */
  at: z.number().int(),
})

/** What `kafka-transactions abort` does: ABORT markers written straight to the partitions' leaders. */
export const TransactionAbortRequest = z.object({
  producerId: z.number().int().min(0),
  producerEpoch: z.number().int().min(0).max(32767),
  partitions: z
    .array(z.object({ topic: TopicName, partition: PartitionId }))
    .min(1)
    .max(10_000),
})

export const TransactionAbortResult = z.object({
  results: z.array(z.object({ topic: z.string(), partition: PartitionId, ok: z.boolean(), error: z.string().optional() })),
})
