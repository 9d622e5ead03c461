// Client quotas through the console: producer_byte_rate, consumer_byte_rate and
// request_percentage set on a user, a client id, their defaults and a user + client id pair
// (AlterClientQuotas), listed back (DescribeClientQuotas matching anything) and removed; Kafka's
// own kafka-configs --describe sees what the console set. The embedded cluster by default,
// Apache Kafka 4.1 with KAFKADESK_TARGET=kafka.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kafkaTool } from '../interop/target'
import { startHarness, uniqueName, type Harness } from './setup'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
}, 180_000)
afterAll(async () => {
  await h?.stop()
})

const label = (entity: { type: string; name: string | null }[]) => entity.map((p) => `${p.type}=${p.name ?? '<default>'}`).join(', ')

describe('client quotas in the console', () => {
  it('sets, lists and removes quotas per user, client id and defaults', async () => {
    const C = { connectionId: h.connectionId }
    const user = uniqueName('quota-user')
    const clientId = uniqueName('quota-app')
    await h.call('security.quotas.alter', {
      ...C,
      entity: [{ type: 'user', name: user }],
      set: [
        { key: 'producer_byte_rate', value: 1_048_576 },
        { key: 'consumer_byte_rate', value: 2_097_152 },
      ],
    })
    await h.call('security.quotas.alter', { ...C, entity: [{ type: 'client-id', name: null }], set: [{ key: 'request_percentage', value: 50 }] })
    await h.call('security.quotas.alter', {
      ...C,
      entity: [
        { type: 'user', name: user },
        { type: 'client-id', name: clientId },
      ],
      set: [{ key: 'producer_byte_rate', value: 4096 }],
    })

    const byLabel = async () => new Map((await h.call('security.quotas.list', C)).quotas.map((q) => [label(q.entity), q.values]))
    // Kafka answers AlterClientQuotas once its controller has the change; the broker asked next
    // learns it from the metadata log a moment later, so each read polls.
    const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 300 })
    await poll(async () => (await byLabel()).get(`user=${user}`)).toEqual({ producer_byte_rate: 1_048_576, consumer_byte_rate: 2_097_152 })
    await poll(async () => (await byLabel()).get('client-id=<default>')).toEqual({ request_percentage: 50 })
    await poll(async () => (await byLabel()).get(`client-id=${clientId}, user=${user}`)).toEqual({ producer_byte_rate: 4096 })

    // Kafka's own tool reads the same quotas.
    const d = await kafkaTool('kafka-configs', [
      '--bootstrap-server',
      h.bootstrap.split(',')[0]!,
      '--describe',
      '--entity-type',
      'users',
      '--entity-name',
      user,
    ])
    expect(d.stdout).toContain('producer_byte_rate=1048576.0')
    expect(d.stdout).toContain('consumer_byte_rate=2097152.0')

    // Removing one key keeps the others; removing the last one removes the entity.
    await h.call('security.quotas.alter', { ...C, entity: [{ type: 'user', name: user }], remove: ['consumer_byte_rate'] })
    await poll(async () => (await byLabel()).get(`user=${user}`)).toEqual({ producer_byte_rate: 1_048_576 })
    await h.call('security.quotas.alter', { ...C, entity: [{ type: 'user', name: user }], remove: ['producer_byte_rate'] })
    await h.call('security.quotas.alter', { ...C, entity: [{ type: 'client-id', name: null }], remove: ['request_percentage'] })
    await h.call('security.quotas.alter', {
      ...C,
      entity: [
        { type: 'user', name: user },
        { type: 'client-id', name: clientId },
      ],
      remove: ['producer_byte_rate'],
    })
    await poll(async () => {
      const listed = await byLabel()
      return [`user=${user}`, 'client-id=<default>', `client-id=${clientId}, user=${user}`].filter((k) => listed.has(k))
    }).toEqual([])
  }, 120_000)

  it("refuses invalid values with Kafka's error name", async () => {
    // request_percentage is a percentage of one request thread's time; Kafka refuses a fraction of a byte rate.
    const r = await h.tryCall('security.quotas.alter', {
      connectionId: h.connectionId,
      entity: [{ type: 'user', name: uniqueName('quota-bad') }],
      set: [{ key: 'producer_byte_rate', value: 1.5 }],
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'KAFKA_INVALID_REQUEST' } })
  }, 60_000)
})
