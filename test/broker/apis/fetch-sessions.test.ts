// Incremental fetch sessions (KIP-227) as a follower uses them, over the wire on three in-process
// brokers: a full request with epoch 0 opens a session and is answered in full; an incremental
// request names only what changed and is answered only with partitions that have records or news;
// forgotten partitions leave the session; a replayed epoch, an unknown id or another fetcher's id
// is refused; consumers keep session-less full fetches. The session cache's own rules are checked
// alone first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { EmbeddedCluster } from '../../../src-main/broker/cluster'
import { RawClient } from '../../../src-main/console/raw-client'
import { ErrorCode } from '../../../src-main/broker/errors'
import { FetchSessionCache, nextSessionEpoch } from '../../../src-main/broker/apis/fetch-sessions'

describe('the fetch session cache', () => {
  it('checks id, owner and epoch, and evicts the least recently used session when full', () => {
    const cache = new FetchSessionCache(2)
    const a = cache.create(2)
    const b = cache.create(3)
    expect(a.id).not.toBe(b.id)
    expect(a.epoch).toBe(1)
    expect(cache.lookup(a.id, 1, 2)).toBe(a)
    expect(cache.lookup(a.id, 2, 2)).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH)
    expect(cache.lookup(a.id, 1, 3)).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
    expect(cache.lookup(12345, 1, 2)).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
    // a was used last: a third session evicts b.
    const c = cache.create(2)
    expect(cache.size).toBe(2)
    expect(cache.lookup(b.id, 1, 3)).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
    // Only its owner closes a session.
    cache.remove(c.id, 3)
    expect(cache.lookup(c.id, 1, 2)).toBe(c)
    cache.remove(c.id, 2)
    expect(cache.lookup(c.id, 1, 2)).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
    expect(nextSessionEpoch(0x7fffffff)).toBe(1)
  })
})

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-fetch-sessions-'))
const cluster = new EmbeddedCluster({ brokers: 3, port: 0, dataDir: dir, configs: { 'auto.leader.rebalance.enable': 'false' }, log: () => {} })
const TOPIC = 'sessions'
let kafka: Kafka
let client: RawClient

beforeAll(async () => {
  await cluster.start()
  kafka = new Kafka({ clientId: 'fetch-sessions-test', brokers: cluster.bootstrap().split(','), logLevel: logLevel.NOTHING })
  const b = cluster.brokers[0]!
  client = await RawClient.connect(`${b.host}:${b.port}`)
})

afterAll(async () => {
  client?.close()
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
})

interface Answer {
  errorCode: number
  sessionId: number
  /** partition → record bytes in the answer */
  partitions: Map<number, number>
}

/** A Fetch v17 to broker 1, the leader of both partitions, as replica `replicaId`. */
async function fetch(o: {
  replicaId: number
  topicId: Buffer
  sessionId: number
  sessionEpoch: number
  offsets: [partition: number, fetchOffset: number][]
  forgotten?: number[]
}): Promise<Answer> {
  const res = (await client.request(1, 17, {
    clusterId: null,
    replicaState: { replicaId: o.replicaId, replicaEpoch: -1 },
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: o.sessionId,
    sessionEpoch: o.sessionEpoch,
    topics: o.offsets.length
      ? [
          {
            topicId: o.topicId,
            partitions: o.offsets.map(([partition, fetchOffset]) => ({
              partition,
              currentLeaderEpoch: -1,
              fetchOffset,
              lastFetchedEpoch: -1,
              logStartOffset: 0,
              partitionMaxBytes: 1 << 20,
            })),
          },
        ]
      : [],
    forgottenTopicsData: o.forgotten?.length ? [{ topicId: o.topicId, partitions: o.forgotten }] : [],
    rackId: '',
  })) as { errorCode: number; sessionId: number; responses: { partitions: { partitionIndex: number; records: Buffer | null }[] }[] }
  const partitions = new Map<number, number>()
  for (const t of res.responses) for (const p of t.partitions) partitions.set(p.partitionIndex, p.records?.length ?? 0)
  return { errorCode: res.errorCode, sessionId: res.sessionId, partitions }
}

async function produce(partition: number, n: number): Promise<void> {
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ partition, value: `v${i}` })) })
  await producer.disconnect()
}

