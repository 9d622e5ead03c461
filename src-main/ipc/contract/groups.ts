/** Consumer groups: summaries, descriptions with lag per partition, and lag samples. */
import { z } from 'zod'
import { PartitionId, Timestamp } from './common'

export const GroupSummary = z.object({
  groupId: z.string(),
  state: z.string(),
  protocolType: z.string(),
  protocol: z.string(),
  members: z.number().int(),
  topics: z.array(z.string()),
  /** null when the group has no committed offsets. */
  totalLag: z.number().int().nullable(),
  coordinator: z.number().int().nullable(),
})

export const GroupPartitionLag = z.object({
  topic: z.string(),
  partition: PartitionId,
  committedOffset: z.number().int().nullable(),
  logStartOffset: z.number().int(),
  logEndOffset: z.number().int(),
  lag: z.number().int().nullable(),
  memberId: z.string().nullable(),
  clientId: z.string().nullable(),
  host: z.string().nullable(),
  metadata: z.string().nullable(),
  /** Why the log offsets of this partition could not be read (e.g. its leader is down); lag is null then. */
  unavailable: z.string().optional(),
})

export const GroupDescription = z.object({
  groupId: z.string(),
  state: z.string(),
  protocolType: z.string(),
  protocol: z.string(),
  coordinator: z.number().int().nullable(),
  members: z.array(
    z.object({
      memberId: z.string(),
      clientId: z.string(),
      clientHost: z.string(),
      assignments: z.array(z.object({ topic: z.string(), partitions: z.array(PartitionId) })),
    }),
  ),
  offsets: z.array(GroupPartitionLag),
  /** Sum of lag over the partitions with a committed offset (see committedPartitions). */
  totalLag: z.number().int().nullable(),
  /** What totalLag covers: partitions with a commit, and those of the group's topics without one. */
  committedPartitions: z.number().int().optional(),
  uncommittedPartitions: z.number().int().optional(),
  /** Messages in the log (end − start) of the partitions without a commit: where the group starts depends on auto.offset.reset. */
  uncommittedMessages: z.number().int().optional(),
})
export type GroupDescription = z.infer<typeof GroupDescription>

export const LagSample = z.object({
  /** Epoch ms. */
  t: Timestamp,
  totalLag: z.number().int(),
  byTopic: z.record(z.string(), z.number().int()),
  /** Messages on partitions of the group's topics that have no commit yet (not in totalLag). */
  uncommitted: z.number().int().optional(),
})
export type LagSample = z.infer<typeof LagSample>
