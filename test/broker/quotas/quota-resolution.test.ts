import { describe, expect, it } from 'vitest'
import { ClientQuotaImage } from '../../../src-main/broker/quotas/quota-image'
import { resolveQuota } from '../../../src-main/broker/quotas/quota-resolution'
import { executeQuotaCommand, type QuotaAlteration } from '../../../src-main/broker/quotas/quota-commands'
import type { QuotaRecord } from '../../../src-main/broker/quotas/quota-records'

const P = 'producer_byte_rate'
const user = (n: string | null) => ({ entityType: 'user', entityName: n })
const client = (n: string | null) => ({ entityType: 'client-id', entityName: n })

function imageWith(...entries: [ReturnType<typeof user | typeof client>[], number][]): ClientQuotaImage {
  const image = new ClientQuotaImage()
  for (const [entity, value] of entries) image.apply({ type: 'ClientQuota', entity, key: P, value, remove: false })
  return image
}

describe('quota resolution (most specific entity first, as Kafka documents)', () => {
  // Every level of Kafka's order, from most to least specific, each with a distinct value.
  const levels: [ReturnType<typeof user | typeof client>[], number, string, string][] = [
    [[user('alice'), client('app')], 1, 'alice', 'app'],
    [[user('alice'), client(null)], 2, 'alice', 'app'],
    [[user('alice')], 3, 'alice', ''],
    [[user(null), client('app')], 4, 'alice', 'app'],
    [[user(null), client(null)], 5, 'alice', 'app'],
    [[user(null)], 6, 'alice', ''],
    [[client('app')], 7, '', 'app'],
    [[client(null)], 8, '', 'app'],
  ]

  it('takes each level in turn as the more specific ones are removed', () => {
    for (let i = 0; i < levels.length; i++) {
      const image = imageWith(...levels.slice(i).map(([e, v]) => [e, v] as [ReturnType<typeof user>[], number]))
      const q = resolveQuota(image, 'alice', 'app', P)
      expect(q?.quota, `level ${i + 1}`).toBe(levels[i][1])
      // The metric tags say who shares the rate: a user-level quota is shared by all its clients.
      expect([q?.user, q?.clientId], `tags at level ${i + 1}`).toEqual([levels[i][2], levels[i][3]])
    }
  })

  it('ignores entities of other users and client ids, and other keys', () => {
    const image = imageWith([[user('bob')], 1], [[client('other')], 2], [[user('bob'), client('app')], 3])
    image.apply({ type: 'ClientQuota', entity: [user('alice')], key: 'consumer_byte_rate', value: 4, remove: false })
    expect(resolveQuota(image, 'alice', 'app', P)).toBeUndefined()
    expect(resolveQuota(image, 'alice', 'app', 'consumer_byte_rate')?.quota).toBe(4)
    expect(resolveQuota(image, 'bob', 'x', P)?.quota).toBe(1)
  })

  it('finds an entity whatever the order of its components', () => {
    const image = imageWith([[client('app'), user('alice')], 9])
    expect(resolveQuota(image, 'alice', 'app', P)?.quota).toBe(9)
  })
})

describe('AlterClientQuotas at the controller', () => {
  const run = (image: ClientQuotaImage, entries: QuotaAlteration[], validateOnly = false) => {
    const written: QuotaRecord[] = []
    const results = executeQuotaCommand(image, { op: 'alterClientQuotas', entries, validateOnly }, (recs) => {
      written.push(...recs)
      for (const r of recs) image.apply(r)
    })
    return { results, written }
  }

  it('sets, replaces and removes keys; an entity with no key left is gone', () => {
    const image = new ClientQuotaImage()
    run(image, [{ entity: [client('app')], ops: [{ key: P, value: 1024, remove: false }] }])
    expect(image.get([client('app')], P)).toBe(1024)
    run(image, [{ entity: [client('app')], ops: [{ key: P, value: 2048, remove: false }] }])
    expect(image.get([client('app')], P)).toBe(2048)
    const { written } = run(image, [{ entity: [client('app')], ops: [{ key: P, value: 0, remove: true }] }])
    expect(written).toHaveLength(1)
    expect(image.entries.size).toBe(0)
    // Replayed from its records, the image is the same.
    run(image, [{ entity: [user(null)], ops: [{ key: 'request_percentage', value: 12.5, remove: false }] }])
    const copy = new ClientQuotaImage()
    for (const r of image.toRecords()) copy.apply(r)
    expect(copy.get([user(null)], 'request_percentage')).toBe(12.5)
  })

  it('validate_only writes nothing', () => {
    const image = new ClientQuotaImage()
    const { results, written } = run(image, [{ entity: [user('a')], ops: [{ key: P, value: 5, remove: false }] }], true)
    expect(results).toEqual([{ error: null, message: null }])
    expect(written).toEqual([])
    expect(image.entries.size).toBe(0)
  })

  it('checks entries one by one with the errors Kafka 4.1 gives', () => {
    const image = new ClientQuotaImage()
    const set = (entity: ReturnType<typeof user>[], key: string, value: number) => ({ entity, ops: [{ key, value, remove: false }] })
    const { results } = run(image, [
      set([], P, 1),
      set([{ entityType: 'group', entityName: 'g' }], P, 1),
      set([user('a')], 'no_such_quota', 1),
      set([user('a')], P, 1.5),
      set([user('a')], P, 0),
      set([user('a')], 'request_percentage', -1),
      set([user('a')], P, 1e30),
      set([user('')], P, 1),
      set([{ entityType: 'ip', entityName: '10.0.0.1' }], P, 1),
      {
        entity: [user('a')],
        ops: [
          { key: P, value: 1, remove: false },
          { key: P, value: 2, remove: false },
        ],
      },
      set([user('ok')], 'request_percentage', 1.5),
      // A type named twice keeps its last name (Kafka's entity is a map).
      set([user('x'), user('y')], P, 7),
      set([{ entityType: 'ip', entityName: '10.0.0.1' }], 'connection_creation_rate', 5),
    ])
    expect(results.map((r) => r.message)).toEqual([
      'Invalid empty client quota entity',
      'Unhandled client quota entity type: group',
      'Invalid configuration key no_such_quota',
      'producer_byte_rate cannot be a fractional value.',
      'Quota producer_byte_rate must be greater than 0',
      'Quota request_percentage must be greater than 0',
      'Proposed value for producer_byte_rate is too large for a LONG.',
      'Empty user not supported',
      'Invalid configuration key producer_byte_rate',
      'Ignoring duplicate entity ClientQuotaEntity(entries={user=a})',
      null,
      null,
      null,
    ])
    expect(results.map((r) => r.error)).toEqual([...Array(10).fill('INVALID_REQUEST'), null, null, null])
    expect([...image.entries.values()].map((e) => e.entity)).toEqual([[user('ok')], [user('y')], [{ entityType: 'ip', entityName: '10.0.0.1' }]])
  })
})
