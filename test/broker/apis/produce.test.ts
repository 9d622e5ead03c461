// Produce semantics that depend on replication state, on three in-process brokers replicating
// over TCP: every replica starts in the ISR, acks=all is answered once the followers hold the
// records, and below min.insync.replicas acks=all is refused before anything is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { EmbeddedCluster } from '../../../src-main/broker/cluster'
import { RawClient } from '../../../src-main/console/raw-client'
import { ApiKey } from '../../../src-main/broker/protocol/api'
import { batchOf } from '../storage/helpers'

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

  it('appends the Produce requests a client pipelines while the first waits for its followers, and answers all in order', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'pipelined', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true })
    await admin.disconnect()
    const leader = cluster.brokers.find((b) => b.isLeader('pipelined', 0))!
    const log = leader.partitionLog('pipelined', 0)!
    const client = await RawClient.connect(`${leader.host}:${leader.port}`, { clientId: 'pipelining-producer' })
    try {
      const produce = (i: number) =>
        client.request(ApiKey.Produce, 9, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 30_000,
          topicData: [{ name: 'pipelined', partitionData: [{ index: 0, records: batchOf(2, `p${i}`) }] }],
        })
      // Five requests sent at once, as a producer with max.in.flight.requests.per.connection=5 does,
      // then a Metadata request, which must wait until all five are answered.
      const answered: string[] = []
      const endsAtFirstAnswer: number[] = []
      const produces = [0, 1, 2, 3, 4].map((i) =>
        produce(i).then((r) => {
          if (answered.length === 0) endsAtFirstAnswer.push(log.logEndOffset)
          answered.push(`produce ${i}`)
          return r
        }),
      )
      const metadata = client.request(ApiKey.Metadata, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }).then(() => {
        answered.push('metadata')
      })
      const results = await Promise.all(produces)
      await metadata
      expect(answered).toEqual(['produce 0', 'produce 1', 'produce 2', 'produce 3', 'produce 4', 'metadata'])
      expect(results.map((r) => Number(r.responses[0]!.partitionResponses[0]!.baseOffset))).toEqual([0, 2, 4, 6, 8])
      expect(results.every((r) => r.responses[0]!.partitionResponses[0]!.errorCode === 0)).toBe(true)
      // All five were in the leader's log before the first was acknowledged (Kafka would have
      // appended the second only after answering the first).
      expect(endsAtFirstAnswer).toEqual([10])
      for (const b of cluster.brokers) expect(b.partitionLog('pipelined', 0)!.logEndOffset).toBe(10)
    } finally {
      client.close()
    }
  })
})
