// A small Kafka client for the APIs kafkajs lacks (Fetch with raw record batches, DescribeLogDirs,
// DescribeConfigs v3+ with documentation and types, IncrementalAlterConfigs, OffsetDelete,
// FindCoordinator). One TCP (or TLS) connection per broker, the project's codec, request header
// v2 for flexible versions (else v1), response header v1 for flexible versions except
// ApiVersions (always v0). SASL PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER are done with
// SaslHandshake v1 + SaslAuthenticate, as the Java client does.
import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls'
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'
import { codecFor } from '../broker/protocol/codecs'
import { ApiKey, declaredVersions, type ApiKeyNumber, type ApiRequestInput, type ApiResponse } from '../broker/protocol/api'
import { isFlexible } from '../broker/protocol/codec'
import { writeRequestHeader } from '../broker/protocol/header'
import { Reader } from '../broker/protocol/reader'
import { Writer } from '../broker/protocol/writer'
import { ContractError } from '../ipc/contract'
import { errorName } from '../broker/errors'

/** Kafka's API keys by name (the protocol's table, shared with the broker). */
export { ApiKey }

export interface RawAuth {
  tls?: ConnectionOptions
  sasl?:
    | { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
    /** `token`: the bearer token to send, fetched per connection (it may be refreshed). */
    | { mechanism: 'oauthbearer'; token: () => Promise<string> }
  clientId?: string
  connectTimeoutMs?: number
  requestTimeoutMs?: number
}

/** Kafka's name of an error code (the protocol's error table, shared with the broker). */
export const kafkaErrorName = errorName

/** Throws a KAFKA_<NAME> ContractError for a non-zero error code. */
export function checkError(code: number | undefined, message?: string | null, what?: string): void {
  if (!code) return
  const name = kafkaErrorName(code)
  throw new ContractError(`KAFKA_${name}`, `${what ? `${what}: ` : ''}${message || name}`)
}

interface Pending {
  apiKey: number
  version: number
  /** Settles the request with the decoded response body. */
  resolve: (v: unknown) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
}

export class RawClient {
  /**
   * Received bytes not yet decoded, as the socket delivered them. They are joined only once a
   * whole frame is there: joining on every chunk copied a large response (a 1 MB Fetch comes in
   * ~16 chunks) again and again, quadratic in its size.
   */
  private chunks: Buffer[] = []
  private chunkBytes = 0
  /** Bytes needed before the next frame can be decoded (its size prefix, then all of it). */
  private needed = 4
  private correlationId = 0
  private pending = new Map<number, Pending>()
  private closedError?: Error
  private versions = new Map<number, { min: number; max: number }>()

  private constructor(
    private readonly socket: Socket,
    private readonly opts: RawAuth,
  ) {
    socket.on('data', (d) => this.onData(d))
    const fail = (e: Error) => {
      this.closedError ??= e
      for (const p of this.pending.values()) {
        clearTimeout(p.timer)
        p.reject(e)
      }
      this.pending.clear()
    }
    socket.on('error', fail)
    socket.on('close', () => fail(new ContractError('CONNECTION', 'connection closed')))
  }

  get closed(): boolean {
    return this.closedError !== undefined
  }

