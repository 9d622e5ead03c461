// ACLs through the console against a cluster with StandardAuthorizer: bindings created, listed
// and deleted exactly; Kafka's error name for an invalid one; the "who can do what" view of a
// topic computed from them (deny over allow, prefixed + literal + wildcard patterns, implied
// operations), checked against what the broker then lets a real client (kafkajs as alice) do.
// Embedded secured cluster, or Apache Kafka 4.1 with KAFKADESK_TARGET=kafka.
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AclEntry } from '../../src-main/ipc/contract'
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

const acl = (e: Partial<AclEntry> & Pick<AclEntry, 'resourceName' | 'principal' | 'operation'>): AclEntry => ({
  resourceType: 'TOPIC',
  patternType: 'LITERAL',
  host: '*',
  permission: 'ALLOW',
  ...e,
})

/** alice (PLAIN over SASL_PLAINTEXT) produces one record; the broker's answer decides. */
async function aliceProduces(topic: string): Promise<true | string> {
  const kafka = new Kafka({
    clientId: 'security-acls-test',
    brokers: [sc.target.at.SASL_PLAINTEXT],
    sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  })
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false })
  try {
    await producer.connect()
    await producer.send({ topic, messages: [{ value: 'x' }], acks: 1 })
    return true
  } catch (e) {
    const err = e as Error & { type?: string }
    // kafkajs names the error by its type, or (refused in Metadata) only in its message.
    return err.type ?? (/Not authorized to access topics/.test(err.message) ? 'TOPIC_AUTHORIZATION_FAILED' : err.message)
  } finally {
    await producer.disconnect().catch(() => {})
  }
}

const sameAcl = (x: AclEntry, y: AclEntry) => (Object.keys(y) as (keyof AclEntry)[]).every((k) => x[k] === y[k])

const decisions = (
  v: { principals: { principal: string; host: string; operations: { operation: string; decision: string }[] }[] },
  principal: string,
  host = '*',
) => Object.fromEntries(v.principals.find((p) => p.principal === principal && p.host === host)?.operations.map((o) => [o.operation, o.decision]) ?? [])

