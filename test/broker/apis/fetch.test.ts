// Fetch, OffsetForLeaderEpoch and ListOffsets as followers and epoch-aware clients use them, over
// the wire on three in-process brokers that replicate over TCP: leader-epoch fencing
// (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH), DivergingEpoch for a follower whose log went past
// where its last epoch ended on the leader (KIP-595), the end offset of each epoch (KIP-101/320),
// and the epoch ListOffsets names with each offset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { EmbeddedCluster } from '../../../src-main/broker/cluster'
import { RawClient } from '../../../src-main/console/raw-client'
import type { ApiKeyNumber, ApiRequestInput } from '../../../src-main/broker/protocol/api'
import { ErrorCode } from '../../../src-main/broker/errors'

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-fetch-'))
const cluster = new EmbeddedCluster({ brokers: 3, port: 0, dataDir: dir, configs: { 'auto.leader.rebalance.enable': 'false' }, log: () => {} })
const TOPIC = 'epochs'
let kafka: Kafka

beforeAll(async () => {
  await cluster.start()
  kafka = new Kafka({ clientId: 'fetch-test', brokers: cluster.bootstrap().split(','), logLevel: logLevel.NOTHING })
})

afterAll(async () => {
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
})

function address(id: number): string {
  const b = cluster.brokers[id - 1]!
  return `${b.host}:${b.port}`
}

async function call<T = any, K extends ApiKeyNumber = ApiKeyNumber>(id: number, apiKey: K, version: number, body: ApiRequestInput<K>): Promise<T> {
  const c = await RawClient.connect(address(id))
  try {
    return (await c.request(apiKey, version, body)) as T
  } finally {
    c.close()
  }
}

/** One partition's answer to a Fetch v12 (topic names; ReplicaId as a field) sent to broker `id`. */
async function fetchPartition(id: number, p: { replicaId: number; fetchOffset: number; currentLeaderEpoch?: number; lastFetchedEpoch?: number }) {
  const res = await call(id, 1, 12, {
    replicaId: p.replicaId,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: TOPIC,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
            fetchOffset: p.fetchOffset,
            lastFetchedEpoch: p.lastFetchedEpoch ?? -1,
            logStartOffset: -1,
            partitionMaxBytes: 1 << 20,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  })
  return res.responses[0].partitions[0] as {
    errorCode: number
    highWatermark: bigint | number
    divergingEpoch: { epoch: number; endOffset: bigint | number }
    records: Buffer | null
  }
}

async function leaderOf(): Promise<{ leader: number; leaderEpoch: number; isr: number[] }> {
  const live = cluster.brokers.find((b) => !b.stopped)!.nodeId
  const md = await call(live, 3, 12, {
    topics: [{ name: TOPIC, topicId: Buffer.alloc(16) }],
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  })
  const p = md.topics[0].partitions[0]
  return { leader: p.leaderId, leaderEpoch: p.leaderEpoch, isr: [...p.isrNodes].sort() }
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const t0 = Date.now()
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function produce(n: number, tag: string): Promise<void> {
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ partition: 0, value: `${tag}${i}` })) })
  await producer.disconnect()
}

const n = (v: bigint | number) => Number(v)

