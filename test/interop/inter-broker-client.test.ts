// The connection one broker opens to another (replication/broker-client.ts), secured as the
// inter-broker listener asks, against a real peer: the secured target of security.test.ts (the
// embedded broker or, unchanged, Kafka 4.1 with KAFKADESK_TARGET=kafka). The client's settings
// come from the target's own secure.properties plus what a Kafka operator adds for inter-broker
// SASL (sasl.mechanism.inter.broker.protocol and the broker's username/password in
// listener.name.<l>.<mechanism>.sasl.jaas.config): PLAIN and SCRAM over SASL_SSL, SCRAM over
// SASL_PLAINTEXT, TLS alone over SSL. Each connects, authenticates and gets Metadata; a wrong
// password is refused with the broker's message.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrokerClient } from '../../src-main/broker/replication/broker-client'
import { interBrokerSecurity } from '../../src-main/broker/security/inter-broker-security'
import type { SecurityProtocol } from '../../src-main/broker/security/security-protocol'
import { parseProperties } from '../../src-main/broker/server/properties'
import { type ListenerName, type SecureTarget, startSecureTarget } from './security-target.ts'
import { kafkaTool, targetKind } from './target.ts'

const kind = targetKind()
let target: SecureTarget
let base: Record<string, string>

beforeAll(async () => {
  target = await startSecureTarget(kind)
  base = parseProperties(readFileSync(join(target.dir, 'secure.properties'), 'utf8'))
  for (const m of ['SCRAM-SHA-256', 'SCRAM-SHA-512'])
    await kafkaTool('kafka-configs', [
      '--bootstrap-server',
      target.at.PLAINTEXT,
      '--alter',
      '--entity-type',
      'users',
      '--entity-name',
      'admin',
      '--add-config',
      `${m}=[password=admin-scram]`,
    ])
}, 240_000)

afterAll(async () => {
  await target?.stop()
})

const METADATA = 3

async function connectAs(listener: ListenerName, mechanism: string | undefined, password: string): Promise<BrokerClient> {
  const configs = { ...base }
  if (mechanism) {
    const module = mechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule'
    configs['sasl.mechanism.inter.broker.protocol'] = mechanism
    configs[`listener.name.${listener.toLowerCase()}.${mechanism.toLowerCase()}.sasl.jaas.config`] =
      `${module} required username="admin" password="${password}";`
  }
  const i = target.at[listener].lastIndexOf(':')
  const security = interBrokerSecurity(configs, {
    name: listener,
    securityProtocol: listener as SecurityProtocol,
    host: '127.0.0.1',
    port: 0,
    advertisedHost: '127.0.0.1',
    advertisedPort: 0,
  })
  return BrokerClient.connect(target.at[listener].slice(0, i), Number(target.at[listener].slice(i + 1)), 'inter-broker-test', 20_000, security)
}

async function brokersSeen(c: BrokerClient): Promise<string[]> {
  const r = await c.request(
    METADATA,
    { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false },
    20_000,
    12,
  )
  return (r.body as { brokers: { host: string; port: number }[] }).brokers.map((b) => `${b.host}:${b.port}`)
}

describe(`the inter-broker client on secured listeners (${kind})`, () => {
  it.each([
    ['SASL_SSL', 'PLAIN', 'admin-secret'],
    ['SASL_SSL', 'SCRAM-SHA-512', 'admin-scram'],
    ['SASL_PLAINTEXT', 'SCRAM-SHA-256', 'admin-scram'],
    ['SSL', undefined, ''],
  ] as const)('%s with %s authenticates and is answered', async (listener, mechanism, password) => {
    // SCRAM credentials reach a Kafka broker through its metadata log: allow it a moment.
    let client: BrokerClient | undefined
    for (let i = 0; !client; i++) {
      try {
        client = await connectAs(listener, mechanism, password)
      } catch (e) {
        if (i >= 20) throw e
        await new Promise((r) => setTimeout(r, 500))
      }
    }
    try {
      expect(await brokersSeen(client)).toEqual([target.at[listener]])
    } finally {
      client.close()
    }
  })

  it('is refused a wrong password with the broker’s message', async () => {
    await expect(connectAs('SASL_SSL', 'SCRAM-SHA-512', 'wrong')).rejects.toThrow(
      'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    )
    await expect(connectAs('SASL_PLAINTEXT', 'PLAIN', 'wrong')).rejects.toThrow('Authentication failed: Invalid username or password')
  })
})
