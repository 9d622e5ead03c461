// Produce semantics that depend on replication state: with followers not yet replicating,
// the ISR is the leader alone and acks=all honours min.insync.replicas against it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { EmbeddedCluster } from '../../../src-main/broker/cluster'

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-produce-'))
const cluster = new EmbeddedCluster({ brokers: 3, port: 0, dataDir: dir, log: () => {} })
let kafka: Kafka

beforeAll(async () => {
  await cluster.start()
  kafka = new Kafka({ clientId: 'produce-test', brokers: cluster.bootstrap().split(','), logLevel: logLevel.NOTHING })
})

afterAll(async () => {
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('Produce on a replicated topic', () => {
  it('reports only the leader in sync, and refuses acks=all below min.insync.replicas', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'rf3', numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] })
    const md = await admin.fetchTopicMetadata({ topics: ['rf3'] })
    for (const p of md.topics[0].partitions) {
      expect(p.replicas).toHaveLength(3)
      expect(p.isr).toEqual([p.leader])
    }
    await admin.disconnect()

    const producer = kafka.producer({ retry: { retries: 0 } })
    await producer.connect()
    await expect(producer.send({ topic: 'rf3', acks: -1, messages: [{ key: 'a', value: 'all' }] })).rejects.toMatchObject({ cause: { type: 'NOT_ENOUGH_REPLICAS' } })
    const [res] = await producer.send({ topic: 'rf3', acks: 1, messages: [{ key: 'a', value: 'one' }] })
    expect(res.errorCode).toBe(0)
    expect(res.baseOffset).toBe('0')
    await producer.disconnect()
  })
})
