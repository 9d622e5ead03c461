import type { Socket } from 'node:net'
import { FrameDecoder, FrameError } from './framing'
import { connectionLimitsOf } from './connection-limits'
import { Reader, ProtocolError } from '../protocol/reader'
import { Writer } from '../protocol/writer'
import { readRequestHeader, skipHeaderTags, writeResponseHeader, type RequestHeader } from '../protocol/header'
import { isFlexible } from '../protocol/codec'
import { codecFor } from '../protocol/codecs'
import type { ApiDefinition, RequestContext } from '../apis/registry'
import type { Broker } from '../broker'
import { ErrorCode } from '../errors'
import type { ConnectionSecurity } from '../security/connection-security'
import { SaslAuthenticationError } from '../security/sasl-server'
import { authorizeRequest } from '../security/api-authorization'
import { recordRequestTime } from '../quotas/broker-quotas'

const API_VERSIONS = 18
const PRODUCE = 0
/**
 * How many acks=all Produce requests of one connection may wait for their followers at once:
 * Kafka's producers send at most max.in.flight.requests.per.connection (default 5) anyway.
 */
const MAX_WAITING_PRODUCES = 5

/**
 * One client connection. Requests are handled one after another, like Kafka's muted-channel
 * model: responses leave in request order and a client's produce requests are appended in the
 * order it sent them. One overlap: while an acks=all Produce, already appended, only waits for
 * its followers, the client's next Produce requests are appended too (their answers still leave
 * in order). Kafka holds them until the first is answered, so a connection moves one batch per
 * partition per replication round trip; here the round trips of a pipelining producer overlap.
 */
export class Connection {
  private readonly decoder: FrameDecoder
  private queue: Buffer[] = []
  private busy = false
  private closed = false
  /** The answer of the last request handled, while it is not sent yet: later answers wait for it. */
  private unsent: Promise<void> | null = null
  /** Produce requests appended and waiting for their followers (see MAX_WAITING_PRODUCES). */
  private waitingProduces = 0
  /** Set by process() when the request it just handled is such a Produce. */
  private lastWaitsForReplication = false
  /** Wakes drain() when a frame arrives while it waits on a Produce that may be overlapped. */
  private frameArrived: (() => void) | null = null
  /** Until when nothing more is read from this client: it went over a quota (KIP-219 muting). */
  private mutedUntil = 0
  /** The IP counted against the connection limits; null when the connection was refused. */
  private countedIp: string | null = null
  /** When something was last read from or written to this client (connections.max.idle.ms). */
  private lastActive = Date.now()
  readonly address: string

  constructor(
    private readonly socket: Socket,
    private readonly broker: Broker,
    /** The listener's security state for this connection (principal, SASL exchange); absent on a bare PLAINTEXT connection. */
    private readonly security?: ConnectionSecurity,
  ) {
    this.address = `${socket.remoteAddress}:${socket.remotePort}`
    // An API key the broker does not serve closes the connection anyway (see process): say so
    // on the frame's first bytes instead of after buffering all of it. A raw SASL token (after a
    // v0 SaslHandshake) has no API key.
    this.decoder = new FrameDecoder(broker.config.int('socket.request.max.bytes'), (apiKey) =>
      broker.apis.has(apiKey) || this.security?.expectsRawToken ? null : `unknown API key ${apiKey}`,
    )
    socket.setNoDelay(true)
    socket.on('data', (d) => this.onData(d))
    socket.on('error', () => this.close())
    socket.on('close', () => this.close())
    const ip = socket.remoteAddress ?? ''
    const refused = connectionLimitsOf(broker, broker.config).admit(ip)
    if (refused) {
      // Closed after the broker has registered it, so it is also unregistered.
      queueMicrotask(() => this.fail(refused))
      return
    }
    this.countedIp = ip
  }

  /**
   * connections.max.idle.ms (the broker's sweep calls this): a connection with nothing read or
   * written for that long is closed, never while a request of it is being handled (e.g. a
   * long-polling Fetch).
   */
  closeIfIdle(now: number, idleMs: number): void {
    if (now - this.lastActive < idleMs || this.busy || this.queue.length > 0 || this.unsent) return
    this.fail(`idle for more than connections.max.idle.ms (${idleMs})`)
  }

  private onData(data: Buffer): void {
    this.lastActive = Date.now()
    let frames: Buffer[]
    try {
      frames = this.decoder.push(data)
    } catch (e) {
      this.fail(e instanceof FrameError ? e.message : String(e))
      return
    }
    if (frames.length === 0) return
    this.queue.push(...frames)
    // Stop reading while a backlog waits, so a fast producer cannot fill the broker's memory.
    if (this.queue.length > 64) this.socket.pause()
    if (!this.busy) void this.drain()
    else this.frameArrived?.()
  }

