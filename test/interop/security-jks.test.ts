// A broker configured with JKS stores exactly as a Kafka user writes server.properties:
// ssl.keystore.location (JKS, Kafka's default type) with ssl.keystore.password and
// ssl.key.password, a JKS ssl.truststore.location with its password, and client certificates
// required on the SSL listener (ssl.client.auth=required), all made with keytool. The same
// settings start the embedded cluster and, unchanged, Kafka 4.1 (KAFKADESK_TARGET=kafka); the
// Java client (with its own JKS keystore and truststore) and kcat (PKCS12 keystore, PEM CA)
// produce and consume over SSL, and a client without a certificate is refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeytoolCa } from '../helpers/keytool-stores'
import { startSecureTarget, type SecureTarget } from './security-target.ts'
import { kafkaTool, kcat, run, targetKind, uniqueTopic } from './target.ts'

const kind = targetKind()
const stores = mkdtempSync(join(tmpdir(), 'kafkadesk-jks-'))
const topic = uniqueTopic('jks')
let target: SecureTarget
let ca: KeytoolCa
let clientJks: string
let clientP12: string
let trustJks: string

beforeAll(async () => {
  ca = new KeytoolCa(stores)
  const brokerJks = ca.signedKey('broker.jks', { alias: 'broker', cn: 'localhost', storepass: 'broker-store', keypass: 'broker-key' })
  trustJks = ca.truststore('truststore.jks', 'JKS', 'trust-store')
  clientJks = ca.signedKey('client.jks', { alias: 'client', cn: 'app-client', storepass: 'client-store' })
  clientP12 = ca.toPkcs12(clientJks, 'client-store', 'client.p12', 'client-store')
  target = await startSecureTarget(kind, {
    'ssl.keystore.type': 'JKS',
    'ssl.keystore.location': brokerJks,
    'ssl.keystore.password': 'broker-store',
    'ssl.key.password': 'broker-key',
    'ssl.truststore.type': 'JKS',
    'ssl.truststore.location': trustJks,
    'ssl.truststore.password': 'trust-store',
    'listener.name.ssl.ssl.client.auth': 'required',
    // The certificate's subject is the client's principal (DefaultKafkaPrincipalBuilder).
    'super.users': 'User:admin;User:ANONYMOUS;User:CN=app-client',
  })
  await kafkaTool('kafka-topics', ['--bootstrap-server', target.at.PLAINTEXT, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
}, 300_000)

afterAll(async () => {
  await target?.stop()
  rmSync(stores, { recursive: true, force: true })
})

function javaSslProps(): string {
  const f = join(stores, 'client-ssl.properties')
  writeFileSync(
    f,
    [
      'security.protocol=SSL',
      `ssl.keystore.location=${clientJks}`,
      'ssl.keystore.password=client-store',
      `ssl.truststore.location=${trustJks}`,
      'ssl.truststore.password=trust-store',
      '',
    ].join('\n'),
  )
  return f
}

const rdkafkaSsl = (withCert: boolean) => [
  '-b',
  target.at.SSL,
  '-X',
  'security.protocol=ssl',
  '-X',
  `ssl.ca.location=${ca.pem}`,
  ...(withCert ? ['-X', `ssl.keystore.location=${clientP12}`, '-X', 'ssl.keystore.password=client-store'] : []),
]

describe(`JKS keystore and truststore (${kind})`, () => {
  it('the Java producer and consumer, with JKS stores of their own, round-trip over SSL with client certificates', async () => {
    const props = javaSslProps()
    await kafkaTool('kafka-console-producer', ['--bootstrap-server', target.at.SSL, '--topic', topic, '--producer.config', props], {
      input: 'from-java-1\nfrom-java-2\n',
    })
    const r = await kafkaTool('kafka-console-consumer', [
      '--bootstrap-server',
      target.at.SSL,
      '--topic',
      topic,
      '--consumer.config',
      props,
      '--from-beginning',
      '--max-messages',
      '2',
      '--timeout-ms',
      '30000',
    ])
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(['from-java-1', 'from-java-2'])
  })

  it('kcat with a client certificate reads the broker’s address and the records over SSL', async () => {
    const md = JSON.parse((await kcat([...rdkafkaSsl(true), '-L', '-J'], { timeoutMs: 20_000 })).stdout) as { brokers: { name: string }[] }
    expect(md.brokers.map((b) => b.name)).toEqual([target.at.SSL])
    await kcat([...rdkafkaSsl(true), '-P', '-t', topic], { input: 'from-kcat\n', timeoutMs: 20_000 })
    const r = await kcat([...rdkafkaSsl(true), '-C', '-t', topic, '-o', 'beginning', '-e', '-q'], { timeoutMs: 30_000 })
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(['from-java-1', 'from-java-2', 'from-kcat'])
  })

  it('refuses a client without a certificate (ssl.client.auth=required)', async () => {
    const r = await run('kcat', [...rdkafkaSsl(false), '-L', '-m', '5'], { timeoutMs: 30_000 })
    expect(r.code).not.toBe(0)
    expect(r.stdout).not.toContain(target.at.SSL)
    expect(r.stderr).toMatch(/SSL|handshake|Disconnected|transport/i)
  })
})
