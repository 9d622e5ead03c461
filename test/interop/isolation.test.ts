// The network-partition fault (`kafkadesk broker isolate ID`, healed with `heal`): a broker cut
// off from its peers and the controller but still serving clients, as a broker behind a broken
// switch port is. Checked with real clients on a 3-broker embedded cluster:
//   - the controller fences it once its heartbeats stop (broker.session.timeout.ms); the other
//     brokers drop it from every ISR and elect new leaders for what it led;
//   - it hears nothing from the controller: a topic created elsewhere is unknown to it and it
//     still names itself the leader of what it led (Kafka's isolated broker serves its stale view);
//   - it keeps answering clients: Metadata, and acks=1 produce to its stale leadership (records a
//     real Kafka loses too, since the partition moved on without them);
//   - after heal it catches up on the metadata it missed, registers again, truncates what it
//     wrote alone, rejoins every ISR and holds the same bytes as the leader.
// Embedded only: isolating one broker of a real Kafka needs network namespaces, not a CLI call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { startEmbedded, type EmbeddedProcess } from '../helpers/embedded'
import { eventually, repoRoot, targetKind } from './target'
import { RawClient } from '../../src-main/console/raw-client'

const SESSION_MS = 3000
const TOPIC = 'isolated-topic'

interface PartitionView {
  partition: number
  leader: number
  leaderEpoch: number
  isr: number[]
}

interface BrokerView {
  brokers: number[]
  topics: string[]
  partitions: PartitionView[]
}

let cluster: EmbeddedProcess
let dir: string
const address = new Map<number, string>()

/** Metadata v12 asked of one broker: the brokers it names, the topics it knows, and TOPIC's partitions. */
async function viewFrom(id: number): Promise<BrokerView> {
  const c = await RawClient.connect(address.get(id)!)
  try {
    const md = await c.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, 5000)
    const topics = md.topics as { name: string; partitions: { partitionIndex: number; leaderId: number; leaderEpoch: number; isrNodes: number[] }[] }[]
    const t = topics.find((x) => x.name === TOPIC)
    return {
      brokers: (md.brokers as { nodeId: number }[]).map((b) => b.nodeId).sort(),
      topics: topics.map((x) => x.name),
      partitions: (t?.partitions ?? [])
        .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch, isr: [...p.isrNodes].sort() }))
        .sort((a, b) => a.partition - b.partition),
    }
  } finally {
    c.close()
  }
}

/** The size in bytes of TOPIC's partition on one broker (DescribeLogDirs v4). */
async function partitionSize(id: number, partition: number): Promise<number> {
  const c = await RawClient.connect(address.get(id)!)
  try {
    const r = await c.request(35, 4, { topics: [{ topic: TOPIC, partitions: [partition] }] }, 5000)
    const results = r.results as { topics: { name: string; partitions: { partitionIndex: number; partitionSize: number }[] }[] }[]
    const p = results
      .flatMap((d) => d.topics)
      .find((t) => t.name === TOPIC)
      ?.partitions.find((x) => x.partitionIndex === partition)
    if (!p) throw new Error(`broker ${id} holds no replica of ${TOPIC}-${partition}`)
    return Number(p.partitionSize)
  } finally {
    c.close()
  }
}

function kafkadesk(...args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'out', 'cli', 'kafkadesk.js'), ...args], { encoding: 'utf8', timeout: 30_000 })
}