  /**
   * Handles queued requests in order. Responses of requests handled synchronously in one pass
   * leave in a single socket write (the socket stays corked until the queue is empty or a
   * handler has to wait, e.g. a long-polling Fetch).
   */
  private async drain(): Promise<void> {
    this.busy = true
    this.socket.cork()
    while (this.queue.length > 0 && !this.closed) {
      if (this.mutedUntil > Date.now()) {
        this.socket.uncork()
        await this.muted()
        this.socket.cork()
        if (this.closed) break
      }
      const frame = this.queue.shift()!
      try {
        // Anything but a Produce waits for every earlier answer, as on Kafka.
        if (this.unsent && !this.isProduce(frame)) await this.flushAnswers()
        this.lastWaitsForReplication = false
        const pending = this.handle(frame)
        if (pending) {
          this.socket.uncork()
          if (this.lastWaitsForReplication && this.waitingProduces < MAX_WAITING_PRODUCES) await this.overlap(pending)
          else await pending
          this.socket.cork()
        }
      } catch (e) {
        this.fail(e instanceof ProtocolError ? `malformed request: ${e.message}` : `request failed: ${(e as Error).stack ?? e}`)
        return
      }
      if (this.queue.length <= 16 && this.socket.isPaused() && this.mutedUntil <= Date.now()) this.socket.resume()
    }
    this.socket.uncork()
    this.busy = false
  }

  /**
   * An appended acks=all Produce waits for its followers: until its answer is sent, drain() goes
   * on as soon as the client's next request is here (a Produce is then handled at once, anything
   * else waits in flushAnswers). A failure is handled as drain() would.
   */
  private async overlap(pending: Promise<void>): Promise<void> {
    this.waitingProduces++
    let settled = false
    const done = pending.then(
      () => {
        settled = true
        this.waitingProduces--
      },
      (e) => {
        settled = true
        this.waitingProduces--
        this.fail(`request failed: ${(e as Error).stack ?? e}`)
      },
    )
    if (this.queue.length > 0) return
    if (!settled) await Promise.race([done, new Promise<void>((resolve) => (this.frameArrived = resolve))])
    this.frameArrived = null
  }

  private isProduce(frame: Buffer): boolean {
    return !this.security?.expectsRawToken && frame.length >= 2 && frame.readInt16BE(0) === PRODUCE
  }

  /** Waits until every answer handled so far has been sent. */
  private async flushAnswers(): Promise<void> {
    while (this.unsent) await this.unsent
  }

  /**
   * A throttled client (over a quota) is answered at once and then not read from for its throttle
   * time, as Kafka mutes the channel: requests it sends meanwhile wait unread in the socket.
   */
  private async muted(): Promise<void> {
    this.socket.pause()
    while (!this.closed && this.mutedUntil > Date.now()) await new Promise((r) => setTimeout(r, this.mutedUntil - Date.now()))
    if (!this.closed && this.queue.length <= 16) this.socket.resume()
  }

  private muteAfter(ctx: RequestContext): void {
    const ms = ctx.throttleTimeMs ?? 0
    if (ms <= 0) return
    this.mutedUntil = Math.max(this.mutedUntil, Date.now() + ms)
    this.socket.pause()
    // When no request is being handled by then, nothing else would start reading again.
    setTimeout(() => this.unmute(), ms).unref()
  }

  private unmute(): void {
    if (this.closed || this.busy) return
    const left = this.mutedUntil - Date.now()
    if (left > 0) {
      setTimeout(() => this.unmute(), left).unref()
      return
    }
    if (this.queue.length <= 16) this.socket.resume()
    if (this.queue.length > 0) void this.drain()
  }

  /** Decodes and dispatches one request; returns a promise only when the handler is asynchronous. */
  private handle(frame: Buffer): Promise<void> | undefined {
    const faults = this.broker.faults
    if (faults.paused || faults.latencyMs > 0 || faults.dropRate > 0) return this.handleWithFaults(frame)
    return this.process(frame)
  }

