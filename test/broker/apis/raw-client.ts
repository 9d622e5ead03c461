// A tiny Kafka client for the APIs kafkajs lacks: one TCP connection, the project's codec,
// request header v2 for flexible versions (else v1), response header v1 for flexible versions
// (except ApiVersions, which always answers with header v0).
import { connect, type Socket } from 'node:net'
import { codecFor } from '../../../src-main/broker/protocol/codecs'
import { isFlexible } from '../../../src-main/broker/protocol/codec'
import { writeRequestHeader } from '../../../src-main/broker/protocol/header'
import { Reader } from '../../../src-main/broker/protocol/reader'
import { Writer } from '../../../src-main/broker/protocol/writer'

const API_VERSIONS = 18

export class RawClient {
  private buffered: Buffer = Buffer.alloc(0)
  private correlationId = 0
  private pending = new Map<number, { apiKey: number; version: number; resolve: (v: any) => void; reject: (e: Error) => void }>()
  private closedError?: Error

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => this.onData(d))
    const fail = (e: Error) => {
      this.closedError = e
      for (const p of this.pending.values()) p.reject(e)
      this.pending.clear()
    }
    socket.on('error', fail)
    socket.on('close', () => fail(new Error('connection closed')))
  }

  /** Connects to `host:port`. */
  static connect(address: string): Promise<RawClient> {
    const i = address.lastIndexOf(':')
    const host = address.slice(0, i)
    const port = Number(address.slice(i + 1))
    return new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => {
        s.off('error', reject)
        resolve(new RawClient(s))
      })
      s.once('error', reject)
    })
  }

  /** Sends one request and resolves with the decoded response body. */
  request(apiKey: number, version: number, body: Record<string, unknown>): Promise<any> {
    if (this.closedError) return Promise.reject(this.closedError)
    const codec = codecFor(apiKey)
    const correlationId = ++this.correlationId
    const w = new Writer()
    w.int32(0)
    const flexible = isFlexible(codec.request.spec, version)
    writeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId: 'raw-client' }, flexible ? 2 : 1)
    codec.request.at(version).encode(w, body)
    const chunks = w.finish()
    chunks[0].writeInt32BE(w.length - 4, 0)
    return new Promise((resolve, reject) => {
      this.pending.set(correlationId, { apiKey, version, resolve, reject })
      for (const c of chunks) this.socket.write(c)
    })
  }

  private onData(d: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, d]) : d
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0)
      if (this.buffered.length < 4 + size) return
      const frame = this.buffered.subarray(4, 4 + size)
      this.buffered = this.buffered.subarray(4 + size)
      const r = new Reader(frame)
      const correlationId = r.int32()
      const p = this.pending.get(correlationId)
      if (!p) continue
      this.pending.delete(correlationId)
      try {
        const codec = codecFor(p.apiKey)
        if (p.apiKey !== API_VERSIONS && isFlexible(codec.response.spec, p.version)) {
          let n = r.uvarint()
          while (n-- > 0) {
            r.uvarint()
            r.raw(r.uvarint())
          }
        }
        p.resolve(codec.response.decode(r, p.version))
      } catch (e) {
        p.reject(e as Error)
      }
    }
  }

  close(): void {
    this.socket.destroy()
  }
}
