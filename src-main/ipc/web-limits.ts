// Limits of one web-mode WebSocket, so one page (or anything holding the token) cannot take the
// process's memory or the other clients' turn.

/**
 * The largest message a socket may send. The biggest legitimate one is a produce.send from the
 * produce dialog: records the broker accepts are at most message.max.bytes (1 MiB by default,
 * Kafka's 1048588) each, and a value typed as hex or base64 costs 2× or 4/3× that in JSON. 16 MiB
 * leaves room for a batch of such records and is refused by `ws` from the frame header, before
 * any of it is buffered (64 MiB messages used to be buffered and parsed on the shared event loop).
 */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

/** Live tails plus running searches one socket may have at once; each holds a consumer. */
export const MAX_STREAMS_PER_SOCKET = 16

/** Channels that start a stream of events for the caller, and the one that ends a tail. */
const TAIL_START = 'messages.tailStart'
const TAIL_STOP = 'messages.tailStop'
const SEARCH = 'messages.search'

/**
 * Counts one socket's streams. A tail counts from its start call until tailStop or its final
 * tail.status event (stopped or error); a search counts while its call runs.
 */
export class SocketStreams {
  private readonly tails = new Set<string>()
  private pending = 0

  constructor(private readonly max = MAX_STREAMS_PER_SOCKET) {}

  get size(): number {
    return this.tails.size + this.pending
  }

  /** Before a call: a refusal message when it would start one stream too many, else null. */
  admit(channel: string): string | null {
    if (channel !== TAIL_START && channel !== SEARCH) return null
    if (this.size >= this.max) return `this connection already has ${this.size} live tails and searches (at most ${this.max}); stop one first`
    this.pending++
    return null
  }

  /** After a call: what it started or ended. */
  settled(channel: string, payload: unknown, result: unknown, ok: boolean): void {
    if (channel === TAIL_START || channel === SEARCH) this.pending--
    if (channel === TAIL_START && ok) {
      const id = field(result, 'tailId')
      if (id !== null) this.tails.add(id)
    }
    if (channel === TAIL_STOP) {
      const id = field(payload, 'tailId')
      if (id !== null) this.tails.delete(id)
    }
  }

  /** Every event sent to this socket: a tail that stopped or failed no longer counts. */
  event(event: string, payload: unknown): void {
    if (event !== 'tail.status') return
    const state = field(payload, 'state')
    const id = field(payload, 'tailId')
    if (id !== null && (state === 'stopped' || state === 'error')) this.tails.delete(id)
  }
}

function field(v: unknown, name: string): string | null {
  if (typeof v !== 'object' || v === null) return null
  const x = (v as Record<string, unknown>)[name]
  return typeof x === 'string' ? x : null
}

/** A request target for logs: the path only, since a query may carry the token. */
export function redactUrl(url: string | undefined): string {
  if (url === undefined) return '?'
  const q = url.search(/[?#]/)
  return q < 0 ? url : `${url.slice(0, q)}?…`
}
