// Replication between brokers over secured listeners only: a 3-broker `kafkadesk cluster` whose one
// listener is SSL (JKS keystore and truststore made by keytool, client certificates required,
// so followers must present the broker's certificate) or SASL_SSL (PLAIN, the broker's own
// username/password from listener.name.sasl_ssl.plain.sasl.jaas.config), and that listener is
// the inter-broker one. An RF=3 topic gets all three replicas into the ISR, a follower killed
// with kill -9 rejoins the ISR after a restart, and once the leader is killed the records
// acknowledged with acks=all are all read from a follower that became leader.
// Embedded cluster only: scripts/kafka/start-cluster.sh starts Kafka with PLAINTEXT listeners.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenerTls } from '../../src-main/broker/security/tls-config'
import { KeytoolCa } from '../helpers/keytool-stores'
import { type ClusterTarget, eventually, startCluster, uniqueTopic } from './target.ts'

const stores = mkdtempSync(join(tmpdir(), 'kafkadesk-replication-secure-'))
let ca: KeytoolCa
let clientTls: { ca: string[]; key: string; cert: string }
const common: Record<string, string> = {}

beforeAll(() => {
  ca = new KeytoolCa(stores)
  const brokerJks = ca.signedKey('broker.jks', { alias: 'broker', cn: 'localhost', storepass: 'broker-store' })
  const trustJks = ca.truststore('truststore.jks', 'JKS', 'trust-store')
  const clientJks = ca.signedKey('client.jks', { alias: 'client', cn: 'app-client', storepass: 'client-store' })
  Object.assign(common, {
    'ssl.keystore.location': brokerJks,
    'ssl.keystore.password': 'broker-store',
    'ssl.truststore.location': trustJks,
    'ssl.truststore.password': 'trust-store',
    'replica.lag.time.max.ms': '5000',
  })
  // The test's own client reads its JKS keystore the way the broker does, for kafkajs's PEM options.
  const o = listenerTls({ 'ssl.keystore.location': clientJks, 'ssl.keystore.password': 'client-store', 'ssl.truststore.location': trustJks }, 'client').options
  clientTls = { ca: o.ca as string[], key: o.key as string, cert: o.cert as string }
}, 180_000)

afterAll(() => rmSync(stores, { recursive: true, force: true }))

const variants = [
  {
    listener: 'SSL',
    configs: () => ({ ...common, listeners: 'SSL://127.0.0.1:0', 'inter.broker.listener.name': 'SSL', 'ssl.client.auth': 'required' }),
    client: (): Partial<KafkaConfig> => ({ ssl: { ...clientTls, servername: 'localhost' } }),
  },
  {
    listener: 'SASL_SSL',
    configs: () => ({
      ...common,
      listeners: 'SASL_SSL://127.0.0.1:0',
      'security.inter.broker.protocol': 'SASL_SSL',
      'sasl.enabled.mechanisms': 'PLAIN',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      'listener.name.sasl_ssl.plain.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="broker-secret" user_broker="broker-secret" user_app="app-secret";',
    }),
    client: (): Partial<KafkaConfig> => ({
      ssl: { ca: clientTls.ca, servername: 'localhost' },
      sasl: { mechanism: 'plain', username: 'app', password: 'app-secret' },
    }),
  },
] as const

describe.each(variants)('replication over $listener only (embedded)', (v) => {
  let cluster: ClusterTarget
  const topic = uniqueTopic(`repl-${v.listener.toLowerCase()}`)

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, kind: 'embedded', configs: v.configs() })
  }, 180_000)
  afterAll(async () => {
    await cluster?.stop()
    if (cluster) rmSync(cluster.dataDir, { recursive: true, force: true })
  })

  const kafka = (ids = [1, 2, 3]) =>
    new Kafka({
      clientId: 'replication-secure',
      brokers: ids.map((id) => cluster.brokers.get(id)!.address),
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 200 },
      connectionTimeout: 10_000,
      ...v.client(),
    })

  async function isr(ids = [1, 2, 3]): Promise<{ leader: number; isr: number[] }> {
    const admin = kafka(ids).admin()
    await admin.connect()
    try {
      const md = await admin.fetchTopicMetadata({ topics: [topic] })
      const p = md.topics[0]!.partitions[0]!
      return { leader: p.leader, isr: [...p.isr].sort() }
    } finally {
      await admin.disconnect()
    }
  }

  async function produce(values: string[], ids = [1, 2, 3]): Promise<void> {
    const producer = kafka(ids).producer()
    await producer.connect()
    try {
      await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) })
    } finally {
      await producer.disconnect()
    }
  }

  it('fills the ISR of an RF=3 topic, and a killed follower rejoins it after a restart', async () => {
    const admin = kafka().admin()
    await admin.connect()
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true })
    } finally {
      await admin.disconnect()
    }
    await produce(['a', 'b', 'c'])
    const first = await eventually(async () => {
      const s = await isr()
      if (s.isr.length !== 3) throw new Error(`ISR ${s.isr}`)
      return s
    }, 60_000)
    expect(first.isr).toEqual([1, 2, 3])
    const follower = [1, 2, 3].find((id) => id !== first.leader)!
    await cluster.kill(follower)
    const alive = [1, 2, 3].filter((id) => id !== follower)
    await eventually(async () => {
      const s = await isr(alive)
      if (s.isr.includes(follower)) throw new Error(`ISR still ${s.isr}`)
    }, 60_000)
    await produce(['d', 'e'], alive)
    await cluster.start(follower)
    const back = await eventually(async () => {
      const s = await isr()
      if (s.isr.length !== 3) throw new Error(`ISR ${s.isr}`)
      return s
    }, 90_000)
    expect(back.isr).toEqual([1, 2, 3])
  }, 300_000)

  it('a follower that became leader after the leader was killed serves every acknowledged record', async () => {
    const { leader } = await isr()
    await cluster.kill(leader)
    const alive = [1, 2, 3].filter((id) => id !== leader)
    const now = await eventually(async () => {
      const s = await isr(alive)
      if (s.leader === leader || s.leader < 0) throw new Error(`leader still ${s.leader}`)
      return s
    }, 60_000)
    expect(alive).toContain(now.leader)
    const consumer = kafka(alive).consumer({ groupId: `g-${topic}` })
    const seen: string[] = []
    await consumer.connect()
    try {
      await consumer.subscribe({ topic, fromBeginning: true })
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) })
      await eventually(async () => {
        if (seen.length < 5) throw new Error(`read ${seen.length}`)
      }, 60_000)
    } finally {
      await consumer.disconnect()
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e'])
    await cluster.start(leader)
  }, 300_000)
})
