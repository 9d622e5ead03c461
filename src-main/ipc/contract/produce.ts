/** Producing: how input becomes bytes, the messages to send, and the result. */
import { z } from 'zod'
import { PartitionId, Timestamp } from './common'

export const CompressionName = z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd'])
export type CompressionName = z.infer<typeof CompressionName>

/** How to turn user input into bytes when producing. */
export const Encoding = z.enum(['string', 'json', 'hex', 'base64', 'number'])
export type Encoding = z.infer<typeof Encoding>

export const Payload = z.object({ format: Encoding, data: z.string() })
export type Payload = z.infer<typeof Payload>

export const ProduceMessage = z.object({
  key: Payload.nullable().optional(),
  value: Payload.nullable(),
  headers: z.array(z.object({ key: z.string().min(1), value: z.string() })).default([]),
  /** Omit for key-based (murmur2) or round-robin partitioning, like the Java client. */
  partition: PartitionId.optional(),
  timestamp: Timestamp.optional(),
})
export type ProduceMessage = z.infer<typeof ProduceMessage>

/** Compression and acks, shared by every produce channel. */
export const ProduceOptions = {
  compression: CompressionName.default('none'),
  acks: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(-1),
}

export const ProduceResult = z.object({
  topic: z.string(),
  /** Per partition the base offset of what was written (null with acks=0). */
  partitions: z.array(z.object({ partition: PartitionId, baseOffset: z.number().int().nullable(), count: z.number().int() })),
  produced: z.number().int(),
  durationMs: z.number(),
})
export type ProduceResult = z.infer<typeof ProduceResult>
