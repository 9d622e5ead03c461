import { describe, expect, it } from 'vitest'
import { SampledRate, throttleTimeMs } from '../../../src-main/broker/quotas/quota-rate'
import { ClientQuotaManager } from '../../../src-main/broker/quotas/client-quota-manager'
import { ClientQuotaImage } from '../../../src-main/broker/quotas/quota-image'

describe('SampledRate (Kafka defaults: 11 windows of 1 s)', () => {
  it('spreads a first burst over at least 10 windows', () => {
    const r = new SampledRate(11, 1000)
    r.record(10_000, 0)
    expect(r.windowSizeMs(0)).toBe(10_000)
    expect(r.measure(0)).toBe(1000)
  })

  it('measures a steady rate over the retained windows and forgets old ones', () => {
    const r = new SampledRate(11, 1000)
    for (let t = 0; t < 30_000; t += 100) r.record(100, t) // 1000 units/s for 30 s
    const rate = r.measure(30_000)
    expect(rate).toBeGreaterThan(900)
    expect(rate).toBeLessThan(1100)
    // 11 s of silence: every window has expired.
    expect(r.measure(41_100)).toBe(0)
  })

  it('throttles for the excess over the quota, as a fraction of it, times the measured span', () => {
    const r = new SampledRate(11, 1000)
    r.record(20_000, 0) // 2000/s measured over 10 s, quota 1000/s
    expect(throttleTimeMs(r, 1000, 0)).toBe(10_000)
    expect(throttleTimeMs(r, 5000, 0)).toBe(0)
    // A client that kept going at twice its quota is back under it once it has waited that long.
    const s = new SampledRate(11, 1000)
    for (let t = 0; t < 20_000; t += 100) s.record(100, t)
    const wait = throttleTimeMs(s, 500, 20_000)
    expect(wait).toBeGreaterThan(9_000)
    expect(s.measure(20_000 + wait)).toBeLessThanOrEqual(500)
  })
})

describe('ClientQuotaManager', () => {
  it('throttles only the clients a quota applies to, and shares a user quota between its clients', () => {
    let now = 0
    const image = new ClientQuotaImage()
    const m = new ClientQuotaManager(
      () => image,
      'producer_byte_rate',
      () => ({ samples: 11, windowMs: 1000 }),
      () => now,
    )
    expect(m.recordAndGetThrottleTimeMs('alice', 'a', 1e9)).toBe(0)
    image.apply({ type: 'ClientQuota', entity: [{ entityType: 'user', entityName: 'alice' }], key: 'producer_byte_rate', value: 1000, remove: false })
    // 6000 + 6000 bytes from two clients of alice at once: 1200 B/s over 10 s, over the shared 1000.
    expect(m.recordAndGetThrottleTimeMs('alice', 'a', 6000)).toBe(0)
    expect(m.recordAndGetThrottleTimeMs('alice', 'b', 6000)).toBe(2000)
    expect(m.recordAndGetThrottleTimeMs('bob', 'a', 1e9)).toBe(0)
    expect(m.maxValueInQuotaWindow('alice', 'c')).toBe(10_000)
    expect(m.maxValueInQuotaWindow('bob', 'c')).toBe(Number.POSITIVE_INFINITY)
    m.unrecord('alice', 'b', 6000)
    now = 1
    expect(m.recordAndGetThrottleTimeMs('alice', 'b', 0)).toBe(0)
  })
})

describe('the request quota', () => {
  it('throttles for one quota window at most, as Kafka bounds request_percentage throttling', () => {
    const image = new ClientQuotaImage()
    image.apply({ type: 'ClientQuota', entity: [{ entityType: 'client-id', entityName: 'c' }], key: 'request_percentage', value: 0.01, remove: false })
    const window = () => ({ samples: 11, windowMs: 1000 })
    const bounded = new ClientQuotaManager(
      () => image,
      'request_percentage',
      window,
      () => 0,
      true,
    )
    const unbounded = new ClientQuotaManager(
      () => image,
      'request_percentage',
      window,
      () => 0,
    )
    // 100 ms of handler time is 10 (percent-seconds), a hundred times the 0.1 the quota allows in 10 s.
    expect(unbounded.recordAndGetThrottleTimeMs('u', 'c', 10)).toBeGreaterThan(100_000)
    expect(bounded.recordAndGetThrottleTimeMs('u', 'c', 10)).toBe(1000)
    expect(bounded.recordAndGetThrottleTimeMs('u', 'other', 10)).toBe(0)
  })
})
