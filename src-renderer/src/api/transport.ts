// Two ways to reach the contract: the Electron preload bridge, or a WebSocket to
// `kafkadesk serve` at the page's own origin. Both present the same small interface.
import { ref, type Ref } from 'vue'
import { ApiError, toApiError, type ApiErrorShape } from './errors'

export type TransportState = 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface Transport {
  readonly kind: 'electron' | 'websocket'
  readonly state: Ref<TransportState>
  invoke(channel: string, payload: unknown): Promise<unknown>
  on(event: string, fn: (payload: unknown) => void): () => void
  close(): void
}

type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape }

function isEnvelope(v: unknown): v is Envelope {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o.ok === 'boolean' && (('result' in o && o.ok === true) || ('error' in o && o.ok === false)) && Object.keys(o).length <= 3
}

function unwrap(v: unknown): unknown {
  if (!isEnvelope(v)) return v
  if (v.ok) return v.result
  throw new ApiError(v.error)
}

/** window.kafkadesk from the preload (contextBridge). Results may come bare or as {ok,result|error} envelopes. */
export function electronTransport(bridge: KafkadeskBridge): Transport {
  const state = ref<TransportState>('open')
  return {
    kind: 'electron',
    state,
    async invoke(channel, payload) {
      let raw: unknown
      try {
        raw = await bridge.invoke(channel, payload)
      } catch (e) {
        throw toApiError(e)
      }
      return unwrap(raw)
    },
    on(event, fn) {
      return bridge.on(event, fn)
    },
    close() {},
  }
}

export interface WsOptions {
  url: string
  /** WebSocket subprotocols to offer (the token rides in one; see defaultTransport). */
  protocols?: string[]
  /** Per-request timeout in ms. */
  timeoutMs?: number
  /** Reconnect backoff bounds in ms. */
  minBackoffMs?: number
  maxBackoffMs?: number
  WebSocketImpl?: typeof WebSocket
}

interface Pending {
  resolve(v: unknown): void
  reject(e: ApiError): void
  timer: ReturnType<typeof setTimeout>
}

/**
 * WebSocket transport: requests {id, channel, payload} → {id, ok, result|error}; events
 * {event, payload}. Requests made while disconnected wait for the socket (up to their
 * timeout); requests in flight when the socket drops fail with DISCONNECTED, since the
 * server may or may not have run them. Reconnects with capped exponential backoff, and
 * emits a local "transport.reconnected" event so stores can resubscribe streams.
 */
export function websocketTransport(opts: WsOptions): Transport {
  const WS = opts.WebSocketImpl ?? WebSocket
  const timeoutMs = opts.timeoutMs ?? 60_000
  const minB = opts.minBackoffMs ?? 250
  const maxB = opts.maxBackoffMs ?? 5000
  const state = ref<TransportState>('connecting')
  const pending = new Map<number, Pending>()
  const queue: string[] = []
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  let nextId = 1
  let socket: WebSocket | null = null
  let backoff = minB
  let closed = false
  let everOpened = false
  /** Sockets in a row that closed without opening, and whether the page was told. */
  let failedInARow = 0
  let toldUnreachable = false

  function emit(event: string, payload: unknown) {
    for (const fn of listeners.get(event) ?? []) {
      try {
        fn(payload)
      } catch (e) {
        console.error(`listener for ${event} failed`, e)
      }
    }
  }

  function connect() {
    if (closed) return
    state.value = everOpened ? 'reconnecting' : 'connecting'
    const ws = opts.protocols ? new WS(opts.url, opts.protocols) : new WS(opts.url)
    socket = ws
    let opened = false
    ws.onopen = () => {
      opened = true
      failedInARow = 0
      toldUnreachable = false
      backoff = minB
      state.value = 'open'
      for (const m of queue.splice(0)) ws.send(m)
      if (everOpened) emit('transport.reconnected', null)
      everOpened = true
    }
    ws.onmessage = (ev) => {
      let msg: Record<string, unknown>
      try {
        msg = JSON.parse(String(ev.data)) as Record<string, unknown>
      } catch {
        return
      }
      if (typeof msg.event === 'string') {
        emit(msg.event, msg.payload)
        return
      }
      const id = msg.id as number
      const p = pending.get(id)
      if (!p) return
      pending.delete(id)
      clearTimeout(p.timer)
      if (msg.ok) p.resolve(msg.result)
      else p.reject(toApiError(msg.error ?? { code: 'INTERNAL', message: 'Malformed error from server' }))
    }
    ws.onclose = (ev) => {
      if (socket !== ws) return
      socket = null
      for (const [id, p] of pending) {
        clearTimeout(p.timer)
        p.reject(new ApiError({ code: 'DISCONNECTED', message: 'Lost the connection to Kafkadesk; the request may or may not have completed' }))
        pending.delete(id)
      }
      if (closed) {
        state.value = 'closed'
        return
      }
      // 4401/4403: the server refused the token; retrying won't help.
      if (ev.code === 4401 || ev.code === 4403 || ev.code === 1008) {
        state.value = 'closed'
        emit('transport.refused', { code: ev.code, reason: ev.reason })
        return
      }
      // A refused upgrade (wrong or stale token: the server restarted, and each launch has a new
      // one) looks like a network failure to the page. After a few in a row, tell the page once
      // which URL to open, and keep trying in case the server was only away.
      if (!opened && ++failedInARow >= UNREACHABLE_AFTER && !toldUnreachable) {
        toldUnreachable = true
        emit('transport.refused', { code: ev.code, reason: 'Kafkadesk did not accept the connection: it is not running, or it restarted with a new token' })
      }
      state.value = 'reconnecting'
      setTimeout(connect, backoff)
      backoff = Math.min(maxB, backoff * 2)
    }
    ws.onerror = () => {
      /* onclose follows and handles it */
    }
  }

  connect()

  return {
    kind: 'websocket',
    state,
    invoke(channel, payload) {
      return new Promise((resolve, reject) => {
        const id = nextId++
        const timer = setTimeout(() => {
          if (pending.delete(id))
            reject(new ApiError({ code: 'TIMEOUT', message: `No answer from Kafkadesk for ${channel} within ${Math.round(timeoutMs / 1000)} s` }))
        }, timeoutMs)
        const msg = JSON.stringify({ id, channel, payload })
        // The server closes a socket that sends more (src-main/ipc/web-limits.ts); say so instead.
        const bytes = msg.length * 3 > MAX_MESSAGE_BYTES ? new TextEncoder().encode(msg).length : msg.length
        if (bytes > MAX_MESSAGE_BYTES) {
          clearTimeout(timer)
          reject(
            new ApiError({
              code: 'VALIDATION',
              message: `This request is ${(bytes / 1048576).toFixed(1)} MiB; Kafkadesk in the browser takes at most ${MAX_MESSAGE_BYTES / 1048576} MiB per request`,
            }),
          )
          return
        }
        pending.set(id, { resolve, reject, timer })
        if (socket && socket.readyState === WS.OPEN) socket.send(msg)
        else if (closed || state.value === 'closed') {
          pending.delete(id)
          clearTimeout(timer)
          reject(new ApiError({ code: 'DISCONNECTED', message: 'Not connected to Kafkadesk' }))
        } else queue.push(msg)
      })
    },
    on(event, fn) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(fn)
      return () => set.delete(fn)
    },
    close() {
      closed = true
      socket?.close()
    },
  }
}

