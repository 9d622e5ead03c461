// Which requests count against request_percentage: cluster actions (follower fetches,
// WriteTxnMarkers), ApiVersions and SASL never do, acks=0 produce is not throttled for it.
import { describe, expect, it } from 'vitest'
import type { RequestContext } from '../../../src-main/broker/apis/registry'
import { ClientQuotaImage } from '../../../src-main/broker/quotas/quota-image'
import { recordRequestTime } from '../../../src-main/broker/quotas/broker-quotas'

function ctxFor(image: ClientQuotaImage): RequestContext {
  const broker = { metadata: { quotas: image }, config: { int: (name: string) => (name === 'quota.window.num' ? 11 : 1) } }
  return { broker, clientId: 'c', header: { apiKey: 0 } } as unknown as RequestContext
}

describe('request_percentage', () => {
  it('counts handler time of client requests only, and asks the connection to mute', () => {
    const image = new ClientQuotaImage()
    image.apply({ type: 'ClientQuota', entity: [{ entityType: 'client-id', entityName: 'c' }], key: 'request_percentage', value: 0.01, remove: false })
    const ctx = ctxFor(image)
    // 100 ms of handler time each: far over 0.01 % of a thread.
    expect(recordRequestTime(ctx, 18, {}, 100)).toBe(0)
    expect(recordRequestTime(ctx, 17, {}, 100)).toBe(0)
    expect(recordRequestTime(ctx, 36, {}, 100)).toBe(0)
    expect(recordRequestTime(ctx, 27, {}, 100)).toBe(0)
    expect(recordRequestTime(ctx, 1, { replicaId: 2 }, 100)).toBe(0)
    expect(recordRequestTime(ctx, 1, { replicaState: { replicaId: 3 } }, 100)).toBe(0)
    expect(recordRequestTime(ctx, 0, { acks: 0 }, 100)).toBe(0)
    expect(ctx.throttleTimeMs).toBeUndefined()
    expect(recordRequestTime(ctx, 0, { acks: 1 }, 100)).toBe(1000)
    expect(ctx.throttleTimeMs).toBe(1000)
  })

  it('costs nothing when no quota is set', () => {
    const ctx = ctxFor(new ClientQuotaImage())
    expect(recordRequestTime(ctx, 0, { acks: 1 }, 1e6)).toBe(0)
    expect(ctx.throttleTimeMs).toBeUndefined()
  })
})