describe('fetch sessions on the wire', () => {
  it('answers a follower incrementally and refuses stale or foreign sessions', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          replicaAssignment: [
            { partition: 0, replicas: [1, 2, 3] },
            { partition: 1, replicas: [1, 3, 2] },
          ],
        },
      ],
      waitForLeaders: true,
    })
    await admin.disconnect()
    await produce(0, 3)
    await produce(1, 2)
    const topicId = cluster.brokers[0]!.metadata.topics.get(TOPIC)!.topicId
    const id = Buffer.from(topicId, 'base64')

    // Broker 2 (a replica of both) opens a session at the log ends: the answer is a full one.
    const opened = await fetch({
      replicaId: 2,
      topicId: id,
      sessionId: 0,
      sessionEpoch: 0,
      offsets: [
        [0, 3],
        [1, 2],
      ],
    })
    expect(opened.errorCode).toBe(ErrorCode.NONE)
    expect(opened.sessionId).toBeGreaterThan(0)
    expect([...opened.partitions.keys()].sort()).toEqual([0, 1])
    const sid = opened.sessionId

    // Nothing changed: the incremental answer names no partition.
    const quiet = await fetch({ replicaId: 2, topicId: id, sessionId: sid, sessionEpoch: 1, offsets: [] })
    expect(quiet).toMatchObject({ errorCode: ErrorCode.NONE, sessionId: sid })
    expect(quiet.partitions.size).toBe(0)

    // New records in partition 1 only: the answer carries partition 1, with them, though the
    // request named no partition (the session keeps the fetch offsets).
    await produce(1, 4)
    const news = await fetch({ replicaId: 2, topicId: id, sessionId: sid, sessionEpoch: 2, offsets: [] })
    expect([...news.partitions.keys()]).toEqual([1])
    expect(news.partitions.get(1)).toBeGreaterThan(0)

    // The same epoch again, someone else's session, an unknown one: refused.
    expect((await fetch({ replicaId: 2, topicId: id, sessionId: sid, sessionEpoch: 2, offsets: [] })).errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH)
    expect((await fetch({ replicaId: 3, topicId: id, sessionId: sid, sessionEpoch: 3, offsets: [] })).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
    expect((await fetch({ replicaId: 2, topicId: id, sessionId: 0x7ffffff0, sessionEpoch: 1, offsets: [] })).errorCode).toBe(
      ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
    )

    // Partition 1 moves to its log end and partition 0 is forgotten: new records in partition 0
    // no longer reach this session.
    const moved = await fetch({ replicaId: 2, topicId: id, sessionId: sid, sessionEpoch: 3, offsets: [[1, 6]], forgotten: [0] })
    expect(moved.errorCode).toBe(ErrorCode.NONE)
    await produce(0, 2)
    const after = await fetch({ replicaId: 2, topicId: id, sessionId: sid, sessionEpoch: 4, offsets: [] })
    expect(after.errorCode).toBe(ErrorCode.NONE)
    expect(after.partitions.has(0)).toBe(false)

    // Epoch -1 closes the session: the answer is a full, session-less one, and the id is gone.
    const closed = await fetch({
      replicaId: 2,
      topicId: id,
      sessionId: sid,
      sessionEpoch: -1,
      offsets: [
        [0, 5],
        [1, 6],
      ],
    })
    expect(closed).toMatchObject({ errorCode: ErrorCode.NONE, sessionId: 0 })
    expect([...closed.partitions.keys()].sort()).toEqual([0, 1])
    expect((await fetch({ replicaId: 2, topicId: id, sessionId: sid, sessionEpoch: 5, offsets: [] })).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)

    // A consumer asking for a session is told there is none and gets every partition.
    const consumer = await fetch({
      replicaId: -1,
      topicId: id,
      sessionId: 0,
      sessionEpoch: 0,
      offsets: [
        [0, 0],
        [1, 0],
      ],
    })
    expect(consumer.sessionId).toBe(0)
    expect(consumer.partitions.get(0)).toBeGreaterThan(0)
    expect(consumer.partitions.get(1)).toBeGreaterThan(0)
  })
})

describe('a session across a topic deleted and created again', () => {
  it('replicates the new topic of the same name while the followers keep their sessions with its leader', async () => {
    const name = 'again'
    // Both led by broker 2: 'stays' keeps its followers' fetchers, and so their sessions, alive
    // while 'again' leaves them (forgotten) and comes back under a new topic id.
    const assignment = [{ partition: 0, replicas: [2, 1, 3] }]
    const admin = kafka.admin()
    await admin.connect()
    try {
      await admin.createTopics({ topics: [{ topic: 'stays', replicaAssignment: assignment }], waitForLeaders: true })
      for (const round of [1, 2]) {
        await admin.createTopics({ topics: [{ topic: name, replicaAssignment: assignment }], waitForLeaders: true })
        const producer = kafka.producer()
        await producer.connect()
        await producer.send({ topic: name, acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `r${round}-${i}` })) })
        await producer.disconnect()
        // Every replica holds the five records of this round, and only them.
        for (let t0 = Date.now(); ; ) {
          const ends = cluster.brokers.map((b) => b.partitionLog(name, 0)?.logEndOffset)
          if (ends.every((e) => e === 5)) break
          if (Date.now() - t0 > 10_000) throw new Error(`round ${round}: replicas' log ends ${ends.join(', ')}, expected 5 each`)
          await new Promise((r) => setTimeout(r, 50))
        }
        if (round === 1) {
          await admin.deleteTopics({ topics: [name] })
          for (let t0 = Date.now(); cluster.brokers.some((b) => b.metadata.topics.has(name)); ) {
            if (Date.now() - t0 > 10_000) throw new Error('the topic was not deleted')
            await new Promise((r) => setTimeout(r, 50))
          }
        }
      }
    } finally {
      await admin.disconnect()
    }
  })
})