/** Failed connection attempts in a row before the page is told to open the printed URL again. */
export const UNREACHABLE_AFTER = 3

/** The largest message the server takes (MAX_MESSAGE_BYTES in src-main/ipc/web-limits.ts). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

/** Path of the WebSocket endpoint on the `kafkadesk serve` origin. */
export const WS_PATH = '/ws'
/** The subprotocol the server selects, and the prefix of the one carrying the token (src-main/ipc/web.ts). */
export const WS_PROTOCOL = 'kafkadesk'
export const WS_TOKEN_PROTOCOL_PREFIX = 'kafkadesk.token.'
const TOKEN_KEY = 'kafkadesk.token'

/**
 * The web-mode token of this tab. The printed URL carries it as ?token=; it moves to this tab's
 * sessionStorage (so a reload still works) and out of the address bar, history and bookmarks.
 * It is never a cookie: cookies ignore ports and would go to every server on 127.0.0.1.
 */
export function takeToken(
  loc: Pick<Location, 'search' | 'href'> = location,
  storage: Storage = sessionStorage,
  hist: Pick<History, 'replaceState' | 'state'> = history,
): string | null {
  const url = new URL(loc.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    hist.replaceState(hist.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return storage.getItem(TOKEN_KEY)
}

/** Picks the transport for this page: the preload bridge when present, else a WebSocket back to the serving origin that presents the tab's token. */
export function defaultTransport(): Transport {
  if (window.kafkadesk) return electronTransport(window.kafkadesk)
  const token = takeToken()
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const url = `${proto}//${location.host}${WS_PATH}`
  if (!token) return refusedTransport()
  return websocketTransport({ url, protocols: [WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX + token] })
}

/** No token in this tab (the page was opened without the printed URL): every call fails, and listeners hear it once. */
function refusedTransport(): Transport {
  const state = ref<TransportState>('closed')
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const refusal = { code: 4401, reason: 'no token: open the URL that `kafkadesk serve` printed' }
  return {
    kind: 'websocket',
    state,
    invoke: () =>
      Promise.reject(
        new ApiError({
          code: 'DISCONNECTED',
          message: 'Not connected to Kafkadesk: open the URL that `kafkadesk serve` printed (it carries the access token)',
        }),
      ),
    on(event, fn) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(fn)
      // Subscribers come after the transport is made: tell them on the next turn.
      if (event === 'transport.refused') setTimeout(() => set.has(fn) && fn(refusal), 0)
      return () => set.delete(fn)
    },
    close() {},
  }
}
