/** How keys spread over a topic's partitions (hot keys and partitions). */
import { z } from 'zod'
import { PartitionId } from './common'

export const KeyDistribution = z.object({
  topic: z.string(),
  scanned: z.number().int(),
  partitions: z.array(
    z.object({
      partition: PartitionId,
      /** Records in the log (latest - earliest). */
      messages: z.number().int(),
      sampled: z.number().int(),
      distinctKeys: z.number().int(),
      nullKeys: z.number().int(),
      hot: z.boolean(),
    }),
  ),
  topKeys: z.array(z.object({ key: z.string(), count: z.number().int(), share: z.number(), partitions: z.array(PartitionId), hot: z.boolean() })),
  distinctKeyEstimate: z.number().int(),
  nullKeys: z.number().int(),
  skew: z.object({
    /** max / mean of per-partition message counts (1 = perfectly even). */
    partitionSkew: z.number(),
    /** Share of the sample taken by the most frequent key (0..1). */
    topKeyShare: z.number(),
    /** 0 (even) … 1 (all on one partition / key). */
    score: z.number(),
    level: z.enum(['ok', 'warning', 'hot']),
  }),
  hotPartitions: z.array(PartitionId),
  hotKeys: z.array(z.string()),
  advice: z.array(z.string()),
})
export type KeyDistribution = z.infer<typeof KeyDistribution>