describe(`ACLs in the console (${process.env.KAFKADESK_TARGET ?? 'embedded'})`, () => {
  it('creates, lists and deletes bindings, and the who-can-do-what view follows them and the broker agrees', async () => {
    const prefix = uniqueName('orders')
    const topic = `${prefix}-eu`
    const C = { connectionId: sc.admin }
    await sc.call('topics.create', { ...C, topic, partitions: 1, replicationFactor: 1 })

    // Nothing on the topic yet: no principal, and only super users may use it.
    const before = await sc.call('security.access', { ...C, resourceType: 'TOPIC', resourceName: topic })
    expect(before).toMatchObject({ state: 'enabled', noAclMatches: true, principals: [] })
    expect(await aliceProduces(topic)).toBe('TOPIC_AUTHORIZATION_FAILED')

    const writeAll = acl({ resourceName: `${prefix}-`, patternType: 'PREFIXED', principal: 'User:alice', operation: 'ALL' })
    const denyAlter = acl({ resourceName: topic, principal: 'User:alice', operation: 'ALTER', permission: 'DENY' })
    const everyoneConfigs = acl({ resourceName: '*', principal: 'User:*', operation: 'ALTER_CONFIGS' })
    const bobFromHost = acl({ resourceName: topic, principal: 'User:bob', operation: 'READ', host: '10.1.2.3' })
    for (const a of [writeAll, denyAlter, everyoneConfigs, bobFromHost]) expect(await sc.call('security.acls.create', { ...C, ...a })).toEqual({ created: a })

    const listed = await waitFor(
      async () => {
        const l = await sc.call('security.acls.list', C)
        return [writeAll, denyAlter, everyoneConfigs, bobFromHost].every((a) => l.acls.some((x) => sameAcl(x, a))) && l
      },
      30_000,
      'the new ACLs to be listed',
    )
    expect(listed.state).toBe('enabled')

    const view = await sc.call('security.access', { ...C, resourceType: 'TOPIC', resourceName: topic })
    expect(view.noAclMatches).toBe(false)
    expect(view.operations).toEqual(['READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS'])
    // alice: ALL through the prefix, except ALTER which a literal DENY takes away.
    expect(decisions(view, 'User:alice')).toEqual({
      READ: 'allowed',
      WRITE: 'allowed',
      CREATE: 'allowed',
      DELETE: 'allowed',
      ALTER: 'denied',
      DESCRIBE: 'allowed',
      DESCRIBE_CONFIGS: 'allowed',
      ALTER_CONFIGS: 'allowed',
    })
    // Everyone: ALTER_CONFIGS on every topic, which implies DESCRIBE_CONFIGS.
    expect(decisions(view, 'User:*')).toMatchObject({ ALTER_CONFIGS: 'allowed', DESCRIBE_CONFIGS: 'allowed', READ: 'not-granted', DESCRIBE: 'not-granted' })
    // bob: READ (and so DESCRIBE) only from 10.1.2.3; from elsewhere only what everyone has.
    expect(decisions(view, 'User:bob', '10.1.2.3')).toMatchObject({ READ: 'allowed', DESCRIBE: 'allowed', WRITE: 'not-granted', ALTER_CONFIGS: 'allowed' })
    expect(decisions(view, 'User:bob')).toMatchObject({ READ: 'not-granted', DESCRIBE: 'not-granted', ALTER_CONFIGS: 'allowed' })
    expect(view.principals.find((p) => p.principal === 'User:alice')?.acls).toEqual(expect.arrayContaining([writeAll, denyAlter, everyoneConfigs]))
    // The broker agrees: alice may write now.
    expect(await waitFor(async () => (await aliceProduces(topic)) === true, 30_000, 'alice to be allowed to write')).toBe(true)

    // A DENY of WRITE for everyone wins over alice's ALLOW ALL.
    const denyWrite = acl({ resourceName: topic, principal: 'User:*', operation: 'WRITE', permission: 'DENY' })
    await sc.call('security.acls.create', { ...C, ...denyWrite })
    // Kafka answers CreateAcls/DeleteAcls once its controller has the change; the broker asked next
    // learns it from the metadata log a moment later, so reads after a change poll.
    const access = async () => sc.call('security.access', { ...C, resourceType: 'TOPIC', resourceName: topic })
    const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 300 })
    await poll(async () => decisions(await access(), 'User:alice')).toMatchObject({ WRITE: 'denied', READ: 'allowed', DESCRIBE: 'allowed' })
    expect(await waitFor(async () => (await aliceProduces(topic)) === 'TOPIC_AUTHORIZATION_FAILED', 30_000, 'alice to be refused')).toBe(true)

    // Deleting exactly one binding leaves the others.
    expect(await sc.call('security.acls.delete', { ...C, ...denyWrite })).toEqual({ deleted: 1 })
    expect(await sc.call('security.acls.delete', { ...C, ...denyWrite })).toEqual({ deleted: 0 })
    await poll(async () => decisions(await access(), 'User:alice').WRITE).toBe('allowed')
    expect(await waitFor(async () => (await aliceProduces(topic)) === true, 30_000, 'alice to write again')).toBe(true)
    for (const a of [writeAll, denyAlter, everyoneConfigs, bobFromHost]) expect(await sc.call('security.acls.delete', { ...C, ...a })).toEqual({ deleted: 1 })
    await poll(async () => (await sc.call('security.acls.list', C)).acls.filter((a) => a.resourceName.startsWith(prefix) || a.resourceName === '*')).toEqual([])
  }, 240_000)

  it("shows a group's operations and Kafka's error names", async () => {
    const C = { connectionId: sc.admin }
    const group = uniqueName('billing')
    const readGroup = acl({ resourceType: 'GROUP', resourceName: group, principal: 'User:bob', operation: 'READ' })
    await sc.call('security.acls.create', { ...C, ...readGroup })
    const view = await waitFor(
      async () => {
        const v = await sc.call('security.access', { ...C, resourceType: 'GROUP', resourceName: group })
        return !v.noAclMatches && v
      },
      30_000,
      'the group ACL to be seen',
    )
    expect(view.operations).toEqual(['READ', 'DELETE', 'DESCRIBE'])
    expect(decisions(view, 'User:bob')).toEqual({ READ: 'allowed', DELETE: 'not-granted', DESCRIBE: 'allowed' })
    await sc.call('security.acls.delete', { ...C, ...readGroup })

    const badCluster = await sc.fails('security.acls.create', {
      ...C,
      ...acl({ resourceType: 'CLUSTER', resourceName: 'my-cluster', principal: 'User:bob', operation: 'ALTER' }),
    })
    expect(badCluster.code).toBe('KAFKA_INVALID_REQUEST')
    expect(badCluster.message).toContain('kafka-cluster')

    const alice = await sc.as('alice')
    expect((await sc.fails('security.acls.list', { connectionId: alice })).code).toBe('KAFKA_CLUSTER_AUTHORIZATION_FAILED')
    const create = await sc.fails('security.acls.create', { connectionId: alice, ...acl({ resourceName: 'x', principal: 'User:alice', operation: 'READ' }) })
    expect(create.code).toBe('KAFKA_CLUSTER_AUTHORIZATION_FAILED')
  }, 120_000)
})
