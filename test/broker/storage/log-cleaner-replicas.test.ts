// Each replica cleans its own log, as in Kafka: on a 3-broker embedded cluster (the built
// `kafkadesk cluster`, one process per broker) a compacted topic with replication factor 3 is
// produced with repeated keys; then every broker's copy of the partition, read straight from its
// segment files, holds one record per key below its active segment, each at the offset it was
// written at, and every broker's cleaner-offset-checkpoint names the partition.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbedded, type EmbeddedProcess } from '../../helpers/embedded'
import { splitBatches, readBatchHeader } from '../../../src-main/broker/records/batch'
import { decodeRecords } from '../../../src-main/broker/records/record'
import { readCleanerCheckpoint } from '../../../src-main/broker/storage/cleaner/cleaner-checkpoint'

let dataDir: string
let cluster: EmbeddedProcess

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-cleaner-replicas-'))
  cluster = await startEmbedded(dataDir, ['--brokers', '3', '--config', 'log.cleaner.backoff.ms=200'])
})

afterAll(async () => {
  await cluster?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

/** Records of the closed segments of one replica, read from its files. */
function closedSegmentRecords(partitionDir: string): Array<{ offset: number; key: string; value: string | null }> {
  const logs = readdirSync(partitionDir)
    .filter((f) => /^\d{20}\.log$/.test(f))
    .sort()
  const out: Array<{ offset: number; key: string; value: string | null }> = []
  for (const f of logs.slice(0, -1)) {
    for (const b of splitBatches(readFileSync(join(partitionDir, f))).batches) {
      if (readBatchHeader(b).control) continue
      for (const r of decodeRecords(b)) out.push({ offset: r.offset, key: r.key!.toString(), value: r.value?.toString() ?? null })
    }
  }
  return out
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('log cleaner on replicated partitions', () => {
  it("cleans the leader's and both followers' logs, each on its own broker", async () => {
    const kafka = new Kafka({ clientId: 'cleaner-replicas', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    const producer = kafka.producer()
    await producer.connect()
    try {
      const topic = 'compacted-rf3'
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: 1,
            replicationFactor: 3,
            configEntries: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'segment.ms', value: '100' },
              { name: 'min.cleanable.dirty.ratio', value: '0.01' },
            ],
          },
        ],
      })
      const latest = new Map<string, { offset: number; value: string }>()
      let offset = 0
      for (let round = 0; round < 5; round++) {
        const messages = Array.from({ length: 10 }, (_, i) => ({ key: `key-${(round * 3 + i) % 8}`, value: `r${round}-${i}`, partition: 0 }))
        await producer.send({ topic, acks: -1, messages })
        for (const m of messages) latest.set(m.key, { offset: offset++, value: m.value })
        await sleep(250) // past segment.ms: the next append rolls the segment
      }
      await producer.send({ topic, acks: -1, messages: [{ key: 'sentinel', value: 'active', partition: 0 }] })
      const want = [...latest].map(([key, v]) => ({ offset: v.offset, key, value: v.value })).sort((a, b) => a.offset - b.offset)
      for (const id of [1, 2, 3]) {
        const dir = join(dataDir, `broker-${id}`, `${topic}-0`)
        const deadline = Date.now() + 60_000
        let got = closedSegmentRecords(dir)
        while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < deadline) {
          await sleep(300)
          got = closedSegmentRecords(dir)
        }
        expect(got, `broker ${id}`).toEqual(want)
        const checkpoint = join(dataDir, `broker-${id}`, 'cleaner-offset-checkpoint')
        expect(existsSync(checkpoint), `broker ${id}`).toBe(true)
        expect(readCleanerCheckpoint(join(dataDir, `broker-${id}`)).get(`${topic}-0`), `broker ${id}`).toBe(50)
      }
    } finally {
      await producer.disconnect()
      await admin.disconnect()
    }
  }, 120_000)
})
