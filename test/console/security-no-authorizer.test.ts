// A cluster without an authorizer (the console's default embedded cluster; a plain Kafka 4.1 with
// KAFKADESK_TARGET=kafka) answers the ACL requests with SECURITY_DISABLED: the console reports it
// as the cluster's state ('no-authorizer' with the reason), not as a failure, and refuses a new
// ACL with that error's name. SCRAM users are managed all the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, uniqueName, type Harness } from './setup'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
}, 180_000)
afterAll(async () => {
  await h?.stop()
})

describe('security on a cluster without an authorizer', () => {
  it('says there is no authorizer instead of failing', async () => {
    const C = { connectionId: h.connectionId }
    const list = await h.call('security.acls.list', C)
    expect(list).toEqual({ state: 'no-authorizer', acls: [], message: expect.stringContaining('authorizer.class.name is not set') })
    const view = await h.call('security.access', { ...C, resourceType: 'TOPIC', resourceName: 'orders' })
    expect(view).toMatchObject({ state: 'no-authorizer', principals: [], noAclMatches: true })
    const create = await h.tryCall('security.acls.create', {
      ...C,
      resourceType: 'TOPIC',
      resourceName: 'orders',
      patternType: 'LITERAL',
      principal: 'User:alice',
      operation: 'READ',
      permission: 'ALLOW',
    })
    expect(create).toMatchObject({
      ok: false,
      error: { code: 'KAFKA_SECURITY_DISABLED', message: expect.stringContaining('authorizer.class.name is not set') },
    })
  }, 60_000)

  it('still manages SCRAM users', async () => {
    const user = uniqueName('dave')
    await h.call('security.users.upsert', { connectionId: h.connectionId, user, mechanism: 'SCRAM-SHA-512', password: 'pw' })
    // On Kafka the broker asked next learns the controller's change a moment later: poll.
    const userOf = async () => (await h.call('security.users.list', { connectionId: h.connectionId })).users.find((u) => u.user === user)
    await expect.poll(userOf, { timeout: 30_000, interval: 300 }).toEqual({ user, credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] })
    await h.call('security.users.delete', { connectionId: h.connectionId, user, mechanisms: ['SCRAM-SHA-512'] })
    await expect.poll(userOf, { timeout: 30_000, interval: 300 }).toBeUndefined()
  }, 60_000)
})
