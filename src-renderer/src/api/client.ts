// The typed client: one call per contract channel, one subscription per event stream.
import type { ChannelName, EventName, EventOf, RequestInputOf, ResponseOf } from './types'
import { toApiError } from './errors'
import { defaultTransport, type Transport } from './transport'

export interface Client {
  readonly transport: Transport
  call<C extends ChannelName>(channel: C, request: RequestInputOf<C>): Promise<ResponseOf<C>>
  on<E extends EventName>(event: E, fn: (payload: EventOf<E>) => void): () => void
  /** Local transport events: reconnected (resubscribe streams), refused (bad token). */
  onTransport(event: 'transport.reconnected' | 'transport.refused', fn: (payload: unknown) => void): () => void
}

export function createClient(transport: Transport): Client {
  return {
    transport,
    async call(channel, request) {
      try {
        return (await transport.invoke(channel, request)) as never
      } catch (e) {
        throw toApiError(e)
      }
    },
    on(event, fn) {
      return transport.on(event, fn as (p: unknown) => void)
    },
    onTransport(event, fn) {
      return transport.on(event, fn)
    },
  }
}

let instance: Client | null = null

/** The app's client, created on first use from the page's environment (preload bridge or WebSocket). */
export function api(): Client {
  if (!instance) instance = createClient(defaultTransport())
  return instance
}

/** For tests: use a given client. */
export function setClient(c: Client): void {
  instance = c
}
