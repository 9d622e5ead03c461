// A compacted topic produced with repeated keys and tombstones, read back after the log cleaner
// ran: one record per live key, each at the offset it was written at, tombstones gone once
// delete.retention.ms passed, the earliest offset unchanged. The expectation is computed from the
// input alone, so the embedded cluster and Apache Kafka 4.1 (KAFKADESK_TARGET=kafka) must give the
// same key → value set and offsets. Small segment.ms makes every round its own segment; the
// cleaner's backoff is lowered with a dynamic cluster-wide broker config (log.cleaner.backoff.ms
// is dynamic in Kafka) so both clean within seconds.
import { CompressionTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RawClient } from '../../src-main/console/raw-client.ts'
import { eventually, kafkaTool, kcat, startTarget, uniqueTopic, type Target } from './target.ts'

interface Read {
  offset: number
  key: string
  value: string | null
}

let target: Target
let kafka: Kafka
let admin: Admin
let producer: Producer

beforeAll(async () => {
  target = await startTarget()
  kafka = new Kafka({ clientId: 'compaction-test', brokers: target.bootstrap.split(','), logLevel: logLevel.NOTHING })
  admin = kafka.admin()
  await admin.connect()
  producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  await kafkaTool('kafka-configs', [
    '--bootstrap-server',
    target.bootstrap,
    '--entity-type',
    'brokers',
    '--entity-default',
    '--alter',
    '--add-config',
    'log.cleaner.backoff.ms=300',
  ])
})

