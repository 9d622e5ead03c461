/** Resetting a group's committed offsets: the modes, the request and the plan. */
import { z } from 'zod'
import { ConnectionId, GroupId, Id, Offset, PartitionId, TopicName } from './common'

export const ResetMode = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('earliest') }),
  z.object({ mode: z.literal('latest') }),
  z.object({ mode: z.literal('current') }),
  z.object({ mode: z.literal('offset'), offset: Offset }),
  z.object({ mode: z.literal('shift-by'), shift: z.number().int() }),
  /** ISO-8601 date-time, e.g. 2024-05-01T12:00:00.000Z (or with an offset). */
  z.object({ mode: z.literal('datetime'), datetime: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 date-time') }),
  /** ISO-8601 duration back from now, e.g. PT10M, P1DT2H (Kafka's --by-duration). */
  z.object({
    mode: z.literal('duration'),
    duration: z.string().regex(/^-?P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, 'expected an ISO-8601 duration like PT10M or P1DT2H'),
  }),
  /** CSV text as kafka-consumer-groups --from-file reads it: topic,partition,offset per line. */
  z.object({ mode: z.literal('file'), csv: z.string().min(1) }),
])
export type ResetMode = z.infer<typeof ResetMode>

export const ResetRequest = z.object({
  connectionId: ConnectionId,
  groupId: GroupId,
  /** Topics (optionally some partitions) to reset; omit with allTopics for every committed topic. */
  topics: z.array(z.object({ topic: TopicName, partitions: z.array(PartitionId).optional() })).optional(),
  allTopics: z.boolean().default(false),
  reset: ResetMode,
  /**
   * Names the reset so it reports `operation.progress` and can be stopped with
   * `operations.cancel` until its commit is sent (the commit is one request: all or nothing).
   */
  opId: Id.optional(),
})
export type ResetRequest = z.infer<typeof ResetRequest>

export const ResetPlan = z.object({
  groupId: z.string(),
  state: z.string(),
  /** False while the group has active members (state not Empty/Dead); `reason` says why. */
  canExecute: z.boolean(),
  reason: z.string().optional(),
  partitions: z.array(
    z.object({
      topic: z.string(),
      partition: PartitionId,
      currentOffset: z.number().int().nullable(),
      newOffset: z.number().int(),
      logStartOffset: z.number().int(),
      logEndOffset: z.number().int(),
      /** The target was outside [logStart, logEnd] and was clamped, like Kafka's tool does. */
      clamped: z.boolean(),
    }),
  ),
  executed: z.boolean(),
  /** CSV lines (--from-file) that cannot be applied; any of them blocks execution, as Kafka's tool refuses. */
  problems: z.array(z.object({ line: z.number().int(), text: z.string(), reason: z.string() })).optional(),
})
export type ResetPlan = z.infer<typeof ResetPlan>
