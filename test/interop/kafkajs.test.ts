// kafkajs 2.2.4 against the target: admin API, produce with every codec, consume back.
import { decompress as zstdDecompress } from 'fzstd'
import { CompressionCodecs, CompressionTypes, ConfigResourceTypes, Kafka, logLevel, Partitioners, type Admin, type Consumer } from 'kafkajs'
import { compressFrameSync as lz4Compress, decompressFrameSync as lz4Decompress } from 'lz4-napi'
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CODECS, expectLog, keyedMessages, type Codec, type Consumed, type Produced } from './expect-log.ts'
import { eventually, startTarget, uniqueTopic, type Target } from './target.ts'
import { zstdStoredFrame } from './zstd-stored.ts'

// Java producers frame snappy the xerial way (magic header, then length-prefixed raw blocks);
// librdkafka and this codec write raw snappy, which Kafka's decoder accepts too.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
function snappyDecode(buf: Buffer): Buffer {
  if (buf.length < 16 || !buf.subarray(0, 8).equals(XERIAL_MAGIC)) return snappyUncompress(buf) as Buffer
  const parts: Buffer[] = []
  for (let pos = 16; pos < buf.length; ) {
    const len = buf.readUInt32BE(pos)
    parts.push(snappyUncompress(buf.subarray(pos + 4, pos + 4 + len)) as Buffer)
    pos += 4 + len
  }
  return Buffer.concat(parts)
}

type Encoder = { buffer: Buffer }
CompressionCodecs[CompressionTypes.Snappy] = () => ({
  compress: async (encoder: Encoder) => snappyCompress(encoder.buffer),
  decompress: async (buffer: Buffer) => snappyDecode(buffer),
})
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (encoder: Encoder) => lz4Compress(encoder.buffer),
  decompress: async (buffer: Buffer) => lz4Decompress(buffer),
})
// No zstd encoder exists here (Node 20 zlib lacks zstd; fzstd only decompresses), so kafkajs
// produces zstd as valid frames of stored blocks (see zstd-stored.ts); reading uses fzstd.
CompressionCodecs[CompressionTypes.ZSTD] = () => ({
  compress: async (encoder: Encoder) => zstdStoredFrame(encoder.buffer),
  decompress: async (buffer: Buffer) => Buffer.from(zstdDecompress(buffer)),
})

const compressionType: Record<Codec, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
}

let target: Target
let kafka: Kafka
let admin: Admin

beforeAll(async () => {
  target = await startTarget()
  kafka = new Kafka({ clientId: 'interop-kafkajs', brokers: [target.bootstrap], logLevel: logLevel.NOTHING })
  admin = kafka.admin()
  await admin.connect()
})

afterAll(async () => {
  await admin?.disconnect()
  await target?.stop()
})

