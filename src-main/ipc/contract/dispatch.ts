/** Handlers, request validation and dispatch: what both bindings (Electron and web) run. */
import type { EventSink } from './events'
import { channels, isChannel, type ChannelName, type RequestOf, type ResponseOf } from './channels'
import { toErrorShape, zodToShape, type Result } from './errors'

/** Per-call context given to handlers by the binding. */
export interface HandlerContext {
  /** Where events for this caller go (one window / one WebSocket). */
  sink: EventSink
  /** Identifies the caller (window id / socket id) so its tails/searches end when it goes away. */
  clientId: string
}

export type Handlers = { [C in ChannelName]: (req: RequestOf<C>, ctx: HandlerContext) => Promise<ResponseOf<C>> }

/** Parses a request; the error names the first offending field path (e.g. "messages.0.value.format"). */
export function validateRequest<C extends ChannelName>(channel: C, payload: unknown): Result<RequestOf<C>> {
  if (!isChannel(channel)) return { ok: false, error: { code: 'VALIDATION', message: `unknown channel ${String(channel)}`, field: 'channel' } }
  const parsed = channels[channel].request.safeParse(payload ?? {})
  if (parsed.success) return { ok: true, value: parsed.data as RequestOf<C> }
  return { ok: false, error: zodToShape(parsed.error) }
}

/**
 * Validates, calls the handler, and returns a Result; never throws. Bindings (Electron, web)
 * use this so both behave the same.
 */
export async function dispatch(handlers: Handlers, channel: string, payload: unknown, ctx: HandlerContext): Promise<Result<unknown>> {
  if (!isChannel(channel)) return { ok: false, error: { code: 'VALIDATION', message: `unknown channel ${channel}`, field: 'channel' } }
  const v = validateRequest(channel, payload)
  if (!v.ok) return v
  try {
    const handler = handlers[channel] as (req: unknown, ctx: HandlerContext) => Promise<unknown>
    return { ok: true, value: await handler(v.value, ctx) }
  } catch (e) {
    return { ok: false, error: toErrorShape(e) }
  }
}
