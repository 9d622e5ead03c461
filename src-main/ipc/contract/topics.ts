/** Topics: the list's summaries and one topic's description. */
import { z } from 'zod'
import { PartitionId } from './common'

export const TopicSummary = z.object({
  name: z.string(),
  internal: z.boolean(),
  partitions: z.number().int(),
  replicationFactor: z.number().int(),
  underReplicated: z.number().int(),
  offline: z.number().int(),
  // With `withStats`: null where a broker holding the figure did not answer (see `unavailable`).
  /** Records in the log (latest − earliest, summed over partitions). */
  messages: z.number().int().nullable().optional(),
  /** Bytes on the leaders' disks (DescribeLogDirs). */
  sizeBytes: z.number().int().nullable().optional(),
  retentionMs: z.string().nullable().optional(),
  cleanupPolicy: z.string().nullable().optional(),
})

export const PartitionDetail = z.object({
  partition: PartitionId,
  leader: z.number().int(),
  replicas: z.array(z.number().int()),
  isr: z.array(z.number().int()),
  offlineReplicas: z.array(z.number().int()),
  earliestOffset: z.number().int(),
  latestOffset: z.number().int(),
  /**
   * The last stable offset (ListOffsets LATEST under read_committed): read_committed consumers
   * read up to it; below latestOffset while a transaction is open. Null when the leader did not tell.
   */
  lastStableOffset: z.number().int().nullable().optional(),
  /** latest - earliest (records in the log, ignoring transaction markers / compaction gaps). */
  messages: z.number().int(),
  /** Bytes on the leader's disk (DescribeLogDirs); null when the cluster does not tell. */
  sizeBytes: z.number().int().nullable(),
})
export type PartitionDetail = z.infer<typeof PartitionDetail>

export const TopicDescription = z.object({
  name: z.string(),
  internal: z.boolean(),
  replicationFactor: z.number().int(),
  partitions: z.array(PartitionDetail),
  totalMessages: z.number().int(),
  totalSizeBytes: z.number().int().nullable(),
})
export type TopicDescription = z.infer<typeof TopicDescription>
