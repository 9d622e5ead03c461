// Long-polling fetches wait on their own partitions: an append elsewhere leaves them parked (it
// used to wake every parked fetch to re-read all of its partitions), an append to one of theirs
// answers them at once; a follower's is not woken by a high watermark move, since it reads to the
// log end. The purgatory's rules alone first, then a consumer's Fetch on the wire.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { EmbeddedCluster } from '../../../src-main/broker/cluster'
import { RawClient } from '../../../src-main/console/raw-client'
import { FetchPurgatory } from '../../../src-main/broker/apis/fetch-purgatory'

describe('the fetch purgatory', () => {
  it('wakes a fetch only for the partitions it watches, and forgets it once woken', async () => {
    const purgatory = new FetchPurgatory()
    let woken = false
    const parked = purgatory
      .watch(60_000, [
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 1 },
        { topic: null, partition: 0 },
      ])
      .then(() => (woken = true))
    expect(purgatory.size).toBe(2)
    purgatory.wake('a', 2)
    purgatory.wake('b', 0)
    await new Promise((r) => setImmediate(r))
    expect(woken).toBe(false)
    purgatory.wake('a', 1)
    await parked
    expect(purgatory.size).toBe(0)
  })

  it('wakes a consumer on a high watermark move, a follower only on an append', async () => {
    const purgatory = new FetchPurgatory()
    const woken: string[] = []
    const consumer = purgatory.watch(60_000, [{ topic: 'a', partition: 0 }]).then(() => woken.push('consumer'))
    const follower = purgatory.watch(60_000, [{ topic: 'a', partition: 0 }], true).then(() => woken.push('follower'))
    purgatory.wakeReaders('a', 0)
    await consumer
    await new Promise((r) => setImmediate(r))
    expect(woken).toEqual(['consumer'])
    expect(purgatory.size).toBe(1)
    purgatory.wake('a', 0)
    await follower
    expect(woken).toEqual(['consumer', 'follower'])
    expect(purgatory.size).toBe(0)
  })

  it('wakes a follower at the end of the turn in which its partition was appended to, not at the append', async () => {
    const purgatory = new FetchPurgatory()
    let woken = false
    const follower = purgatory.watch(60_000, [{ topic: 'a', partition: 0 }], true).then(() => (woken = true))
    purgatory.wake('a', 0)
    purgatory.wake('a', 0)
    // Still parked after the appending code's microtasks: later appends of this turn join the answer.
    for (let i = 0; i < 5; i++) await Promise.resolve()
    expect(woken).toBe(false)
    expect(purgatory.size).toBe(1)
    await follower
    expect(woken).toBe(true)
    expect(purgatory.size).toBe(0)
  })

  it('lets the wait run out, and wakes everything when asked', async () => {
    const purgatory = new FetchPurgatory()
    const started = Date.now()
    await purgatory.watch(30, [{ topic: 'a', partition: 0 }])
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    expect(purgatory.size).toBe(0)
    const both = Promise.all([purgatory.watch(60_000, [{ topic: 'a', partition: 0 }]), purgatory.watch(60_000, [{ topic: 'b', partition: 3 }], true)])
    purgatory.wakeAll()
    await both
    expect(purgatory.size).toBe(0)
  })
})

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-fetch-purgatory-'))
const cluster = new EmbeddedCluster({ brokers: 1, port: 0, dataDir: dir, log: () => {} })
let kafka: Kafka
let client: RawClient

beforeAll(async () => {
  await cluster.start()
  kafka = new Kafka({ clientId: 'fetch-purgatory-test', brokers: [cluster.bootstrap()], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: [
      { topic: 'busy', numPartitions: 1 },
      { topic: 'quiet', numPartitions: 2 },
    ],
    waitForLeaders: true,
  })
  await admin.disconnect()
  const b = cluster.brokers[0]!
  client = await RawClient.connect(`${b.host}:${b.port}`)
})

afterAll(async () => {
  client?.close()
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('a long-polling consumer fetch', () => {
  it('stays parked through appends to other topics and is answered by an append to its own', async () => {
    const broker = cluster.brokers[0]!
    const parks = vi.spyOn(broker, 'waitForAppend')
    const producer = kafka.producer()
    await producer.connect()
    try {
      const started = Date.now()
      const answer = client.request(1, 12, {
        replicaId: -1,
        maxWaitMs: 20_000,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: 'quiet',
            partitions: [0, 1].map((partition) => ({
              partition,
              currentLeaderEpoch: -1,
              fetchOffset: 0,
              lastFetchedEpoch: -1,
              logStartOffset: -1,
              partitionMaxBytes: 1 << 20,
            })),
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      }) as Promise<{ errorCode: number; responses: { partitions: { partitionIndex: number; records: Buffer | null }[] }[] }>
      await vi.waitFor(() => expect(parks).toHaveBeenCalledTimes(1))
      for (let i = 0; i < 20; i++) await producer.send({ topic: 'busy', messages: [{ value: `b${i}` }] })
      // Twenty appends to another topic: the fetch never woke to read its partitions again.
      expect(parks).toHaveBeenCalledTimes(1)
      await producer.send({ topic: 'quiet', messages: [{ partition: 1, value: 'here' }] })
      const res = await answer
      expect(Date.now() - started).toBeLessThan(15_000)
      expect(res.errorCode).toBe(0)
      const bytes = new Map(res.responses.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.records?.length ?? 0])))
      expect(bytes.get(0)).toBe(0)
      expect(bytes.get(1)).toBeGreaterThan(0)
    } finally {
      parks.mockRestore()
      await producer.disconnect()
    }
  })
})