  /** The injected-fault path: hold while paused, maybe drop, then answer late. */
  private async handleWithFaults(frame: Buffer): Promise<void> {
    await this.broker.whenServing()
    const faults = this.broker.faults
    if (faults.dropRate > 0 && Math.random() < faults.dropRate) {
      this.fail('fault injection: connection dropped')
      return
    }
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs))
    if (!this.closed) await this.process(frame)
  }

  private process(frame: Buffer): Promise<void> | undefined {
    if (this.security?.expectsRawToken) {
      this.rawSaslToken(frame)
      return undefined
    }
    const r = new Reader(frame)
    const header = readRequestHeader(r)
    const api = this.broker.apis.get(header.apiKey)
    if (!api) throw new ProtocolError(`unknown API key ${header.apiKey} from client ${header.clientId}`)
    const refused = this.security?.refuses(header.apiKey, api.name)
    if (refused) {
      this.fail(refused)
      return undefined
    }
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      if (header.apiKey === API_VERSIONS) {
        this.unsupportedApiVersions(header)
        return undefined
      }
      throw new ProtocolError(`${api.name} v${header.apiVersion} is not supported (supported ${api.minVersion}-${api.maxVersion})`)
    }
    const codec = codecFor(header.apiKey)
    if (isFlexible(codec.request.spec, header.apiVersion)) skipHeaderTags(r)
    const request = codec.request.decode(r, header.apiVersion)
    const ctx: RequestContext = {
      broker: this.broker,
      header,
      apiVersion: header.apiVersion,
      clientId: header.clientId,
      clientAddress: this.address,
      security: this.security,
      requestSize: frame.length,
    }
    this.broker.recordActivity(ctx)
    const started = performance.now()
    const response = this.broker.authorizer ? authorizeRequest(this.broker.authorizer, api, request, ctx) : api.handle(request, ctx)
    const handlerMs = performance.now() - started
    const answer = (body: unknown): void => {
      this.requestQuota(ctx, request, handlerMs, body)
      if (body !== undefined && !this.closed) this.send(header, api, body)
      this.muteAfter(ctx)
    }
    // Earlier answers not sent yet (overlapped Produce requests): this one leaves after them.
    const before = this.unsent
    if (!(response instanceof Promise) && !before) {
      answer(response)
      return undefined
    }
    this.lastWaitsForReplication = ctx.waitsForReplication === true
    const sent: Promise<void> = (before ? before.then(() => response) : (response as Promise<unknown>)).then(answer)
    this.unsent = sent
    const clear = () => {
      if (this.unsent === sent) this.unsent = null
    }
    sent.then(clear, clear)
    return sent
  }

  /** request_percentage: the handler's time counts; over the quota the answer carries the longer throttle time. */
  private requestQuota(ctx: RequestContext, request: unknown, handlerMs: number, body: unknown): void {
    const ms = recordRequestTime(ctx, ctx.header.apiKey, request, handlerMs)
    if (ms <= 0 || typeof body !== 'object' || body === null || !('throttleTimeMs' in body)) return
    const b = body as { throttleTimeMs: number }
    b.throttleTimeMs = Math.max(b.throttleTimeMs ?? 0, ms)
  }

  /** KIP-511: a too-new ApiVersions request gets a v0-format answer listing what is supported. */
  private unsupportedApiVersions(header: RequestHeader): void {
    const w = new Writer()
    w.int32(0)
    writeResponseHeader(w, header.correlationId, 0)
    codecFor(API_VERSIONS).response.at(0).encode(w, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: this.broker.apiVersionList(),
    })
    this.write(w)
  }

  private send(header: RequestHeader, api: ApiDefinition, body: unknown): void {
    const codec = codecFor(api.key)
    const w = new Writer(1024)
    w.int32(0)
    // ApiVersions responses always use header v0 so any client can read them.
    const flexible = api.key !== API_VERSIONS && isFlexible(codec.response.spec, header.apiVersion)
    writeResponseHeader(w, header.correlationId, flexible ? 1 : 0)
    codec.response.at(header.apiVersion).encode(w, body)
    this.write(w)
    // Kafka answers a failed or refused SASL exchange, then closes the connection.
    const closing = this.security?.closeAfterResponse
    if (closing) this.endAfterWrite(closing)
  }

  /** A raw SASL token (SaslHandshake v0): answered with a raw size-prefixed token; a failure closes the connection, as Kafka does. */
  private rawSaslToken(frame: Buffer): void {
    let challenge: Buffer
    try {
      challenge = this.security!.authenticateRaw(frame)
    } catch (e) {
      if (!(e instanceof SaslAuthenticationError)) throw e
      this.fail(`authentication failed: ${e.message}`)
      return
    }
    const w = new Writer()
    w.int32(0)
    w.bytes(challenge)
    this.write(w)
  }

  /** Closes once what was written has left (destroy() would drop the response telling the client why). */
  private endAfterWrite(reason: string): void {
    this.broker.log(`closing connection from ${this.address}: ${reason}`)
    this.queue = []
    this.closed = true
    this.socket.end()
    this.socket.once('close', () => {
      this.closed = false
      this.close()
    })
  }

  private write(w: Writer): void {
    this.lastActive = Date.now()
    const chunks = w.finish()
    chunks[0].writeInt32BE(w.length - 4, 0)
    this.socket.cork()
    for (const c of chunks) this.socket.write(c)
    this.socket.uncork()
  }

  private fail(reason: string): void {
    this.broker.log(`closing connection from ${this.address}: ${reason}`)
    this.close()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.queue = []
    this.socket.destroy()
    if (this.countedIp !== null) connectionLimitsOf(this.broker, this.broker.config).release(this.countedIp)
    this.countedIp = null
    this.broker.connectionClosed(this)
  }
}
