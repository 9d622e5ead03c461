// Security against real clients: TLS, SASL (PLAIN, SCRAM-SHA-256/512) and ACLs, on the embedded
// cluster and, unchanged, on Apache Kafka 4.1 (KAFKADESK_TARGET=kafka). Both targets run with the
// same security settings: scripts/kafka/start-secure.sh writes them (DIR/secure.properties, with
// its local CA and broker certificate); Kafka starts with them, and the embedded cluster is
// started with that very file plus four listeners on free ports:
//   PLAINTEXT (inter-broker; User:ANONYMOUS is a super user, as Kafka needs for it), SSL,
//   SASL_PLAINTEXT, SASL_SSL; PLAIN users admin/alice/bob (password <name>-secret); SCRAM users
//   made here with kafka-configs; StandardAuthorizer with super user User:admin.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, kafkaTool, kcat, repoRoot, run, runOk, systemPython, targetKind, uniqueTopic } from './target.ts'
import { startSecureTarget, type ListenerName, type SecureTarget } from './security-target.ts'

const kind = targetKind()
let target: SecureTarget
let at: Record<ListenerName, string>
let ca: string
let dir: string
const topic = uniqueTopic('secure')
const hidden = uniqueTopic('secure-hidden')

const PLAIN_FAILED = 'Authentication failed: Invalid username or password'
const scramFailed = (m: string) => `Authentication failed during authentication due to invalid credentials with SASL mechanism ${m}`