  /** Connects to `host:port`, negotiates API versions and authenticates. */
  static async connect(address: string, opts: RawAuth = {}): Promise<RawClient> {
    const i = address.lastIndexOf(':')
    const host = address.slice(0, i)
    const port = Number(address.slice(i + 1))
    const timeout = opts.connectTimeoutMs ?? 10_000
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = opts.tls ? tlsConnect({ host, port, servername: host, ...opts.tls }, () => done()) : netConnect({ host, port }, () => done())
      const timer = setTimeout(() => {
        s.destroy()
        reject(new ContractError('TIMEOUT', `connecting to ${address} timed out after ${timeout} ms`))
      }, timeout)
      const done = () => {
        clearTimeout(timer)
        s.off('error', onErr)
        resolve(s)
      }
      const onErr = (e: Error) => {
        clearTimeout(timer)
        reject(new ContractError(/cert|ssl|tls/i.test(e.message) || opts.tls ? 'TLS' : 'CONNECTION', `${address}: ${e.message}`))
      }
      s.once('error', onErr)
    })
    socket.setNoDelay(true)
    const c = new RawClient(socket, opts)
    try {
      const av = await c.request(ApiKey.ApiVersions, 0, {})
      checkError(av.errorCode, null, 'ApiVersions')
      for (const k of av.apiKeys) c.versions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion })
      if (opts.sasl) await c.authenticate(opts.sasl)
    } catch (e) {
      c.close()
      throw e
    }
    return c
  }

  /** The highest version both sides support, capped at `max`. */
  version(apiKey: number, max: number, min = 0): number {
    const b = this.versions.get(apiKey)
    if (!b) throw new ContractError('UNSUPPORTED', `the broker does not support API key ${apiKey}`)
    const v = Math.min(b.max, max, declaredVersions(apiKey).max)
    if (v < Math.max(b.min, min)) throw new ContractError('UNSUPPORTED', `no common version of API key ${apiKey} (broker ${b.min}-${b.max})`)
    return v
  }

  supports(apiKey: number): boolean {
    return this.versions.has(apiKey)
  }

  private async authenticate(sasl: NonNullable<RawAuth['sasl']>): Promise<void> {
    const mechanism = sasl.mechanism.toUpperCase()
    const hs = await this.request(ApiKey.SaslHandshake, 1, { mechanism })
    if (hs.errorCode) throw new ContractError('AUTH', `SASL mechanism ${mechanism} not enabled (broker offers ${hs.mechanisms.join(', ')})`)
    const send = async (bytes: Buffer): Promise<Buffer> => {
      const r = await this.request(ApiKey.SaslAuthenticate, 1, { authBytes: bytes })
      if (r.errorCode) throw new ContractError('AUTH', r.errorMessage || `authentication failed (${kafkaErrorName(r.errorCode)})`)
      return r.authBytes as Buffer
    }
    if (sasl.mechanism === 'oauthbearer') {
      // RFC 7628 3.1: the client's first message; no authzid, so the token's subject is the principal.
      const challenge = await send(Buffer.from(`n,,\x01auth=Bearer ${await sasl.token()}\x01\x01`))
      if (!challenge?.length) return
      // A non-empty challenge is the server's error (RFC 7628 3.2.2, JSON such as
      // {"status":"invalid_token"}): the client answers %x01 and the broker then fails the exchange.
      const error = challenge.toString('utf8')
      let failure = `the broker refused the token with ${error}`
      try {
        await send(Buffer.from([1]))
      } catch (e) {
        const m = (e as Error).message
        failure = m.includes(error) ? m : `${m} (error challenge ${error})`
      }
      throw new ContractError('AUTH', failure)
    }
    if (sasl.mechanism === 'plain') {
      await send(Buffer.from(`\0${sasl.username}\0${sasl.password}`))
      return
    }
    // SCRAM (RFC 5802/7677).
    const hash = sasl.mechanism === 'scram-sha-256' ? 'sha256' : 'sha512'
    const keyLen = hash === 'sha256' ? 32 : 64
    const nonce = randomBytes(18).toString('base64')
    const user = sasl.username.replace(/=/g, '=3D').replace(/,/g, '=2C')
    const firstBare = `n=${user},r=${nonce}`
    const serverFirst = (await send(Buffer.from(`n,,${firstBare}`))).toString()
    const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]))
    if (!attrs.r?.startsWith(nonce)) throw new ContractError('AUTH', 'SCRAM: server nonce does not extend ours')
    const salted = pbkdf2Sync(sasl.password, Buffer.from(attrs.s!, 'base64'), Number(attrs.i), keyLen, hash)
    const clientKey = createHmac(hash, salted).update('Client Key').digest()
    const storedKey = createHash(hash).update(clientKey).digest()
    const finalNoProof = `c=biws,r=${attrs.r}`
    const authMessage = `${firstBare},${serverFirst},${finalNoProof}`
    const sig = createHmac(hash, storedKey).update(authMessage).digest()
    const proof = Buffer.alloc(keyLen)
    for (let i = 0; i < keyLen; i++) proof[i] = clientKey[i]! ^ sig[i]!
    const serverFinal = (await send(Buffer.from(`${finalNoProof},p=${proof.toString('base64')}`))).toString()
    if (serverFinal.startsWith('e=')) throw new ContractError('AUTH', `SCRAM: ${serverFinal.slice(2)}`)
    const serverKey = createHmac(hash, salted).update('Server Key').digest()
    const expected = createHmac(hash, serverKey).update(authMessage).digest('base64')
    if (serverFinal !== `v=${expected}`) throw new ContractError('AUTH', 'SCRAM: server signature mismatch')
  }

  /**
   * Sends one request and resolves with the decoded response body, typed from the API's
   * declarations; with a literal version the body may hold only the fields that version carries.
   */
  request<K extends ApiKeyNumber, V extends number>(
    apiKey: K,
    version: V,
    body: ApiRequestInput<K, V>,
    timeoutMs = this.opts.requestTimeoutMs ?? 30_000,
  ): Promise<ApiResponse<K>> {
    if (this.closedError) return Promise.reject(this.closedError)
    const codec = codecFor(apiKey)
    const correlationId = ++this.correlationId
    const w = new Writer()
    w.int32(0)
    const flexible = isFlexible(codec.request.spec, version)
    writeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId: this.opts.clientId ?? 'kafkadesk' }, flexible ? 2 : 1)
    codec.request.at(version).encode(w, body)
    const chunks = w.finish()
    chunks[0]!.writeInt32BE(w.length - 4, 0)
    return new Promise<ApiResponse<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId)
        reject(new ContractError('TIMEOUT', `request (API key ${apiKey}) timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      // handleFrame decodes the answer with this API's response codec.
      this.pending.set(correlationId, { apiKey, version, resolve: resolve as (v: unknown) => void, reject, timer })
      for (const c of chunks) this.socket.write(c)
    })
  }

  private onData(d: Buffer): void {
    this.chunks.push(d)
    this.chunkBytes += d.length
    if (this.chunkBytes < this.needed) return
    let buffered = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.chunkBytes)
    this.chunks = []
    this.chunkBytes = 0
    this.needed = 4
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0)
      if (buffered.length < 4 + size) {
        this.needed = 4 + size
        break
      }
      const frame = buffered.subarray(4, 4 + size)
      buffered = buffered.subarray(4 + size)
      this.handleFrame(frame)
    }
    if (buffered.length) {
      this.chunks.push(buffered)
      this.chunkBytes = buffered.length
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
      if (p.apiKey !== ApiKey.ApiVersions && isFlexible(codec.response.spec, p.version)) {
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

  close(): void {
    this.closedError ??= new ContractError('CONNECTION', 'client closed')
    this.socket.destroy()
  }
}

/** One RawClient per broker address, reconnecting when a connection dropped. */
export class RawPool {
  private clients = new Map<string, Promise<RawClient>>()

  constructor(private readonly auth: RawAuth) {}

  /** A pool of its own connections with the same credentials (and token source). */
  sibling(): RawPool {
    return new RawPool(this.auth)
  }

  async get(address: string): Promise<RawClient> {
    let p = this.clients.get(address)
    if (p) {
      const c = await p.catch(() => undefined)
      if (c && !c.closed) return c
    }
    p = RawClient.connect(address, this.auth)
    this.clients.set(address, p)
    p.catch(() => this.clients.delete(address))
    return p
  }

  close(): void {
    for (const p of this.clients.values())
      p.then(
        (c) => c.close(),
        () => {},
      )
    this.clients.clear()
  }
}
