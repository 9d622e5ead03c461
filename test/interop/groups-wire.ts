// A tiny Kafka client for the group tests: one TCP connection, requests encoded with the
// project's message declarations (client side only), answers decoded the same way. It lets
// the tests send exactly the request a case needs and compare error codes with real Kafka.
import { connect, type Socket } from 'node:net'
import { codecFor } from '../../src-main/broker/protocol/codecs'
import { isFlexible } from '../../src-main/broker/protocol/codec'
import { writeRequestHeader, skipHeaderTags } from '../../src-main/broker/protocol/header'
import { Reader } from '../../src-main/broker/protocol/reader'
import { Writer } from '../../src-main/broker/protocol/writer'

export class WireClient {
  private buf = Buffer.alloc(0)
  private waiting: ((frame: Buffer) => void)[] = []
  private correlation = 0

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d])
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const n = this.buf.readInt32BE(0)
        const frame = this.buf.subarray(4, 4 + n)
        this.buf = this.buf.subarray(4 + n)
        this.waiting.shift()?.(frame)
      }
    })
  }

  static open(hostPort: string): Promise<WireClient> {
    const [host, port] = hostPort.split(',')[0]!.split(':')
    return new Promise((res, rej) => {
      const s = connect(Number(port), host!, () => res(new WireClient(s)))
      s.once('error', rej)
    })
  }

  /** Sends one request and resolves with the decoded response body. */
  request(apiKey: number, version: number, body: object, clientId = 'groups-wire'): Promise<any> {
    const codec = codecFor(apiKey)
    const flexible = isFlexible(codec.request.spec, version)
    const w = new Writer()
    w.int32(0)
    const correlationId = ++this.correlation
    writeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId }, flexible ? 2 : 1)
    codec.request.at(version).encode(w, body)
    const out = w.toBuffer()
    out.writeInt32BE(out.length - 4, 0)
    return new Promise((res, rej) => {
      this.waiting.push((frame) => {
        try {
          const r = new Reader(frame)
          if (r.int32() !== correlationId) throw new Error('correlation id mismatch')
          if (flexible && apiKey !== 18) skipHeaderTags(r)
          res(codec.response.decode(r, version))
        } catch (e) {
          rej(e)
        }
      })
      this.socket.write(out)
    })
  }

  close(): void {
    this.socket.destroy()
  }
}

/** Kafka's retriable coordinator errors: not loaded yet, not available, moved. */
export const COORDINATOR_RETRIABLE = new Set([14, 15, 16])

export async function retry<T>(fn: () => Promise<T>, ok: (t: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const r = await fn()
    if (ok(r) || Date.now() > deadline) return r
    await new Promise((res) => setTimeout(res, 200))
  }
}