afterAll(async () => {
  // an external cluster (KAFKADESK_BOOTSTRAP) gets its cleaner backoff back
  if (target)
    await kafkaTool('kafka-configs', [
      '--bootstrap-server',
      target.bootstrap,
      '--entity-type',
      'brokers',
      '--entity-default',
      '--alter',
      '--delete-config',
      'log.cleaner.backoff.ms',
    ]).catch(() => undefined)
  await producer?.disconnect()
  await admin?.disconnect()
  await target?.stop()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Every record of partition 0 with kcat (librdkafka): offset, key, value (null for a tombstone). */
async function readAll(topic: string): Promise<Read[]> {
  const r = await kcat(['-b', target.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\t%k\t%S\t%s\n'])
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [offset, key, size, ...value] = l.split('\t')
      return { offset: Number(offset), key: key!, value: size === '-1' ? null : value.join('\t') }
    })
}

async function earliestOffset(topic: string): Promise<number> {
  const [p] = await admin.fetchTopicOffsets(topic)
  return Number(p!.low)
}

describe('log compaction', () => {
  it('keeps the latest value of every live key at its original offset, removes tombstones after delete.retention.ms and keeps the earliest offset', async () => {
    const topic = uniqueTopic('compacted')
    await kafkaTool('kafka-topics', [
      '--bootstrap-server',
      target.bootstrap,
      '--create',
      '--topic',
      topic,
      '--partitions',
      '1',
      '--replication-factor',
      '1',
      '--config',
      'cleanup.policy=compact',
      '--config',
      'segment.ms=100',
      '--config',
      'min.cleanable.dirty.ratio=0.01',
      '--config',
      'delete.retention.ms=1000',
    ])
    await eventually(async () => {
      const md = await admin.fetchTopicMetadata({ topics: [topic] })
      if (md.topics[0]?.partitions[0]?.leader === undefined || md.topics[0].partitions[0].leader < 0) throw new Error('no leader yet')
    })
    // 6 rounds, each a batch of its own segment; keys repeat across rounds, some become tombstones
    const written: Read[] = []
    let next = 0
    const send = async (msgs: Array<{ key: string; value: string | null }>, compression = CompressionTypes.None, by = producer) => {
      await by.send({ topic, acks: -1, compression, messages: msgs.map((m) => ({ ...m, partition: 0 })) })
      for (const m of msgs) written.push({ offset: next++, key: m.key, value: m.value })
    }
    // an idempotent producer whose only batch is overwritten later: the cleaner keeps it as an
    // empty batch (its producer's last), which consumers must step over
    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
    await idempotent.connect()
    await send([{ key: 'key-0', value: 'from an idempotent producer' }], CompressionTypes.None, idempotent)
    await idempotent.disconnect()
    for (let round = 0; round < 6; round++) {
      const msgs = Array.from({ length: 12 }, (_, i) => {
        const key = `key-${(round * 5 + i) % 15}`
        const tombstone = (round + i) % 5 === 4
        return { key, value: tombstone ? null : `r${round}-v${i}` }
      })
      await send(msgs, round % 2 === 1 ? CompressionTypes.GZIP : CompressionTypes.None)
      await sleep(250) // past segment.ms: the next append rolls the segment
    }
    await send([{ key: 'sentinel', value: 'rolls the last data segment' }])

    // the latest write of each key below the sentinel, as compaction must leave it (tombstones still there)
    const latest = new Map<string, Read>()
    for (const w of written) latest.set(w.key, w)
    const cleaned = (reads: Read[]) => {
      const keys = reads.map((r) => r.key)
      return new Set(keys).size === keys.length
    }
    // first cleaning: one record per key, tombstones kept (their delete horizon is in the future)
    const first = await eventually(
      async () => {
        const r = await readAll(topic)
        if (!cleaned(r)) throw new Error(`not cleaned yet: ${r.length} records`)
        return r
      },
      60_000,
      500,
    )
    // every record is the latest of its key, at the offset it was written at
    for (const r of first) expect(r).toEqual(latest.get(r.key))
    for (const l of latest.values()) if (l.value !== null) expect(first).toContainEqual(l)
    expect(await earliestOffset(topic)).toBe(0)

    // once delete.retention.ms has passed, a later cleaning drops the tombstones; new dirt makes sure one runs
    await sleep(1200)
    await send([{ key: 'nudge-1', value: 'a' }])
    await sleep(250)
    await send([{ key: 'nudge-2', value: 'b' }])
    const live = [...latest.values(), written[written.length - 2]!, written[written.length - 1]!]
      .filter((w) => w.value !== null)
      .sort((a, b) => a.offset - b.offset)
    const final = await eventually(
      async () => {
        const r = await readAll(topic)
        if (r.some((x) => x.value === null))
          throw new Error(
            `tombstones still there: ${r
              .filter((x) => x.value === null)
              .map((x) => x.key)
              .join(',')}`,
          )
        return r
      },
      60_000,
      500,
    )
    expect(final).toEqual(live)
    expect(new Map(final.map((r) => [r.key, r.value]))).toEqual(new Map(live.map((r) => [r.key, r.value])))
    // a kafkajs consumer reads the cleaned log (delete-horizon, rewritten and empty batches) to the same records
    const consumer = kafka.consumer({ groupId: `${topic}-reader` })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const seen: Read[] = []
    await consumer.run({
      eachMessage: async ({ message }) =>
        void seen.push({ offset: Number(message.offset), key: message.key!.toString(), value: message.value?.toString() ?? null }),
    })
    await eventually(async () => expect(seen.length).toBeGreaterThanOrEqual(live.length), 30_000, 200)
    await consumer.disconnect()
    expect(seen).toEqual(live)
    expect(await earliestOffset(topic)).toBe(0)
    expect(written.filter((w) => w.value === null).length).toBeGreaterThan(0)
  }, 180_000)

  it('cleans __consumer_offsets too: repeated commits of a group collapse to the latest, which the group still reads', async () => {
    const topic = uniqueTopic('offsets-cleaned')
    const groupId = `${topic}-group`
    await kafkaTool('kafka-topics', ['--bootstrap-server', target.bootstrap, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 20 }, (_, i) => ({ value: `v${i}`, partition: 0 })) })
    // the group's partition of __consumer_offsets: Java's String.hashCode of the group id, modulo 50
    let h = 0
    for (const c of groupId) h = (Math.imul(31, h) + c.charCodeAt(0)) | 0
    const offsetsPartition = Math.abs(h) % 50
    // commits as an admin does (OffsetCommit v8, no generation), on the coordinator (the only broker)
    const raw = await RawClient.connect(target.bootstrap.split(',')[0]!)
    const commit = async (offset: number) => {
      const r = await raw.request(8, 8, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: '' }] }],
      })
      const code = r.topics[0].partitions[0].errorCode as number
      if (code !== 0) throw new Error(`OffsetCommit error ${code}`)
    }
    // finding the coordinator creates __consumer_offsets (on first use) and loads the group's partition
    await eventually(
      async () => {
        const r = await raw.request(10, 3, { key: groupId, keyType: 0 })
        if (r.errorCode !== 0) throw new Error(`FindCoordinator error ${r.errorCode}`)
        await commit(0)
      },
      30_000,
      500,
    )
    await kafkaTool('kafka-configs', [
      '--bootstrap-server',
      target.bootstrap,
      '--entity-type',
      'topics',
      '--entity-name',
      '__consumer_offsets',
      '--alter',
      '--add-config',
      'segment.ms=100,min.cleanable.dirty.ratio=0.01',
    ])
    await sleep(1500) // Kafka applies topic config changes through its metadata log
    for (let offset = 1; offset <= 10; offset++) {
      await commit(offset)
      await sleep(250) // past segment.ms: every commit rolls the segment before it
    }
    raw.close()
    /** Offset-commit records of this group in its __consumer_offsets partition (kcat, JSON). */
    const commits = async () => {
      const r = await kcat(['-b', target.bootstrap, '-C', '-t', '__consumer_offsets', '-p', String(offsetsPartition), '-o', 'beginning', '-e', '-q', '-J'])
      return r.stdout.split('\n').filter((l) => l.includes(groupId) && l.includes(topic)).length
    }
    await eventually(
      async () => {
        const n = await commits()
        // of the 11 commits, the newest below the active segment and perhaps one in it
        if (n === 0) throw new Error('no commit record of the group found in its __consumer_offsets partition')
        if (n > 2) throw new Error(`${n} commit records of the group still there`)
      },
      60_000,
      500,
    )
    const fetched = await admin.fetchOffsets({ groupId, topics: [topic] })
    expect(fetched[0]!.partitions[0]).toMatchObject({ partition: 0, offset: '10' })
    await kafkaTool('kafka-configs', [
      '--bootstrap-server',
      target.bootstrap,
      '--entity-type',
      'topics',
      '--entity-name',
      '__consumer_offsets',
      '--alter',
      '--delete-config',
      'segment.ms,min.cleanable.dirty.ratio',
    ])
  }, 120_000)
})
