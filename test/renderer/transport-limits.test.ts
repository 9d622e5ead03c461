// The web transport refuses a request the server would close the socket for (over 16 MiB),
// with a clear error and without sending it; and its limit is the server's.
import { describe, expect, it } from 'vitest'
import { MAX_MESSAGE_BYTES, websocketTransport } from '../../src-renderer/src/api/transport'
import { MAX_MESSAGE_BYTES as SERVER_MAX } from '../../src-main/ipc/web-limits'

class OpenSocket {
  static OPEN = 1
  static last: OpenSocket | null = null
  readyState = 1
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((ev: { data: string }) => void) | null = null
  onclose: ((ev: { code: number; reason: string }) => void) | null = null
  onerror: (() => void) | null = null
  constructor(readonly url: string) {
    OpenSocket.last = this
    setTimeout(() => this.onopen?.(), 0)
  }
  send(m: string) {
    this.sent.push(m)
    const { id } = JSON.parse(m) as { id: number }
    setTimeout(() => this.onmessage?.({ data: JSON.stringify({ id, ok: true, result: 'sent' }) }), 0)
  }
  close() {}
}

describe('web transport message size', () => {
  it('is the server’s limit', () => {
    expect(MAX_MESSAGE_BYTES).toBe(SERVER_MAX)
  })

  it('refuses a request over the limit without sending it, counting UTF-8 bytes; smaller ones go', async () => {
    const t = websocketTransport({ url: 'ws://x/ws', WebSocketImpl: OpenSocket as unknown as typeof WebSocket, timeoutMs: 5000 })
    await new Promise((r) => setTimeout(r, 5))
    const sock = OpenSocket.last!
    // 6 M three-byte characters: 6 M UTF-16 units but 18 MiB of UTF-8.
    const big = { value: '€'.repeat(6 * 1024 * 1024) }
    await expect(t.invoke('produce.send', big)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/at most 16 MiB/) })
    expect(sock.sent).toHaveLength(0)
    await expect(t.invoke('produce.send', { value: 'x'.repeat(1024 * 1024) })).resolves.toBe('sent')
    expect(sock.sent).toHaveLength(1)
    t.close()
  })
})
