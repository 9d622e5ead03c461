// A socket refused at the upgrade (a stale token after the server restarted) closes like a
// network failure. After UNREACHABLE_AFTER such closes in a row the page hears
// transport.refused once (so it can say which URL to open), and the transport keeps trying.
import { describe, expect, it } from 'vitest'
import { UNREACHABLE_AFTER, websocketTransport } from '../../src-renderer/src/api/transport'

class RefusedSocket {
  static OPEN = 1
  static made = 0
  static accept = false
  readyState = 0
  onopen: (() => void) | null = null
  onmessage: ((ev: { data: string }) => void) | null = null
  onclose: ((ev: { code: number; reason: string }) => void) | null = null
  onerror: (() => void) | null = null
  constructor(readonly url: string) {
    RefusedSocket.made++
    setTimeout(() => {
      if (RefusedSocket.accept) {
        this.readyState = 1
        this.onopen?.()
      } else this.onclose?.({ code: 1006, reason: '' })
    }, 0)
  }
  send() {}
  close() {
    this.onclose?.({ code: 1000, reason: '' })
  }
}

describe('web transport that cannot connect', () => {
  it('tells the page once after a few failures, keeps retrying, and starts over once open', async () => {
    const t = websocketTransport({ url: 'ws://x/ws', WebSocketImpl: RefusedSocket as unknown as typeof WebSocket, minBackoffMs: 1, maxBackoffMs: 2 })
    const refused: unknown[] = []
    t.on('transport.refused', (p) => refused.push(p))
    for (let i = 0; i < 200 && RefusedSocket.made < UNREACHABLE_AFTER + 3; i++) await new Promise((r) => setTimeout(r, 5))
    expect(RefusedSocket.made).toBeGreaterThanOrEqual(UNREACHABLE_AFTER + 3)
    expect(refused).toHaveLength(1)
    expect(refused[0]).toMatchObject({ reason: expect.stringMatching(/new token/) })
    // Still trying: between attempts it waits ('reconnecting'), at an attempt it is 'connecting';
    // with backoffs of 1-2 ms which of the two the loop above stops on is a matter of timing.
    expect(['reconnecting', 'connecting']).toContain(t.state.value)
    const made = RefusedSocket.made
    for (let i = 0; i < 200 && RefusedSocket.made === made; i++) await new Promise((r) => setTimeout(r, 5))
    expect(RefusedSocket.made).toBeGreaterThan(made)
    expect(refused).toHaveLength(1)
    RefusedSocket.accept = true
    for (let i = 0; i < 200 && t.state.value !== 'open'; i++) await new Promise((r) => setTimeout(r, 5))
    expect(t.state.value).toBe('open')
    t.close()
  })
})