describe('leader epochs on the wire', () => {
  it('fences clients and followers by leader epoch and tells a diverged follower where its epoch ended', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: TOPIC, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }], waitForLeaders: true })
    await admin.disconnect()
    await produce(10, 'a')
    expect(await leaderOf()).toMatchObject({ leader: 1, leaderEpoch: 0 })

    // A client ahead of this broker's metadata, and a stranger posing as a follower.
    expect((await fetchPartition(1, { replicaId: -1, fetchOffset: 0, currentLeaderEpoch: 1 })).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    expect((await fetchPartition(1, { replicaId: 9, fetchOffset: 0, currentLeaderEpoch: 0 })).errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    // A follower claiming offsets of epoch 0 up to 15, where the leader's epoch 0 ends at its log end, 10.
    const diverged = await fetchPartition(1, { replicaId: 2, fetchOffset: 15, currentLeaderEpoch: 0, lastFetchedEpoch: 0 })
    expect(diverged.errorCode).toBe(ErrorCode.NONE)
    expect({ epoch: diverged.divergingEpoch.epoch, endOffset: n(diverged.divergingEpoch.endOffset) }).toEqual({ epoch: 0, endOffset: 10 })
    expect(diverged.records === null || diverged.records.length === 0).toBe(true)
    // A follower in step gets the records from its offset up to the log end.
    const inStep = await fetchPartition(1, { replicaId: 2, fetchOffset: 4, currentLeaderEpoch: 0, lastFetchedEpoch: 0 })
    expect(inStep.errorCode).toBe(ErrorCode.NONE)
    expect(inStep.divergingEpoch.epoch).toBe(-1)
    expect(inStep.records!.length).toBeGreaterThan(0)

    // Leadership moves: broker 1 shuts down, another replica leads under epoch 1.
    await cluster.brokers[0]!.stop()
    const moved = await until('a new leader', async () => {
      const l = await leaderOf()
      return l.leader !== 1 && l.leader > 0 ? l : undefined
    })
    expect(moved.leaderEpoch).toBeGreaterThan(0)
    await produce(5, 'b')
    await cluster.brokers[0]!.start()
    await until('broker 1 back in the ISR', async () => ((await leaderOf()).isr.length === 3 ? true : undefined))
    const now = await leaderOf()
    const follower = [1, 2, 3].find((id) => id !== now.leader)!

    // A client still on epoch 0 is fenced; a follower that kept writing epoch 0 past 10 diverged.
    expect((await fetchPartition(now.leader, { replicaId: -1, fetchOffset: 0, currentLeaderEpoch: 0 })).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    const old = await fetchPartition(now.leader, { replicaId: follower, fetchOffset: 12, currentLeaderEpoch: now.leaderEpoch, lastFetchedEpoch: 0 })
    expect({ epoch: old.divergingEpoch.epoch, endOffset: n(old.divergingEpoch.endOffset) }).toEqual({ epoch: 0, endOffset: 10 })
    // Every replica copied the new epoch's records and wrote the epoch boundary at 10.
    for (const b of cluster.brokers) {
      expect(b.partitionLog(TOPIC, 0)!.logEndOffset).toBe(15)
      expect(b.replicas.endOffsetForEpoch(TOPIC, 0, 0)).toEqual({ epoch: 0, endOffset: 10 })
    }
  })

  it('answers OffsetForLeaderEpoch from the leader epoch cache, on the leader only', async () => {
    const { leader, leaderEpoch } = await leaderOf()
    const follower = [1, 2, 3].find((id) => id !== leader)!
    const ask = async (id: number, parts: { leaderEpoch: number; currentLeaderEpoch?: number }[]) => {
      const res = await call(id, 23, 4, {
        replicaId: -1,
        topics: [
          { topic: TOPIC, partitions: parts.map((p) => ({ partition: 0, currentLeaderEpoch: p.currentLeaderEpoch ?? -1, leaderEpoch: p.leaderEpoch })) },
        ],
      })
      return (res.topics[0].partitions as { errorCode: number; leaderEpoch: number; endOffset: bigint | number }[]).map((p) => ({
        errorCode: p.errorCode,
        leaderEpoch: p.leaderEpoch,
        endOffset: n(p.endOffset),
      }))
    }
    expect(await ask(leader, [{ leaderEpoch: 0 }, { leaderEpoch: leaderEpoch, currentLeaderEpoch: leaderEpoch }, { leaderEpoch: leaderEpoch + 5 }])).toEqual([
      { errorCode: ErrorCode.NONE, leaderEpoch: 0, endOffset: 10 },
      { errorCode: ErrorCode.NONE, leaderEpoch, endOffset: 15 },
      { errorCode: ErrorCode.NONE, leaderEpoch: -1, endOffset: -1 },
    ])
    expect((await ask(leader, [{ leaderEpoch: 0, currentLeaderEpoch: 0 }]))[0]!.errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    expect((await ask(follower, [{ leaderEpoch: 0 }]))[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    const unknown = await call(leader, 23, 4, {
      replicaId: -1,
      topics: [{ topic: 'no-such-topic', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }],
    })
    expect(unknown.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  it('names the epoch of each offset in ListOffsets', async () => {
    const { leader, leaderEpoch } = await leaderOf()
    const list = async (timestamp: number, currentLeaderEpoch = -1) => {
      const res = await call(leader, 2, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch, timestamp }] }],
      })
      const p = res.topics[0].partitions[0]
      return { errorCode: p.errorCode, offset: n(p.offset), leaderEpoch: p.leaderEpoch }
    }
    expect(await list(-2)).toEqual({ errorCode: 0, offset: 0, leaderEpoch: 0 })
    expect(await list(-1)).toEqual({ errorCode: 0, offset: 15, leaderEpoch })
    // By timestamp: the first record, written under epoch 0.
    expect(await list(0)).toMatchObject({ errorCode: 0, offset: 0, leaderEpoch: 0 })
    expect((await list(-1, leaderEpoch + 1)).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    if (leaderEpoch > 0) expect((await list(-1, 0)).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
  })
})
