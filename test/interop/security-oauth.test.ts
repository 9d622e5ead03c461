// SASL/OAUTHBEARER with unsecured JWTs, Kafka's default server-side validation, on the embedded
// cluster and Kafka 4.1 with the same settings (security-target.ts plus OAUTHBEARER enabled on
// the SASL listeners): kafkajs and kcat (librdkafka's unsecured token builder) authenticate as
// the token's subject, and ACLs apply to that principal; an expired token is refused.
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kafkaTool, kcat, run, targetKind, uniqueTopic } from './target.ts'
import { startSecureTarget, type SecureTarget } from './security-target.ts'

const kind = targetKind()
let target: SecureTarget
const topic = uniqueTopic('oauth')
const JAAS = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";'

beforeAll(async () => {
  target = await startSecureTarget(kind, {
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
    'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': JAAS,
    'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config': JAAS,
  })
  await kafkaTool('kafka-topics', ['--bootstrap-server', target.at.PLAINTEXT, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
  await kafkaTool('kafka-acls', [
    '--bootstrap-server',
    target.at.PLAINTEXT,
    '--add',
    '--allow-principal',
    'User:carol',
    '--operation',
    'Describe',
    '--topic',
    topic,
  ])
}, 240_000)

afterAll(async () => {
  await target?.stop()
})

/** An unsecured JWS (alg none, empty signature) as Kafka's unsecured login module makes them. */
function unsecuredJwt(sub: string, expiresInSec: number): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return `${b64({ alg: 'none' })}.${b64({ sub, iat: now, exp: now + expiresInSec })}.`
}

describe(`OAUTHBEARER with unsecured JWTs (${kind})`, () => {
  it('kafkajs authenticates as the token subject, whose ACLs then apply', async () => {
    const kafka = (token: string) =>
      new Kafka({
        clientId: 'interop-oauth',
        brokers: [target.at.SASL_PLAINTEXT],
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) },
      })
    const admin = kafka(unsecuredJwt('carol', 3600)).admin()
    await admin.connect()
    try {
      // carol may describe only this topic: it is the one she sees.
      expect(await admin.listTopics()).toEqual([topic])
    } finally {
      await admin.disconnect()
    }
    // An expired token: the broker answers with an error challenge (RFC 7628) and the exchange
    // fails; kafkajs reads that challenge as success, so the failure shows on its first request.
    const expired = kafka(unsecuredJwt('carol', -3600)).admin()
    const refused = await expired
      .connect()
      .then(() => expired.listTopics())
      .then(
        () => null,
        (e: Error) => e,
      )
    await expired.disconnect()
    expect(refused).toBeInstanceOf(Error)
  })

  it('kcat authenticates with librdkafka’s unsecured token builder', async () => {
    const args = [
      '-b',
      target.at.SASL_PLAINTEXT,
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanisms=OAUTHBEARER',
      '-X',
      'enable.sasl.oauthbearer.unsecure.jwt=true',
    ]
    const r = await kcat([...args, '-X', 'sasl.oauthbearer.config=principal=carol', '-L', '-J'], { timeoutMs: 20_000 })
    const md = JSON.parse(r.stdout) as { topics: { topic: string }[] }
    expect(md.topics.map((t) => t.topic)).toEqual([topic])
    // admin is a super user: it sees the topic too (among any others).
    const asAdmin = await run('kcat', [...args, '-X', 'sasl.oauthbearer.config=principal=admin', '-L', '-J'], { timeoutMs: 20_000 })
    expect(asAdmin.code).toBe(0)
    expect(asAdmin.stdout).toContain(topic)
  })
})
