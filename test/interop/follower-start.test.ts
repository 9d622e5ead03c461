// A follower starts fetching a partition it is given at once, even while its fetch to that
// partition's leader is parked there (a follower Fetch waits up to replica.fetch.wait.max.ms for
// data). Here that wait is 20 s and nothing else is produced, so a follower that only asked for
// the new partition in its next fetch would leave an acks=all produce unanswered past its 5 s
// timeout: on a topic created while the cluster is idle, and on a partition whose leader was
// just killed (the new leader's remaining follower moves to it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { startEmbedded, type EmbeddedProcess } from '../helpers/embedded'
import { eventually } from './target'
import { ApiKey, RawClient } from '../../src-main/console/raw-client'
import { buildBatch } from '../../src-main/broker/records/record'

const PARKED_MS = 20_000
const PRODUCE_TIMEOUT_MS = 5_000

let cluster: EmbeddedProcess
let dir: string
const addresses = new Map<number, string>()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-follower-start-'))
  cluster = await startEmbedded(dir, ['--brokers', '3', '--config', `replica.fetch.wait.max.ms=${PARKED_MS}`, '--config', 'replica.lag.time.max.ms=60000'])
  for (const m of cluster.stderr().matchAll(/broker (\d+) pid \d+ listening on (\S+)/g)) addresses.set(Number(m[1]), m[2]!)
}, 60_000)

afterAll(async () => {
  await cluster?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'follower-start', brokers: [...addresses.values()], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 3 }], waitForLeaders: true })
  } finally {
    await admin.disconnect()
  }
}

async function leaderOf(topic: string, partition: number, via: number): Promise<number> {
  const c = await RawClient.connect(addresses.get(via)!)
  try {
    const r = await c.request(ApiKey.Metadata, 12, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    const partitions: { partitionIndex: number; leaderId: number }[] = r.topics[0]?.partitions ?? []
    return partitions.find((p) => p.partitionIndex === partition)?.leaderId ?? -1
  } finally {
    c.close()
  }
}

/** One record with acks=all straight to `broker`; its error code (7 = REQUEST_TIMED_OUT). */
async function produceAll(broker: number, topic: string, partition: number): Promise<number> {
  const c = await RawClient.connect(addresses.get(broker)!)
  try {
    const r = await c.request(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: PRODUCE_TIMEOUT_MS,
      topicData: [{ name: topic, partitionData: [{ index: partition, records: buildBatch({ records: [{ value: `to ${broker}` }] }) }] }],
    })
    return r.responses[0].partitionResponses[0].errorCode
  } finally {
    c.close()
  }
}

describe('a follower given a partition while its fetch is parked on the leader', () => {
  beforeAll(async () => {
    // Every broker leads one partition and follows the other two: each has a fetch parked on each peer.
    await createTopic('idle', 3)
    for (let p = 0; p < 3; p++) expect(await produceAll(await leaderOf('idle', p, 1), 'idle', p)).toBe(0)
    await new Promise((r) => setTimeout(r, 1000))
  }, 60_000)

  it('fetches a new topic at once: acks=all is answered well within its timeout', async () => {
    await createTopic('created', 1)
    const leader = await leaderOf('created', 0, 1)
    expect(await produceAll(leader, 'created', 0)).toBe(0)
  }, 60_000)

  it('moves to the new leader at once after a kill -9 of the old one', async () => {
    const old = await leaderOf('created', 0, 1)
    const survivor = [...addresses.keys()].find((id) => id !== old)!
    process.kill(cluster.brokerPids.get(old)!, 'SIGKILL')
    let leader = old
    await eventually(async () => {
      leader = await leaderOf('created', 0, survivor)
      expect(leader).not.toBe(old)
      expect(leader).toBeGreaterThan(0)
    }, 15_000)
    expect(await produceAll(leader, 'created', 0)).toBe(0)
  }, 60_000)
})
