// The connection a broker opens to another broker (a follower to its leader): Kafka requests
// over TCP with the project's codec, one request at a time per connection, the version of each
// API the lesser of ours and the peer's (from ApiVersions). On an SSL/SASL_SSL inter-broker
// listener the socket is TLS, and on a SASL one the broker authenticates with its own
// credentials right after ApiVersions (security/inter-broker-security.ts).
import { connect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { type PeerSecurity, saslClientExchange } from '../security/inter-broker-security'
import { codecFor } from '../protocol/codecs'
import { isFlexible } from '../protocol/codec'
import { writeRequestHeader, skipHeaderTags } from '../protocol/header'
import { Reader } from '../protocol/reader'
import { Writer } from '../protocol/writer'
import { parseVersions } from '../protocol/schema'
import { messages } from '../protocol/messages/index'

const API_VERSIONS = 18
const SASL_HANDSHAKE = 17
const SASL_AUTHENTICATE = 36

interface Pending {
  apiKey: number
  version: number
  resolve: (body: unknown) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
}

interface ApiVersionsBody {
  errorCode: number
  apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[]
}

export class BrokerClient {
  private chunks: Buffer[] = []
  private bytes = 0
  private correlationId = 0
  private readonly pending = new Map<number, Pending>()
  private readonly versions = new Map<number, number>()
  private closedError: Error | null = null

  private constructor(
    private readonly socket: Socket,
    private readonly clientId: string,
  ) {
    socket.on('data', (d: Buffer) => this.onData(d))
    const fail = (e: Error) => {
      this.closedError ??= e
      for (const p of this.pending.values()) {
        clearTimeout(p.timer)
        p.reject(this.closedError)
      }
      this.pending.clear()
    }
    socket.on('error', fail)
    socket.on('close', () => fail(new Error('connection closed')))
  }

  get closed(): boolean {
    return this.closedError !== null
  }

  static async connect(host: string, port: number, clientId: string, timeoutMs: number, security?: PeerSecurity): Promise<BrokerClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const tls = security?.tls
      // servername: SNI takes host names only; an IP address is still checked against the certificate's IP SANs.
      const s = tls ? tlsConnect({ ...tls, host, port, servername: /^[\d.]+$|:/.test(host) ? undefined : host }) : connect({ host, port })
      const timer = setTimeout(() => {
        s.destroy()
        reject(new Error(`connecting to ${host}:${port} timed out`))
      }, timeoutMs)
      s.once(tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer)
        s.off('error', onError)
        resolve(s)
      })
      const onError = (e: Error) => {
        clearTimeout(timer)
        reject(e)
      }
      s.once('error', onError)
    })
    socket.setNoDelay(true)
    const c = new BrokerClient(socket, clientId)
    try {
      const av = (await c.send(API_VERSIONS, 0, {}, timeoutMs)) as ApiVersionsBody
      if (av.errorCode !== 0) throw new Error(`ApiVersions failed with error code ${av.errorCode}`)
      for (const k of av.apiKeys) {
        if (!messages[k.apiKey]) continue
        c.versions.set(k.apiKey, Math.min(k.maxVersion, parseVersions(messages[k.apiKey]!.request.validVersions).max))
      }
      if (security?.sasl) await c.authenticate(security.sasl, timeoutMs)
    } catch (e) {
      c.close()
      throw e
    }
    return c
  }

  private async authenticate(sasl: NonNullable<PeerSecurity['sasl']>, timeoutMs: number): Promise<void> {
    const hs = (await this.request(SASL_HANDSHAKE, { mechanism: sasl.mechanism }, timeoutMs, 1)).body as { errorCode: number; mechanisms: string[] }
    if (hs.errorCode !== 0) throw new Error(`the peer does not enable SASL mechanism ${sasl.mechanism} (it offers ${hs.mechanisms.join(', ')})`)
    await saslClientExchange(sasl, async (authBytes) => {
      const r = (await this.request(SASL_AUTHENTICATE, { authBytes }, timeoutMs)).body as { errorCode: number; errorMessage: string | null; authBytes: Buffer }
      if (r.errorCode !== 0) throw new Error(`inter-broker SASL authentication as ${sasl.username} failed: ${r.errorMessage ?? `error code ${r.errorCode}`}`)
      return r.authBytes
    })
  }

  /** The version used for an API: the highest both sides know, at most `max`. */
  version(apiKey: number, max = 0x7fff): number {
    const v = this.versions.get(apiKey)
    if (v === undefined) throw new Error(`the peer does not serve API key ${apiKey}`)
    return Math.min(v, max)
  }

  request(apiKey: number, body: object, timeoutMs: number, maxVersion?: number): Promise<{ version: number; body: unknown }> {
    const version = this.version(apiKey, maxVersion)
    return this.send(apiKey, version, body, timeoutMs).then((b) => ({ version, body: b }))
  }

  private send(apiKey: number, version: number, body: object, timeoutMs: number): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError)
    const codec = codecFor(apiKey)
    const correlationId = ++this.correlationId
    const w = new Writer()
    w.int32(0)
    writeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId: this.clientId }, isFlexible(codec.request.spec, version) ? 2 : 1)
    codec.request.at(version).encode(w, body)
    const chunks = w.finish()
    chunks[0]!.writeInt32BE(w.length - 4, 0)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId)
        reject(new Error(`request (API key ${apiKey}) timed out after ${timeoutMs} ms`))
        // A late answer would mismatch nothing, but the peer is in trouble: start over.
        this.close()
      }, timeoutMs)
      this.pending.set(correlationId, { apiKey, version, resolve, reject, timer })
      this.socket.cork()
      for (const c of chunks) this.socket.write(c)
      this.socket.uncork()
    })
  }

  private onData(d: Buffer): void {
    this.chunks.push(d)
    this.bytes += d.length
    for (;;) {
      if (this.bytes < 4) return
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : Buffer.concat(this.chunks)
      const size = head.readInt32BE(0)
      if (this.bytes < 4 + size) return
      // Joined once per complete frame, not per chunk.
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes)
      const frame = all.subarray(4, 4 + size)
      const rest = all.subarray(4 + size)
      this.chunks = rest.length ? [rest] : []
      this.bytes = rest.length
      this.handleFrame(frame)
    }
  }

  private handleFrame(frame: Buffer): void {
    const r = new Reader(frame)
    const correlationId = r.int32()
    const p = this.pending.get(correlationId)
    if (!p) return
    this.pending.delete(correlationId)
    clearTimeout(p.timer)
    try {
      const codec = codecFor(p.apiKey)
      // ApiVersions answers always carry response header v0.
      if (p.apiKey !== API_VERSIONS && isFlexible(codec.response.spec, p.version)) skipHeaderTags(r)
      p.resolve(codec.response.decode(r, p.version))
    } catch (e) {
      p.reject(e as Error)
    }
  }

  close(): void {
    this.closedError ??= new Error('client closed')
    this.socket.destroy()
  }
}
