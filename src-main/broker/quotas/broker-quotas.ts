// One broker's quota managers and the hooks Produce and Fetch call (Kafka's QuotaFactory and the
// quota calls in KafkaApis). A throttled request is answered at once with throttle_time_ms and
// the connection then stops reading from that client for that long (KIP-219).
import type { BrokerServices } from '../apis/broker-services'
import type { RequestContext } from '../apis/registry'
import { ANONYMOUS } from '../security/principal'
import { ClientQuotaManager, type QuotaWindowConfig } from './client-quota-manager'
import { CONSUMER_BYTE_RATE, PRODUCER_BYTE_RATE, REQUEST_PERCENTAGE } from './quota-keys'

export class BrokerQuotas {
  readonly produce: ClientQuotaManager
  readonly fetch: ClientQuotaManager
  readonly request: ClientQuotaManager

  constructor(broker: BrokerServices) {
    const image = () => broker.metadata.quotas
    const window = (): QuotaWindowConfig => ({
      samples: broker.config.int('quota.window.num'),
      windowMs: broker.config.int('quota.window.size.seconds') * 1000,
    })
    this.produce = new ClientQuotaManager(image, PRODUCER_BYTE_RATE, window)
    this.fetch = new ClientQuotaManager(image, CONSUMER_BYTE_RATE, window)
    this.request = new ClientQuotaManager(image, REQUEST_PERCENTAGE, window, Date.now, true)
  }
}

const byBroker = new WeakMap<BrokerServices, BrokerQuotas>()

export function quotasOf(broker: BrokerServices): BrokerQuotas {
  let q = byBroker.get(broker)
  if (!q) byBroker.set(broker, (q = new BrokerQuotas(broker)))
  return q
}

/** The user entity of a request: its principal's name (ANONYMOUS on an unauthenticated listener). */
function quotaUser(ctx: RequestContext): string {
  return (ctx.security?.principal ?? ANONYMOUS).name
}

/** Asks the connection to mute the client for `ms` after answering (the longest of the quotas violated). */
function throttle(ctx: RequestContext, ms: number): void {
  if (ms > 0) ctx.throttleTimeMs = Math.max(ctx.throttleTimeMs ?? 0, ms)
}

/** Produce: the whole request's size counts against producer_byte_rate, whatever was appended. */
export function recordProduce(ctx: RequestContext): number {
  if (ctx.broker.metadata.quotas.entries.size === 0 || ctx.requestSize === undefined) return 0
  const ms = quotasOf(ctx.broker).produce.recordAndGetThrottleTimeMs(quotaUser(ctx), ctx.clientId ?? '', ctx.requestSize)
  throttle(ctx, ms)
  return ms
}

/** The most a consumer's Fetch may return: what its quota allows in one quota window. */
export function fetchByteCap(ctx: RequestContext): number {
  if (ctx.broker.metadata.quotas.entries.size === 0) return Number.POSITIVE_INFINITY
  return quotasOf(ctx.broker).fetch.maxValueInQuotaWindow(quotaUser(ctx), ctx.clientId ?? '')
}

/**
 * Fetch: the answer's bytes count against consumer_byte_rate. Over the quota the answer is sent
 * empty, so its bytes are taken back out of the rate, as Kafka does.
 */
export function recordFetch(ctx: RequestContext, bytes: number): number {
  if (ctx.broker.metadata.quotas.entries.size === 0) return 0
  const m = quotasOf(ctx.broker).fetch
  const user = quotaUser(ctx)
  const clientId = ctx.clientId ?? ''
  const ms = m.recordAndGetThrottleTimeMs(user, clientId, bytes)
  if (ms > 0) m.unrecord(user, clientId, bytes)
  throttle(ctx, ms)
  return ms
}

/**
 * Never throttled by the request quota: ApiVersions and the SASL exchange (a client must be able
 * to connect) and WriteTxnMarkers, a coordinator's cluster action Kafka exempts.
 */
const REQUEST_QUOTA_EXEMPT: ReadonlySet<number> = new Set([17, 18, 27, 36])

/** A follower's Fetch is replication, a cluster action Kafka exempts from client quotas. */
function isFollowerFetch(apiKey: number, request: unknown): boolean {
  if (apiKey !== 1) return false
  const r = request as { replicaId?: number; replicaState?: { replicaId?: number } }
  return (r.replicaState?.replicaId ?? r.replicaId ?? -1) >= 0
}

/**
 * request_percentage: the time the broker's one thread spent handling the request, as a
 * percentage of a second per second (Kafka counts request handler and network thread time; here
 * it is the synchronous part of the handler, where a request's work is done, the waits of a long
 * poll or of acks=all excluded). Returns the throttle time, also asked of the connection.
 */
export function recordRequestTime(ctx: RequestContext, apiKey: number, request: unknown, handlerMs: number): number {
  if (ctx.broker.metadata.quotas.entries.size === 0 || REQUEST_QUOTA_EXEMPT.has(apiKey) || isFollowerFetch(apiKey, request)) return 0
  // Kafka records acks=0 produce requests without throttling them for it.
  if (apiKey === 0 && (request as { acks?: number }).acks === 0) return 0
  const ms = quotasOf(ctx.broker).request.recordAndGetThrottleTimeMs(quotaUser(ctx), ctx.clientId ?? '', handlerMs / 10)
  throttle(ctx, ms)
  return ms
}
