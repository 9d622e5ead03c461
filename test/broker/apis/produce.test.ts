// Produce semantics that depend on replication state, on three in-process brokers replicating
// over TCP: every replica starts in the ISR, acks=all is answered once the followers hold the
// records, and below min.insync.replicas acks=all is refused before anything is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { EmbeddedCluster } from '../../../src-main/broker/cluster'

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-produce-'))
const cluster = new EmbeddedCluster({ brokers: 3, port: 0, dataDir: dir, configs: { 'replica.lag.time.max.ms': '2000' }, log: () => {} })
let kafka: Kafka

beforeAll(async () => {
  await cluster.start()
  kafka = new Kafka({ clientId: 'produce-test', brokers: cluster.bootstrap().split(','), logLevel: logLevel.NOTHING })
})

afterAll(async () => {
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('Produce on a replicated topic', () => {
  it('starts every replica in the ISR and answers acks=all once every replica holds the records', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [{ topic: 'rf3', numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
      waitForLeaders: true,
    })
    const md = await admin.fetchTopicMetadata({ topics: ['rf3'] })
    for (const p of md.topics[0].partitions) {
      expect(p.replicas).toHaveLength(3)
      expect([...p.isr].sort()).toEqual([...p.replicas].sort())
    }
    await admin.disconnect()

    const producer = kafka.producer({ retry: { retries: 0 } })
    await producer.connect()
    const [res] = await producer.send({ topic: 'rf3', acks: -1, messages: [{ partition: 0, key: 'a', value: 'all' }] })
    expect(res.errorCode).toBe(0)
    expect(res.baseOffset).toBe('0')
    await producer.disconnect()
    // acks=all was answered after the high watermark passed the record: every ISR member had it.
    for (const b of cluster.brokers) expect(b.partitionLog('rf3', 0)!.logEndOffset).toBe(1)
    const leader = cluster.brokers.find((b) => b.isLeader('rf3', 0))!
    expect(leader.partitionLog('rf3', 0)!.highWatermark).toBe(1)
  })

  it('refuses acks=all with NOT_ENOUGH_REPLICAS once the ISR is below min.insync.replicas, and writes nothing', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [{ topic: 'shrink', numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
      waitForLeaders: true,
    })
    await admin.disconnect()
    const leader = cluster.brokers.find((b) => b.isLeader('shrink', 0))!
    const followers = cluster.brokers.filter((b) => b !== leader)
    // Both followers shut down: a controlled shutdown takes them out of every ISR at once.
    for (const f of followers) await f.stop()
    try {
      expect(leader.topic('shrink')!.partitions[0]!.isr).toEqual([leader.nodeId])
      const client = new Kafka({ clientId: 'produce-test-alone', brokers: [`${leader.host}:${leader.port}`], logLevel: logLevel.NOTHING })
      const producer = client.producer({ retry: { retries: 0 } })
      await producer.connect()
      await expect(producer.send({ topic: 'shrink', acks: -1, messages: [{ key: 'a', value: 'all' }] })).rejects.toMatchObject({
        cause: { type: 'NOT_ENOUGH_REPLICAS' },
      })
      expect(leader.partitionLog('shrink', 0)!.logEndOffset).toBe(0)
      const [res] = await producer.send({ topic: 'shrink', acks: 1, messages: [{ key: 'a', value: 'one' }] })
      expect(res.errorCode).toBe(0)
      expect(res.baseOffset).toBe('0')
      await producer.disconnect()
    } finally {
      for (const f of followers) await f.start()
    }
    // The restarted followers catch up and the leader takes them back into the ISR.
    await until('the ISR to expand', () => leader.topic('shrink')!.partitions[0]!.isr.length === 3)
    for (const f of followers) expect(f.partitionLog('shrink', 0)!.logEndOffset).toBe(1)
  })

  it('commits acks=all at once on a partition whose leader is its only replica', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'rf1', numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })
    await admin.disconnect()
    const producer = kafka.producer({ retry: { retries: 0 } })
    await producer.connect()
    for (let i = 0; i < 3; i++) {
      const [res] = await producer.send({ topic: 'rf1', acks: -1, timeout: 30_000, messages: [{ value: `v${i}` }] })
      expect(res.errorCode).toBe(0)
      expect(res.baseOffset).toBe(String(i))
    }
    await producer.disconnect()
  })
})
