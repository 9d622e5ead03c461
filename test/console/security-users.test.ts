// SCRAM users through the console: a password set for SCRAM-SHA-256 (salted here with PBKDF2, as
// Kafka's admin client does) is listed with its iterations and lets a real client (kafkajs, its
// own SCRAM code) authenticate; a wrong password is refused; a removed mechanism stops working.
// A principal without permission gets CLUSTER_AUTHORIZATION_FAILED. Embedded secured cluster, or
// Apache Kafka 4.1 with KAFKADESK_TARGET=kafka.
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSecureConsole, type SecureConsole } from './security-fixture'
import { uniqueName, waitFor } from './setup'

const { Kafka, logLevel } = kafkajs

let sc: SecureConsole
beforeAll(async () => {
  sc = await startSecureConsole()
}, 240_000)
afterAll(async () => {
  await sc?.stop()
})

/** Whether kafkajs authenticates over SASL_PLAINTEXT with these credentials (and can then ask for metadata). */
async function scramLogin(mechanism: 'scram-sha-256' | 'scram-sha-512', username: string, password: string): Promise<true | string> {
  const kafka = new Kafka({
    clientId: 'security-users-test',
    brokers: [sc.target.at.SASL_PLAINTEXT],
    sasl: mechanism === 'scram-sha-256' ? { mechanism, username, password } : { mechanism, username, password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 10_000,
  })
  const admin = kafka.admin()
  try {
    await admin.connect()
    await admin.describeCluster()
    return true
  } catch (e) {
    return (e as Error).message
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

describe(`SCRAM users in the console (${process.env.KAFKADESK_TARGET ?? 'embedded'})`, () => {
  it('sets a password, lists the user with its mechanism and iterations, and a real client logs in with it', async () => {
    const user = uniqueName('carol')
    await sc.call('security.users.upsert', { connectionId: sc.admin, user, mechanism: 'SCRAM-SHA-256', password: 'carol-pass', iterations: 8192 })
    await sc.call('security.users.upsert', { connectionId: sc.admin, user, mechanism: 'SCRAM-SHA-512', password: 'carol-pass-512' })
    const listed = await waitFor(
      async () => {
        const r = await sc.call('security.users.list', { connectionId: sc.admin })
        const u = r.users.find((x) => x.user === user)
        return u && u.credentials.length === 2 ? u : undefined
      },
      30_000,
      'the user to be listed',
    )
    expect(listed.credentials).toEqual([
      { mechanism: 'SCRAM-SHA-256', iterations: 8192 },
      { mechanism: 'SCRAM-SHA-512', iterations: 4096 },
    ])
    // The credential reaches the broker's authenticator through the metadata log: allow it a moment.
    expect(await waitFor(async () => (await scramLogin('scram-sha-256', user, 'carol-pass')) === true, 30_000, 'a SCRAM-SHA-256 login')).toBe(true)
    expect(await scramLogin('scram-sha-512', user, 'carol-pass-512')).toBe(true)
    expect(await scramLogin('scram-sha-256', user, 'not-the-password')).toMatch(/invalid credentials|Authentication failed/i)

    // A changed password replaces the old one.
    await sc.call('security.users.upsert', { connectionId: sc.admin, user, mechanism: 'SCRAM-SHA-256', password: 'carol-new' })
    await waitFor(async () => (await scramLogin('scram-sha-256', user, 'carol-new')) === true, 30_000, 'a login with the new password')
    expect(await scramLogin('scram-sha-256', user, 'carol-pass')).not.toBe(true)
    // Kafka answers once its controller has the change; the broker asked next learns it a moment later.
    const credentialsOf = async () => (await sc.call('security.users.list', { connectionId: sc.admin })).users.find((x) => x.user === user)?.credentials
    const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 300 })
    await poll(credentialsOf).toContainEqual({ mechanism: 'SCRAM-SHA-256', iterations: 4096 })

    // Removing one mechanism keeps the other; removing the last removes the user.
    await sc.call('security.users.delete', { connectionId: sc.admin, user, mechanisms: ['SCRAM-SHA-256'] })
    await waitFor(async () => (await scramLogin('scram-sha-256', user, 'carol-new')) !== true, 30_000, 'the SCRAM-SHA-256 login to be refused')
    expect(await scramLogin('scram-sha-512', user, 'carol-pass-512')).toBe(true)
    await poll(credentialsOf).toEqual([{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }])
    await sc.call('security.users.delete', { connectionId: sc.admin, user, mechanisms: ['SCRAM-SHA-512'] })
    await poll(credentialsOf).toBeUndefined()
  }, 180_000)

  it("answers Kafka's error names: removing a credential that does not exist, and a principal without permission", async () => {
    const missing = await sc.fails('security.users.delete', { connectionId: sc.admin, user: uniqueName('nobody'), mechanisms: ['SCRAM-SHA-256'] })
    expect(missing.code).toBe('KAFKA_RESOURCE_NOT_FOUND')

    const alice = await sc.as('alice')
    expect(await sc.fails('security.users.list', { connectionId: alice })).toMatchObject({ code: 'KAFKA_CLUSTER_AUTHORIZATION_FAILED' })
    const upsert = await sc.fails('security.users.upsert', { connectionId: alice, user: 'mallory', mechanism: 'SCRAM-SHA-256', password: 'x' })
    expect(upsert).toMatchObject({ code: 'KAFKA_CLUSTER_AUTHORIZATION_FAILED' })
  }, 120_000)
})