/** Reads `count` messages from the start of `topic` with a fresh consumer group. */
async function consumeAll(topic: string, count: number): Promise<Consumed[]> {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueTopic('kafkajs-group'), maxWaitTimeInMs: 200 })
  const got: Consumed[] = []
  const seen = new Set<string>() // at-least-once: a rebalance may deliver an offset again
  try {
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen.size}/${count} messages in time`)), 45_000)
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            got.push({
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? null,
            })
            seen.add(`${partition}@${message.offset}`)
            if (seen.size >= count) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
    // Anything extra (e.g. a duplicate) would show up here.
    await new Promise((r) => setTimeout(r, 300))
  } finally {
    await consumer.disconnect()
  }
  return got
}

describe('kafkajs', () => {
  const topic = uniqueTopic('kafkajs')

  it('creates a topic with 3 partitions and sees it in metadata', async () => {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })).toBe(true)
    // Creating it again is refused (TOPIC_ALREADY_EXISTS), so createTopics reports false.
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(false)
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
    expect(topics).toHaveLength(1)
    expect(topics[0]!.name).toBe(topic)
    const parts = topics[0]!.partitions.sort((a, b) => a.partitionId - b.partitionId)
    expect(parts.map((p) => p.partitionId)).toEqual([0, 1, 2])
    for (const p of parts) {
      expect(p.partitionErrorCode).toBe(0)
      expect(p.leader).toBeGreaterThanOrEqual(0)
      expect(p.replicas).toContain(p.leader)
      expect(p.isr).toContain(p.leader)
    }
    expect(await admin.listTopics()).toContain(topic)
  })

  it('produces keyed messages with every codec and reads them back in order', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const produced: Produced[] = []
    try {
      for (const codec of CODECS) {
        const msgs = keyedMessages(`kafkajs-${codec}`, 24)
        const res = await producer.send({ topic, compression: compressionType[codec], acks: -1, messages: msgs })
        expect(res.every((r) => r.errorCode === 0 && r.topicName === topic)).toBe(true)
        produced.push(...msgs)
      }
    } finally {
      await producer.disconnect()
    }

    const consumed = await consumeAll(topic, produced.length)
    const keyPartition = expectLog(consumed, produced, 3)

    // kafkajs' DefaultPartitioner is murmur2 like Java's, so a key always goes to the same partition.
    const counts = [0, 1, 2].map((p) => produced.filter((m) => keyPartition.get(m.key) === p).length)
    const offsets = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition)
    expect(offsets.map((o) => [o.partition, Number(o.low), Number(o.high), Number(o.offset)])).toEqual(counts.map((n, p) => [p, 0, n, n]))
  })

  it('finds offsets by timestamp', async () => {
    const t = uniqueTopic('kafkajs-ts')
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 3 }], waitForLeaders: true })
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const base = Date.now() - 60_000
    await producer.send({
      topic: t,
      messages: [0, 1, 2, 3].map((i) => ({ partition: 1, value: `v${i}`, timestamp: String(base + i * 1000) })),
    })
    await producer.disconnect()
    const at = async (ts: number): Promise<number[]> =>
      (await admin.fetchTopicOffsetsByTimestamp(t, ts)).sort((a, b) => a.partition - b.partition).map((o) => Number(o.offset))
    // Earliest offset whose timestamp is >= the one asked for; empty partitions answer their end (0).
    expect(await at(base + 1500)).toEqual([0, 2, 0])
    expect(await at(base)).toEqual([0, 0, 0])
    expect(await at(base - 10_000)).toEqual([0, 0, 0])
    expect(await at(base + 3000)).toEqual([0, 3, 0])
    // Past the last timestamp Kafka answers "no offset" (-1); kafkajs then reports the log end.
    expect(await at(base + 10_000)).toEqual([0, 4, 0])
    await admin.deleteTopics({ topics: [t] })
  })

  it('alters and describes topic configs', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [
            { name: 'retention.ms', value: '86400000' },
            { name: 'cleanup.policy', value: 'delete' },
          ],
        },
      ],
    })
    await eventually(async () => {
      const res = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'segment.bytes'] }],
      })
      expect(res.resources).toHaveLength(1)
      const r = res.resources[0]!
      expect(r.errorCode).toBe(0)
      expect(r.resourceName).toBe(topic)
      const entry = (name: string) => r.configEntries.find((e) => e.configName === name)
      expect(entry('retention.ms')).toMatchObject({ configValue: '86400000', isDefault: false, readOnly: false })
      // Kafka's default segment.bytes is 1 GiB.
      expect(entry('segment.bytes')).toMatchObject({ configValue: '1073741824', isDefault: true })
      expect(r.configEntries.map((e) => e.configName).sort()).toEqual(['retention.ms', 'segment.bytes'])
    })

    // An invalid value is refused with a Kafka error (INVALID_CONFIG), not accepted.
    await expect(
      admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: 'soon' }] }],
      }),
    ).rejects.toThrow()
  })

  it('deletes records up to an offset', async () => {
    const before = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition)
    const p = before.find((o) => Number(o.high) >= 3)!
    expect(p).toBeDefined()
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: p.partition, offset: '2' }] })
    const after = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition)
    expect(after.map((o) => [o.partition, Number(o.low), Number(o.high)])).toEqual(
      before.map((o) => [o.partition, o.partition === p.partition ? 2 : 0, Number(o.high)]),
    )
  })

  it('adds partitions', async () => {
    await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] })
    await eventually(async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
      expect(topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3, 4])
    })
    // Shrinking is refused (INVALID_PARTITIONS).
    await expect(admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] })).rejects.toThrow()
    await eventually(async () => {
      const offsets = await admin.fetchTopicOffsets(topic)
      expect(offsets.filter((o) => o.partition >= 3).map((o) => [Number(o.low), Number(o.high)])).toEqual([
        [0, 0],
        [0, 0],
      ])
    })
  })

  it('deletes the topic', async () => {
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 })
    const deadline = Date.now() + 15_000
    while ((await admin.listTopics()).includes(topic) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(await admin.listTopics()).not.toContain(topic)
  })
})
