// One broker's enforcement of one quota key (Kafka's ClientQuotaManager for Produce, Fetch or
// Request): every client's usage is recorded into the rate of its quota's metric tags, and when
// that rate goes over the quota the answer is how long the client must be throttled. Each broker
// measures only what it serves, as in Kafka (quotas are per broker).
import type { ClientQuotaImage } from './quota-image'
import { SampledRate, throttleTimeMs } from './quota-rate'
import { resolveQuota } from './quota-resolution'

export interface QuotaWindowConfig {
  /** quota.window.num */
  samples: number
  /** quota.window.size.seconds × 1000 */
  windowMs: number
}

/** Kafka drops a client's sensors after an hour without use. */
const INACTIVE_SENSOR_EXPIRATION_MS = 3_600_000

interface Sensor {
  rate: SampledRate
  lastUsed: number
}

export class ClientQuotaManager {
  private readonly sensors = new Map<string, Sensor>()
  private lastSweep = 0

  constructor(
    private readonly image: () => ClientQuotaImage,
    readonly key: string,
    private readonly window: () => QuotaWindowConfig,
    private readonly clock: () => number = Date.now,
    /** The request quota throttles for one window at most (Kafka's ClientRequestQuotaManager); byte rates are unbounded. */
    private readonly boundedToOneWindow = false,
  ) {}

  /**
   * Records `value` for the client and returns the throttle time in ms (0 within quota). As in
   * Kafka the value counts even when it puts the client over its quota: the excess is what the
   * throttle time pays back.
   */
  recordAndGetThrottleTimeMs(user: string, clientId: string, value: number): number {
    const image = this.image()
    if (image.entries.size === 0) return 0
    const q = resolveQuota(image, user, clientId, this.key)
    if (!q) return 0
    const now = this.clock()
    const rate = this.sensor(q.user, q.clientId, now)
    rate.record(value, now)
    const ms = throttleTimeMs(rate, q.quota, now)
    return this.boundedToOneWindow ? Math.min(ms, rate.windowMs) : ms
  }

  /** Takes back a recorded value (a throttled Fetch is answered empty, so its bytes were not sent). */
  unrecord(user: string, clientId: string, value: number): void {
    const q = resolveQuota(this.image(), user, clientId, this.key)
    if (!q) return
    const now = this.clock()
    this.sensor(q.user, q.clientId, now).record(-value, now)
  }

  /** The most one request may use without being throttled for certain (caps a Fetch's bytes). */
  maxValueInQuotaWindow(user: string, clientId: string): number {
    const image = this.image()
    if (image.entries.size === 0) return Number.POSITIVE_INFINITY
    const q = resolveQuota(image, user, clientId, this.key)
    if (!q) return Number.POSITIVE_INFINITY
    const w = this.window()
    return q.quota * (w.samples - 1) * (w.windowMs / 1000)
  }

  private sensor(user: string, clientId: string, now: number): SampledRate {
    if (now - this.lastSweep > 60_000) this.sweep(now)
    const tags = `${user}\u0000${clientId}`
    let s = this.sensors.get(tags)
    const w = this.window()
    // A changed window config starts a fresh rate.
    if (!s || s.rate.samples !== w.samples || s.rate.windowMs !== w.windowMs) {
      s = { rate: new SampledRate(w.samples, w.windowMs), lastUsed: now }
      this.sensors.set(tags, s)
    }
    s.lastUsed = now
    return s.rate
  }

  private sweep(now: number): void {
    this.lastSweep = now
    for (const [tags, s] of this.sensors) if (now - s.lastUsed > INACTIVE_SENSOR_EXPIRATION_MS) this.sensors.delete(tags)
  }
}