async function produce(brokers: string[], acks: number, partition: number, values: string[]): Promise<void> {
  const producer = new Kafka({ clientId: 'isolation-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } }).producer()
  await producer.connect()
  try {
    await producer.send({ topic: TOPIC, acks, timeout: 5000, messages: values.map((value) => ({ partition, value })) })
  } finally {
    await producer.disconnect()
  }
}

describe.skipIf(targetKind() !== 'embedded' || !!process.env.KAFKADESK_BOOTSTRAP)('a broker cut off by a network partition', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kafkadesk-isolation-'))
    const configs = {
      'broker.session.timeout.ms': String(SESSION_MS),
      'broker.heartbeat.interval.ms': '500',
      'replica.lag.time.max.ms': '3000',
      'auto.leader.rebalance.enable': 'false',
    }
    cluster = await startEmbedded(dir, ['--brokers', '3', ...Object.entries(configs).flatMap(([k, v]) => ['--config', `${k}=${v}`])])
    for (const m of cluster.stderr().matchAll(/broker (\d+) pid \d+ listening on (\S+)/g)) address.set(Number(m[1]), m[2]!)
  }, 60_000)

  afterAll(async () => {
    await cluster?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('is fenced and leaves every ISR, serves clients its stale view, and rejoins cleanly when healed', async () => {
    const admin = new Kafka({ clientId: 'isolation-test', brokers: [...address.values()], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      await admin.createTopics({
        topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
        waitForLeaders: true,
      })
    } finally {
      await admin.disconnect()
    }
    const before = await eventually(async () => {
      const v = await viewFrom(1)
      expect(v.partitions).toHaveLength(3)
      for (const p of v.partitions) expect(p.isr).toEqual([1, 2, 3])
      return v
    })
    // The broker to isolate leads partition 0.
    const victim = before.partitions[0]!.leader
    const peers = [1, 2, 3].filter((id) => id !== victim)
    const peerAddresses = peers.map((id) => address.get(id)!)
    await produce([...address.values()], -1, 0, ['a0', 'a1', 'a2'])

    expect(kafkadesk('broker', 'isolate', String(victim), '--data-dir', dir).status).toBe(0)
    const t0 = Date.now()
    // The peers see it fenced, out of every ISR, its leadership of partition 0 moved.
    const after = await eventually(
      async () => {
        const v = await viewFrom(peers[0]!)
        expect(v.brokers).toEqual(peers)
        for (const p of v.partitions) expect(p.isr).not.toContain(victim)
        expect(v.partitions[0]!.leader).not.toBe(victim)
        return v
      },
      20_000,
      100,
    )
    const fencedAfterMs = Date.now() - t0
    // Fenced by its session timing out, not sooner (nothing closed; its packets just stop).
    expect(fencedAfterMs).toBeGreaterThanOrEqual(SESSION_MS - 1000)
    expect(after.partitions[0]!.leaderEpoch).toBeGreaterThan(before.partitions[0]!.leaderEpoch)
    const status = kafkadesk('cluster', 'status', '--data-dir', dir)
    expect(status.stdout).toMatch(new RegExp(`broker ${victim} {2}running \\(fenced\\) \\(isolated\\)`))

    // Metadata written now never reaches it.
    const admin2 = new Kafka({ clientId: 'isolation-test', brokers: peerAddresses, logLevel: logLevel.NOTHING }).admin()
    await admin2.connect()
    try {
      await admin2.createTopics({ topics: [{ topic: 'created-while-isolated', numPartitions: 1, replicationFactor: 2 }], waitForLeaders: true })
    } finally {
      await admin2.disconnect()
    }
    await eventually(async () => expect((await viewFrom(peers[1]!)).topics).toContain('created-while-isolated'))
    await new Promise((r) => setTimeout(r, 1000))
    const stale = await viewFrom(victim)
    expect(stale.topics).not.toContain('created-while-isolated')
    // Its stale view: all three brokers, itself the leader of partition 0 under the old epoch.
    expect(stale.brokers).toEqual([1, 2, 3])
    expect(stale.partitions[0]).toMatchObject({ leader: victim, leaderEpoch: before.partitions[0]!.leaderEpoch })

    // Still serving: acks=1 produce to its stale leadership is acknowledged (and will be lost),
    // while the rest of the cluster takes acks=all writes on the new leader.
    await produce([address.get(victim)!], 1, 0, ['lost-0', 'lost-1', 'lost-2', 'lost-3', 'lost-4'])
    await produce(peerAddresses, -1, 0, ['b0', 'b1'])

    expect(kafkadesk('broker', 'heal', String(victim), '--data-dir', dir).status).toBe(0)
    // It catches up, registers again, and rejoins every ISR.
    const healed = await eventually(
      async () => {
        const v = await viewFrom(victim)
        expect(v.topics).toContain('created-while-isolated')
        expect(v.brokers).toEqual([1, 2, 3])
        for (const p of v.partitions) expect(p.isr).toEqual([1, 2, 3])
        return v
      },
      20_000,
      200,
    )
    expect(healed.partitions[0]!.leader).toBe(after.partitions[0]!.leader)
    expect(kafkadesk('cluster', 'status', '--data-dir', dir).stdout).toMatch(new RegExp(`broker ${victim} {2}running {2}pid`))
    // What it wrote alone was truncated: its replica of partition 0 is the leader's, byte for byte.
    const leader = healed.partitions[0]!.leader
    await eventually(async () => expect(await partitionSize(victim, 0)).toBe(await partitionSize(leader, 0)))
    // And the partition holds every acks=all record, none of the lost ones.
    const consumer = new Kafka({ clientId: 'isolation-test', brokers: [...address.values()], logLevel: logLevel.NOTHING }).consumer({
      groupId: `isolation-${Date.now()}`,
    })
    await consumer.connect()
    const seen: string[] = []
    try {
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
      await consumer.run({ eachMessage: async ({ partition, message }) => void (partition === 0 && seen.push(message.value!.toString())) })
      await eventually(async () => expect(seen).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']), 20_000)
    } finally {
      await consumer.disconnect()
    }
  }, 90_000)
})
