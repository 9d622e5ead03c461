// The WebSocket transport against a fake socket: request/response matching, error shapes,
// events, and what happens to requests when the socket drops and comes back.
import { describe, expect, it, vi } from 'vitest'
import { websocketTransport } from '../../src-renderer/src/api/transport'
import { ApiError, toApiError } from '../../src-renderer/src/api/errors'

class FakeSocket {
  static OPEN = 1
  static all: FakeSocket[] = []
  readyState = 0
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((ev: { data: string }) => void) | null = null
  onclose: ((ev: { code: number; reason: string }) => void) | null = null
  onerror: (() => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(m: string) {
    this.sent.push(m)
  }
  close() {
    this.readyState = 3
    this.onclose?.({ code: 1000, reason: '' })
  }
  open() {
    this.readyState = 1
    this.onopen?.()
  }
  reply(m: unknown) {
    this.onmessage?.({ data: JSON.stringify(m) })
  }
}

function setup() {
  FakeSocket.all = []
  const t = websocketTransport({
    url: 'ws://x/ws',
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    minBackoffMs: 1,
    maxBackoffMs: 2,
    timeoutMs: 1000,
  })
  return { t, sock: () => FakeSocket.all[FakeSocket.all.length - 1]! }
}

describe('websocket transport', () => {
  it('queues until open, matches replies by id and surfaces {code, message, field}', async () => {
    const { t, sock } = setup()
    const a = t.invoke('topics.list', { connectionId: 'embedded' })
    const b = t.invoke('topics.create', { connectionId: 'embedded', topic: '' })
    expect(sock().sent).toHaveLength(0)
    sock().open()
    expect(t.state.value).toBe('open')
    const [ma, mb] = sock().sent.map((s) => JSON.parse(s))
    expect(ma).toMatchObject({ channel: 'topics.list', payload: { connectionId: 'embedded' } })
    sock().reply({ id: mb.id, ok: false, error: { code: 'VALIDATION', message: 'topic: too short', field: 'topic' } })
    sock().reply({ id: ma.id, ok: true, result: { topics: [] } })
    await expect(a).resolves.toEqual({ topics: [] })
    const err = await b.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'VALIDATION', message: 'topic: too short', field: 'topic' })
  })

  it('delivers events and fails in-flight requests on disconnect, then reconnects', async () => {
    const { t, sock } = setup()
    sock().open()
    const fn = vi.fn()
    t.on('tail.messages', fn)
    const reconnected = vi.fn()
    t.on('transport.reconnected', reconnected)
    sock().reply({ event: 'tail.messages', payload: { tailId: 'x', messages: [] } })
    expect(fn).toHaveBeenCalledWith({ tailId: 'x', messages: [] })
    const p = t.invoke('cluster.overview', { connectionId: 'embedded' })
    const first = sock()
    first.readyState = 3
    first.onclose?.({ code: 1006, reason: '' })
    await expect(p).rejects.toMatchObject({ code: 'DISCONNECTED' })
    expect(t.state.value).toBe('reconnecting')
    await new Promise((r) => setTimeout(r, 10))
    expect(sock()).not.toBe(first)
    sock().open()
    expect(reconnected).toHaveBeenCalledOnce()
    t.close()
  })

  it('maps thrown things to ApiError', () => {
    expect(toApiError(new Error("Error invoking remote method 'x': Error: boom"))).toMatchObject({ code: 'INTERNAL', message: 'boom' })
    expect(toApiError({ code: 'AUTH', message: 'bad password' })).toMatchObject({ code: 'AUTH' })
    expect(toApiError('plain')).toMatchObject({ code: 'INTERNAL', message: 'plain' })
  })
})
