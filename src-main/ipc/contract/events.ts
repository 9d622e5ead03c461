/** The event streams (main → renderer): each event's name and payload schema. */
import { z } from 'zod'
import { NodeId, Timestamp } from './common'
import { ErrorShape } from './errors'
import { BrokerRunState, EmbeddedStatus } from './embedded'
import { Message } from './messages'
import { LagSample } from './groups'
import { ThroughputPoint } from './throughput'

export const events = {
  /** New messages of a live tail. */
  'tail.messages': z.object({ tailId: z.string(), messages: z.array(Message) }),
  'tail.status': z.object({ tailId: z.string(), state: z.enum(['running', 'stopped', 'error']), error: ErrorShape.optional() }),
  'search.progress': z.object({
    searchId: z.string(),
    scanned: z.number().int(),
    matched: z.number().int(),
    /** Records in range (upper bound of `scanned`). */
    total: z.number().int(),
    done: z.boolean(),
    cancelled: z.boolean(),
  }),
  /** Progress of a long operation (read, export) named by the caller's opId. */
  'operation.progress': z.object({ opId: z.string(), done: z.number().int(), total: z.number().int(), finished: z.boolean(), cancelled: z.boolean() }),
  'lag.sample': z.object({ connectionId: z.string(), groupId: z.string(), sample: LagSample }),
  'throughput.sample': z.object({ connectionId: z.string(), topic: z.string(), point: ThroughputPoint }),
  'cluster.event': z.discriminatedUnion('type', [
    z.object({ type: z.literal('embedded'), at: Timestamp, status: EmbeddedStatus }),
    z.object({ type: z.literal('broker'), at: Timestamp, nodeId: NodeId, state: BrokerRunState }),
    z.object({
      type: z.literal('connection'),
      at: Timestamp,
      connectionId: z.string(),
      state: z.enum(['open', 'closed', 'error']),
      message: z.string().optional(),
    }),
  ]),
} as const

export type Events = typeof events
export type EventName = keyof Events
export type EventOf<E extends EventName> = z.output<Events[E]>
export const eventNames = Object.keys(events) as EventName[]

export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventOf<E>): void
}