beforeAll(async () => {
  target = await startSecureTarget(kind)
  ;({ at, ca, dir } = target)
  // SCRAM credentials as an operator makes them: kafka-configs over the PLAINTEXT listener (ANONYMOUS is a super user there).
  // One request may name a user once: both mechanisms at once is refused, as Kafka does.
  const twice = await run(
    'bash',
    [
      join(repoRoot, 'scripts', 'kafka', 'kafka-configs'),
      '--bootstrap-server',
      at.PLAINTEXT,
      '--alter',
      '--entity-type',
      'users',
      '--entity-name',
      'admin',
      '--add-config',
      'SCRAM-SHA-256=[iterations=4096,password=admin-scram],SCRAM-SHA-512=[password=admin-scram]',
    ],
    { timeoutMs: 55_000 },
  )
  if (!twice.stderr.includes('DuplicateResourceException: A user credential cannot be altered twice in the same request'))
    throw new Error(`expected DuplicateResourceException:\n${twice.stderr.slice(-2000)}`)
  await kafkaTool('kafka-configs', [
    '--bootstrap-server',
    at.PLAINTEXT,
    '--alter',
    '--entity-type',
    'users',
    '--entity-name',
    'admin',
    '--add-config',
    'SCRAM-SHA-256=[iterations=4096,password=admin-scram]',
  ])
  await kafkaTool('kafka-configs', [
    '--bootstrap-server',
    at.PLAINTEXT,
    '--alter',
    '--entity-type',
    'users',
    '--entity-name',
    'admin',
    '--add-config',
    'SCRAM-SHA-512=[password=admin-scram]',
  ])
  await kafkaTool('kafka-configs', [
    '--bootstrap-server',
    at.PLAINTEXT,
    '--alter',
    '--entity-type',
    'users',
    '--entity-name',
    'alice',
    '--add-config',
    'SCRAM-SHA-256=[password=alice-scram]',
  ])
  await kafkaTool('kafka-topics', ['--bootstrap-server', at.PLAINTEXT, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
  await kafkaTool('kafka-topics', ['--bootstrap-server', at.PLAINTEXT, '--create', '--topic', hidden, '--partitions', '1', '--replication-factor', '1'])
}, 240_000)

afterAll(async () => {
  await target?.stop()
})

/** librdkafka settings for a listener and (on SASL listeners) a user. */
function rdkafka(listener: ListenerName, user?: { mechanism: string; name: string; password: string }): string[] {
  const x = ['-X', `security.protocol=${listener.toLowerCase()}`]
  if (listener.endsWith('SSL')) x.push('-X', `ssl.ca.location=${ca}`)
  if (user) x.push('-X', `sasl.mechanisms=${user.mechanism}`, '-X', `sasl.username=${user.name}`, '-X', `sasl.password=${user.password}`)
  return ['-b', at[listener], ...x]
}

function kafkajsConfig(listener: ListenerName, mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username: string, password: string): KafkaConfig {
  const base = { clientId: 'interop-secure', brokers: [at[listener]], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 10_000 }
  const ssl = listener.endsWith('SSL') ? { ssl: { ca: [readFileSync(ca, 'utf8')] } } : {}
  if (mechanism === 'plain') return { ...base, ...ssl, sasl: { mechanism, username, password } }
  if (mechanism === 'scram-sha-256') return { ...base, ...ssl, sasl: { mechanism, username, password } }
  return { ...base, ...ssl, sasl: { mechanism, username, password } }
}

/** A Java client properties file for the console tools. */
function javaProps(name: string, lines: Record<string, string>): string {
  const f = join(dir, `${name}.properties`)
  writeFileSync(
    f,
    Object.entries(lines)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  )
  return f
}

const javaSaslSsl = (mechanism: string, user: string, password: string) => ({
  'security.protocol': 'SASL_SSL',
  'sasl.mechanism': mechanism,
  'sasl.jaas.config': `${mechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule'} required username="${user}" password="${password}";`,
  'ssl.truststore.type': 'PEM',
  'ssl.truststore.location': ca,
})

describe(`security (${kind})`, () => {
  it('tells each listener’s clients the broker’s address on that listener', async () => {
    for (const [listener, user] of [
      ['SSL', undefined],
      ['SASL_PLAINTEXT', { mechanism: 'PLAIN', name: 'admin', password: 'admin-secret' }],
      ['SASL_SSL', { mechanism: 'PLAIN', name: 'admin', password: 'admin-secret' }],
    ] as const) {
      const r = await kcat([...rdkafka(listener, user), '-L', '-J'], { timeoutMs: 20_000 })
      const md = JSON.parse(r.stdout) as { brokers: { id: number; name: string }[] }
      expect(md.brokers.map((b) => b.name)).toEqual([at[listener]])
    }
  })

  it('kcat produces over SSL and SASL_PLAINTEXT and consumes over SASL_SSL (PLAIN)', async () => {
    await kcat([...rdkafka('SSL'), '-P', '-t', topic, '-K', ':'], { input: 'k1:over-ssl\n' })
    await kcat([...rdkafka('SASL_PLAINTEXT', { mechanism: 'PLAIN', name: 'admin', password: 'admin-secret' }), '-P', '-t', topic, '-K', ':'], {
      input: 'k2:over-sasl-plaintext\n',
    })
    const r = await kcat(
      [
        ...rdkafka('SASL_SSL', { mechanism: 'PLAIN', name: 'admin', password: 'admin-secret' }),
        '-C',
        '-t',
        topic,
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        '%k=%s\\n',
      ],
      { timeoutMs: 30_000 },
    )
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(['k1=over-ssl', 'k2=over-sasl-plaintext'])
  })

  it('refuses a wrong password with Kafka’s message (kcat, PLAIN and SCRAM)', async () => {
    const plain = await run('kcat', [...rdkafka('SASL_PLAINTEXT', { mechanism: 'PLAIN', name: 'alice', password: 'wrong' }), '-L', '-m', '3'], {
      timeoutMs: 20_000,
    })
    expect(plain.code).not.toBe(0)
    expect(plain.stderr).toContain(`SASL authentication error: ${PLAIN_FAILED}`)
    const scram = await run('kcat', [...rdkafka('SASL_SSL', { mechanism: 'SCRAM-SHA-256', name: 'alice', password: 'wrong' }), '-L', '-m', '3'], {
      timeoutMs: 20_000,
    })
    expect(scram.code).not.toBe(0)
    expect(scram.stderr).toContain(`SASL authentication error: ${scramFailed('SCRAM-SHA-256')}`)
    // librdkafka 2.0.x repeats its nonce in its final SCRAM message: Kafka 4.1 refuses even the
    // right password from it with the same message, and so must the embedded broker.
    const doubledNonce = await run('kcat', [...rdkafka('SASL_SSL', { mechanism: 'SCRAM-SHA-512', name: 'admin', password: 'admin-scram' }), '-L', '-m', '3'], {
      timeoutMs: 20_000,
    })
    expect(doubledNonce.stderr).toContain(`SASL authentication error: ${scramFailed('SCRAM-SHA-512')}`)
  })

  it('kafkajs produces and lists offsets over SASL_SSL with SCRAM-SHA-256 and is refused a wrong PLAIN password', async () => {
    const kafka = new Kafka(kafkajsConfig('SASL_SSL', 'scram-sha-256', 'admin', 'admin-scram'))
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic, messages: [{ key: 'k3', value: 'from-kafkajs' }] })
    await producer.disconnect()
    // The record is the third of the topic (read back by the Java consumer below).
    const admin = kafka.admin()
    await admin.connect()
    try {
      expect(await admin.fetchTopicOffsets(topic)).toEqual([expect.objectContaining({ partition: 0, high: '3', low: '0' })])
    } finally {
      await admin.disconnect()
    }
    const bad = new Kafka(kafkajsConfig('SASL_PLAINTEXT', 'plain', 'admin', 'wrong')).admin()
    await expect(bad.connect()).rejects.toThrow(PLAIN_FAILED)
  })

  it('confluent-kafka-python (PLAIN) and kafka-python (SCRAM-SHA-512) authenticate over SASL_SSL', async () => {
    const confluent = `
import json, sys
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient
conf = {"bootstrap.servers": sys.argv[1], "security.protocol": "SASL_SSL", "ssl.ca.location": sys.argv[2], "sasl.mechanisms": "PLAIN", "sasl.username": "admin", "sasl.password": sys.argv[3]}
md = AdminClient(conf).list_topics(timeout=10)
p = Producer(conf)
reports = []
p.produce(sys.argv[4], key=b"k4", value=b"from-confluent", on_delivery=lambda err, m: reports.append(str(err) if err else "ok"))
p.flush(15)
print(json.dumps({"brokers": [f"{b.host}:{b.port}" for b in md.brokers.values()], "reports": reports}))
`
    const ok = await runOk(systemPython, ['-c', confluent, at.SASL_SSL, ca, 'admin-secret', topic], { timeoutMs: 40_000 })
    expect(JSON.parse(ok.stdout)).toEqual({ brokers: [at.SASL_SSL], reports: ['ok'] })
    const kafkaPython = `
import json, sys
from kafka import KafkaProducer
from kafka.errors import KafkaError
def producer(password):
    return KafkaProducer(bootstrap_servers=sys.argv[1], security_protocol="SASL_SSL", ssl_cafile=sys.argv[2], sasl_mechanism="SCRAM-SHA-512", sasl_plain_username="admin", sasl_plain_password=password, request_timeout_ms=10000, api_version_auto_timeout_ms=10000)
p = producer("admin-scram")
md = p.send(sys.argv[3], key=b"k5", value=b"from-kafka-python").get(timeout=15)
p.close()
try:
    producer("wrong")
    refused = None
except KafkaError as e:
    refused = type(e).__name__
print(json.dumps({"offset": md.offset, "refused": refused}))
`
    const kp = await runOk(systemPython, ['-c', kafkaPython, at.SASL_SSL, ca, topic], { timeoutMs: 40_000 })
    const out = JSON.parse(kp.stdout) as { offset: number; refused: string | null }
    expect(out.offset).toBe(4)
    // kafka-python gives up on a broker that refused it without the broker's message, against Kafka too.
    expect(out.refused).toBe('NoBrokersAvailable')
  })

  it('the Java console consumer reads over SASL_SSL with SCRAM-SHA-256', async () => {
    const props = javaProps('java-scram', javaSaslSsl('SCRAM-SHA-256', 'admin', 'admin-scram'))
    const r = await kafkaTool('kafka-console-consumer', [
      '--bootstrap-server',
      at.SASL_SSL,
      '--consumer.config',
      props,
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      '5',
      '--timeout-ms',
      '30000',
    ])
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(['over-ssl', 'over-sasl-plaintext', 'from-kafkajs', 'from-confluent', 'from-kafka-python'])
  })

  it('kafka-acls --add, --list and --remove round-trip', async () => {
    const base = ['--bootstrap-server', at.PLAINTEXT]
    await kafkaTool('kafka-acls', [...base, '--add', '--allow-principal', 'User:alice', '--operation', 'Write', '--operation', 'Describe', '--topic', topic])
    await kafkaTool('kafka-acls', [
      ...base,
      '--add',
      '--allow-principal',
      'User:alice',
      '--operation',
      'Read',
      '--group',
      'alice-',
      '--resource-pattern-type',
      'prefixed',
    ])
    const listed = await eventually(async () => {
      const r = await kafkaTool('kafka-acls', [...base, '--list', '--topic', topic])
      expect(r.stdout).toContain('principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW')
      return r.stdout
    })
    expect(listed).toContain(`ResourcePattern(resourceType=TOPIC, name=${topic}, patternType=LITERAL)`)
    expect(listed).toContain('principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW')
    const groups = await kafkaTool('kafka-acls', [...base, '--list', '--group', 'alice-', '--resource-pattern-type', 'prefixed'])
    expect(groups.stdout).toContain('ResourcePattern(resourceType=GROUP, name=alice-, patternType=PREFIXED)')
    // A temporary DENY, removed again: --remove lists nothing for it afterwards.
    await kafkaTool('kafka-acls', [...base, '--add', '--deny-principal', 'User:bob', '--operation', 'All', '--topic', topic])
    await kafkaTool('kafka-acls', [...base, '--remove', '--force', '--deny-principal', 'User:bob', '--operation', 'All', '--topic', topic])
    await eventually(async () => {
      const r = await kafkaTool('kafka-acls', [...base, '--list', '--principal', 'User:bob'])
      expect(r.stdout).not.toContain('permissionType=DENY')
    })
  })

  it('a principal without Read gets TOPIC_AUTHORIZATION_FAILED; Write and Describe are honoured; topics it may not describe are hidden', async () => {
    const alice = { mechanism: 'PLAIN', name: 'alice', password: 'alice-secret' }
    // Write is allowed (the ACL above): produce works.
    await eventually(() => kcat([...rdkafka('SASL_SSL', alice), '-P', '-t', topic], { input: 'from-alice\n', timeoutMs: 20_000 }))
    // Read is not.
    const read = await run('kcat', [...rdkafka('SASL_SSL', alice), '-C', '-t', topic, '-o', 'beginning', '-e', '-q'], { timeoutMs: 20_000 })
    expect(read.code).not.toBe(0)
    expect(read.stderr).toMatch(/Topic authorization failed/i)
    // The topic without ACLs is not listed to alice; her topic is.
    const md = JSON.parse((await kcat([...rdkafka('SASL_SSL', alice), '-L', '-J'], { timeoutMs: 20_000 })).stdout) as { topics: { topic: string }[] }
    const names = md.topics.map((t) => t.topic)
    expect(names).toContain(topic)
    expect(names).not.toContain(hidden)
    // Java: the console consumer fails with TopicAuthorizationException.
    const props = javaProps('java-alice', javaSaslSsl('SCRAM-SHA-256', 'alice', 'alice-scram'))
    const java = await run(
      'bash',
      [
        join(repoRoot, 'scripts', 'kafka', 'kafka-console-consumer'),
        '--bootstrap-server',
        at.SASL_SSL,
        '--consumer.config',
        props,
        '--topic',
        topic,
        '--group',
        'alice-1',
        '--from-beginning',
        '--max-messages',
        '1',
        '--timeout-ms',
        '15000',
      ],
      { timeoutMs: 55_000 },
    )
    expect(java.stderr + java.stdout).toContain('TopicAuthorizationException')
    // kafkajs: fetching offsets of the topic as alice is refused the same way.
    const admin = new Kafka(kafkajsConfig('SASL_SSL', 'scram-sha-256', 'alice', 'alice-scram')).admin()
    await admin.connect()
    try {
      await expect(admin.fetchTopicOffsets(hidden)).rejects.toThrow(/authoriz/i)
    } finally {
      await admin.disconnect()
    }
  })
})
