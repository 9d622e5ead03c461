/** Throughput series sampled from log end offsets. */
import { z } from 'zod'
import { PartitionId, Timestamp } from './common'

export const ThroughputPoint = z.object({
  t: Timestamp,
  messagesPerSec: z.number(),
  /** null when sizes are not available from the cluster. */
  bytesPerSec: z.number().nullable(),
})

export const ThroughputSeries = z.object({
  intervalMs: z.number().int(),
  series: z.array(z.object({ topic: z.string(), partition: PartitionId.nullable(), points: z.array(ThroughputPoint) })),
})
