// A minimal Kafka wire client for tests that need exact requests (hostile sizes, counts, bytes):
// it encodes with the project's codecs, sends over a real socket and decodes the answer.
import { connect, type Socket } from 'node:net'
import { codecFor } from '../../../src-main/broker/protocol/codecs'
import { isFlexible } from '../../../src-main/broker/protocol/codec'
import { Writer } from '../../../src-main/broker/protocol/writer'
import { Reader } from '../../../src-main/broker/protocol/reader'
import { writeRequestHeader } from '../../../src-main/broker/protocol/header'

const API_VERSIONS = 18

/** The bytes of one request frame (size prefix included). */
export function encodeRequest(apiKey: number, apiVersion: number, body: unknown, correlationId = 1, clientId = 'wire-test'): Buffer {
  const codec = codecFor(apiKey)
  const w = new Writer()
  w.int32(0)
  writeRequestHeader(w, { apiKey, apiVersion, correlationId, clientId }, isFlexible(codec.request.spec, apiVersion) ? 2 : 1)
  codec.request.at(apiVersion).encode(w, body)
  const frame = w.toBuffer()
  frame.writeInt32BE(frame.length - 4, 0)
  return frame
}

/** One connection; requests are answered in order, so one pending promise per correlation id. */
export class WireClient {
  private buffered: Buffer[] = []
  private size = 0
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>()
  closed = false

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true)
    socket.on('data', (d) => this.onData(d))
    const fail = (): void => {
      this.closed = true
      for (const p of this.pending.values()) p.reject(new Error('connection closed'))
      this.pending.clear()
    }
    socket.on('close', fail)
    socket.on('error', fail)
  }

  static connect(host: string, port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host)
      s.once('connect', () => resolve(new WireClient(s)))
      s.once('error', reject)
    })
  }

  private onData(d: Buffer): void {
    this.buffered.push(d)
    this.size += d.length
    for (;;) {
      if (this.size < 4) return
      let all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered)
      const n = all.readInt32BE(0)
      if (this.size < 4 + n) {
        this.buffered = [all]
        return
      }
      const frame = all.subarray(4, 4 + n)
      all = all.subarray(4 + n)
      this.buffered = all.length > 0 ? [all] : []
      this.size = all.length
      const id = frame.readInt32BE(0)
      const p = this.pending.get(id)
      this.pending.delete(id)
      p?.resolve(frame)
    }
  }

  /** Sends a request and decodes its response body. */
  async request<T = Record<string, unknown>>(apiKey: number, apiVersion: number, body: unknown): Promise<T> {
    const id = this.nextId++
    const frame = encodeRequest(apiKey, apiVersion, body, id)
    const raw = await this.send(frame, id)
    const codec = codecFor(apiKey)
    const r = new Reader(raw)
    r.int32()
    // ApiVersions answers always use response header v0.
    if (apiKey !== API_VERSIONS && isFlexible(codec.response.spec, apiVersion)) {
      let tags = r.uvarint()
      while (tags-- > 0) {
        r.uvarint()
        r.raw(r.uvarint())
      }
    }
    return codec.response.decode(r, apiVersion) as T
  }

  /** Writes raw bytes and waits for the response with correlation id `id` (its raw frame). */
  send(bytes: Buffer, id: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('connection closed'))
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.socket.write(bytes)
    })
  }

  /** Writes bytes without waiting for anything. */
  write(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes)
  }

  /** Resolves when the broker closes the connection, or false after `ms`. */
  closedWithin(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true)
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms)
      this.socket.once('close', () => {
        clearTimeout(t)
        resolve(true)
      })
    })
  }

  close(): void {
    this.closed = true
    this.socket.destroy()
  }
}
