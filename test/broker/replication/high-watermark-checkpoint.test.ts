// High watermarks survive a restart in Kafka's replication-offset-checkpoint file: its format,
// tolerance of a damaged file, and three brokers writing the committed offsets of their replicas
// when they stop.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { EmbeddedCluster } from '../../../src-main/broker/cluster'
import {
  HIGH_WATERMARK_CHECKPOINT_FILE,
  checkpointKey,
  readHighWatermarks,
  writeHighWatermarks,
} from '../../../src-main/broker/replication/high-watermark-checkpoint'

const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kafkadesk-hw-'))
  dirs.push(d)
  return d
}

describe('replication-offset-checkpoint', () => {
  it("writes Kafka's format and reads it back", () => {
    const dir = tempDir()
    writeHighWatermarks(dir, [
      { topic: 'orders', partition: 0, highWatermark: 42 },
      { topic: 'orders', partition: 1, highWatermark: 0 },
    ])
    expect(readFileSync(join(dir, HIGH_WATERMARK_CHECKPOINT_FILE), 'utf8')).toBe('0\n2\norders 0 42\norders 1 0\n')
    expect(readHighWatermarks(dir)).toEqual(
      new Map([
        [checkpointKey('orders', 0), 42],
        [checkpointKey('orders', 1), 0],
      ]),
    )
  })

  it('treats a missing or damaged file as no checkpoint', () => {
    const dir = tempDir()
    expect(readHighWatermarks(dir).size).toBe(0)
    writeFileSync(join(dir, HIGH_WATERMARK_CHECKPOINT_FILE), '0\n3\norders 0 42\n')
    expect(readHighWatermarks(dir).size).toBe(0)
    writeFileSync(join(dir, HIGH_WATERMARK_CHECKPOINT_FILE), '7\n1\norders 0 42\n')
    expect(readHighWatermarks(dir).size).toBe(0)
    writeFileSync(join(dir, HIGH_WATERMARK_CHECKPOINT_FILE), '0\n1\norders zero 42\n')
    expect(readHighWatermarks(dir).size).toBe(0)
  })

  it('is written by every broker with the committed offset of each replica it holds', async () => {
    const dir = tempDir()
    const cluster = new EmbeddedCluster({ brokers: 3, port: 0, dataDir: dir, log: () => {} })
    await cluster.start()
    try {
      const kafka = new Kafka({ clientId: 'hw-checkpoint', brokers: cluster.bootstrap().split(','), logLevel: logLevel.NOTHING })
      const admin = kafka.admin()
      await admin.connect()
      await admin.createTopics({ topics: [{ topic: 'committed', replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }], waitForLeaders: true })
      await admin.disconnect()
      const producer = kafka.producer()
      await producer.connect()
      await producer.send({ topic: 'committed', acks: -1, messages: Array.from({ length: 7 }, (_, i) => ({ partition: 0, value: `v${i}` })) })
      await producer.disconnect()
      // Followers learn the high watermark from the leader's next fetch answer.
      const t0 = Date.now()
      while (cluster.brokers.some((b) => b.partitionLog('committed', 0)!.highWatermark !== 7)) {
        if (Date.now() - t0 > 10_000) throw new Error('followers did not learn the high watermark')
        await new Promise((r) => setTimeout(r, 20))
      }
    } finally {
      await cluster.stop()
    }
    for (const b of cluster.brokers) expect(readHighWatermarks(b.logDir).get(checkpointKey('committed', 0))).toBe(7)
  })
})
