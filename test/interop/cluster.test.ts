// A replicated 3-broker cluster as real clients and Kafka's own tools see it. The same suite
// runs against the embedded cluster (`kafkadesk cluster --brokers 3`, the default) and a real
// 3-node Apache Kafka 4.1 (KAFKADESK_TARGET=kafka, scripts/kafka/start-cluster.sh):
//   - Metadata asked of each broker (kcat -L, which names the broker that answered) agrees;
//   - kafka-topics --describe of an RF=3, 6-partition topic: leaders and replicas spread evenly, ISR of 3;
//   - a follower killed with kill -9 leaves the ISR (the controller fences it once its
//     heartbeats stop; its leaderships move) and rejoins it after a restart, caught up;
//   - kafka-leader-election --election-type preferred gives leadership back to the preferred replicas;
//   - kafka-reassign-partitions --generate/--execute/--verify raises a topic's replication factor
//     from 1 to 3, and the added replicas hold the data.
// The tests build on each other in order (one cluster for the file: a Kafka start costs ~30 s).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QUICK_FAILURE_DETECTION, eventually, kafkaTool, kcat, startCluster, uniqueTopic, type ClusterTarget } from './target'

// Both kinds get the same settings: no automatic rebalance undoes the preferred-election test.
const CONFIGS = QUICK_FAILURE_DETECTION
const IDS = [1, 2, 3]
// Generous: on a loaded 2-core machine a JVM restart alone can take 20 s.
const SLOW = 120_000

let cluster: ClusterTarget
let scratch: string

interface PartitionView {
  partition: number
  leader: number
  replicas: number[]
  isr: number[]
}

/** One broker's Metadata for a topic, asked with kcat -L (librdkafka), and which broker answered. */
async function metadataFrom(address: string, topic: string): Promise<{ answeredBy: number; brokers: string[]; partitions: PartitionView[] }> {
  const r = await kcat(['-L', '-J', '-b', address, '-t', topic, '-m', '15'], { timeoutMs: 30_000 })
  const j = JSON.parse(r.stdout) as {
    originating_broker: { id: number }
    brokers: { id: number; name: string }[]
    topics: { topic: string; error?: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[]
  }
  const t = j.topics.find((x) => x.topic === topic)
  if (!t || t.error) throw new Error(`${address}: topic ${topic} not in Metadata (${t?.error ?? 'missing'})`)
  return {
    answeredBy: j.originating_broker.id,
    brokers: j.brokers.map((b) => `${b.id}@${b.name}`).sort(),
    partitions: t.partitions
      .map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas.map((x) => x.id), isr: p.isrs.map((x) => x.id).sort() }))
      .sort((a, b) => a.partition - b.partition),
  }
}

const DESCRIBE_LINE = /Partition: (\d+)\s+Leader: (-?\d+|none)\s+Replicas: ([\d,]+)\s+Isr: ([\d,]*)/g

/** kafka-topics --describe (Kafka's Java admin client), one row per partition. */
async function describeTopic(bootstrap: string, topic: string): Promise<PartitionView[]> {
  const r = await kafkaTool('kafka-topics', ['--bootstrap-server', bootstrap, '--describe', '--topic', topic])
  const rows = [...r.stdout.matchAll(DESCRIBE_LINE)].map((m) => ({
    partition: Number(m[1]),
    leader: m[2] === 'none' ? -1 : Number(m[2]),
    replicas: m[3]!.split(',').map(Number),
    isr: m[4] ? m[4].split(',').map(Number).sort() : [],
  }))
  if (rows.length === 0) throw new Error(`kafka-topics --describe printed no partitions:\n${r.stdout}`)
  return rows.sort((a, b) => a.partition - b.partition)
}

/** The partitions kafka-topics --describe lists with a filter (--under-replicated-partitions, --unavailable-partitions). */
async function filtered(bootstrap: string, topic: string, filter: string): Promise<number[]> {
  const r = await kafkaTool('kafka-topics', ['--bootstrap-server', bootstrap, '--describe', '--topic', topic, filter])
  return [...r.stdout.matchAll(/Partition: (\d+)/g)].map((m) => Number(m[1]))
}

function addressesExcept(id: number): string {
  return IDS.filter((i) => i !== id)
    .map((i) => cluster.brokers.get(i)!.address)
    .join(',')
}

/** Produces `count` keyed records with acks=all (kcat, librdkafka); throws unless all are delivered. */
async function produce(bootstrap: string, topic: string, tag: string, count: number): Promise<void> {
  const input = Array.from({ length: count }, (_, i) => `${tag}-${i}:${tag} value ${i}`).join('\n') + '\n'
  // kcat exits non-zero if any message fails delivery.
  await kcat(['-P', '-b', bootstrap, '-t', topic, '-K', ':', '-X', 'acks=all', '-X', 'message.timeout.ms=30000'], { input, timeoutMs: 60_000 })
}

/** Reads a whole topic (kcat -C -e) and returns the offsets read, per partition. */
async function consumeAll(bootstrap: string, topic: string): Promise<Map<number, number[]>> {
  const r = await kcat(['-C', '-b', bootstrap, '-t', topic, '-e', '-q', '-f', '%p %o\\n'], { timeoutMs: 60_000 })
  const out = new Map<number, number[]>()
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [p, o] = line.split(' ').map(Number) as [number, number]
    out.set(p, [...(out.get(p) ?? []), o])
  }
  return out
}

function expectContiguous(offsets: Map<number, number[]>, total: number): void {
  let n = 0
  for (const [, os] of offsets) {
    expect(os).toEqual(os.map((_, i) => i))
    n += os.length
  }
  expect(n).toBe(total)
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kafkadesk-cluster-test-'))
  cluster = await startCluster({ brokers: 3, configs: CONFIGS })
}, 300_000)

afterAll(async () => {
  await cluster?.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
}, 60_000)

describe(`a 3-broker cluster (${process.env.KAFKADESK_TARGET === 'kafka' ? 'Apache Kafka' : 'embedded'})`, () => {
  const spread = uniqueTopic('spread')
  let produced = 0

  it('tells clients the same brokers, leaders, replicas and ISR from every broker', async () => {
    expect([...cluster.brokers.keys()].sort()).toEqual(IDS)
    expect(cluster.bootstrap.split(',').sort()).toEqual(IDS.map((i) => cluster.brokers.get(i)!.address).sort())
    await kafkaTool('kafka-topics', ['--bootstrap-server', cluster.bootstrap, '--create', '--topic', spread, '--partitions', '6', '--replication-factor', '3'])
    const want = IDS.map((i) => `${i}@${cluster.brokers.get(i)!.address}`).sort()
    // Brokers learn of a new topic from the controller one by one: agreement comes within moments.
    await eventually(
      async () => {
        const views = []
        for (const id of IDS) {
          const v = await metadataFrom(cluster.brokers.get(id)!.address, spread)
          expect(v.answeredBy).toBe(id)
          expect(v.brokers).toEqual(want)
          expect(v.partitions).toHaveLength(6)
          for (const p of v.partitions) expect(p.leader).toBeGreaterThan(0)
          views.push(v.partitions)
        }
        expect(views[1]).toEqual(views[0])
        expect(views[2]).toEqual(views[0])
      },
      30_000,
      500,
    )
  })

  it('kafka-topics --describe shows leaders and replicas spread evenly over the brokers and an ISR of 3', async () => {
    const rows = await eventually(
      async () => {
        const rows = await describeTopic(cluster.bootstrap, spread)
        for (const r of rows) expect(r.isr).toEqual(IDS)
        return rows
      },
      30_000,
      500,
    )
    expect(rows.map((r) => r.partition)).toEqual([0, 1, 2, 3, 4, 5])
    for (const r of rows) {
      expect([...r.replicas].sort()).toEqual(IDS)
      // A new topic's leader is its preferred replica, the first listed.
      expect(r.leader).toBe(r.replicas[0])
    }
    for (const id of IDS) {
      expect(rows.filter((r) => r.leader === id)).toHaveLength(2)
      // Each broker also takes each position in the replica lists equally often.
      for (const pos of [1, 2]) expect(rows.filter((r) => r.replicas[pos] === id)).toHaveLength(2)
    }
    await produce(cluster.bootstrap, spread, 'before', 600)
    produced += 600
  })

  it('drops a follower killed with kill -9 from the ISR, moves its leaderships, and takes it back after a restart', async () => {
    const victim = 3
    const before = await describeTopic(cluster.bootstrap, spread)
    const pid = cluster.brokers.get(victim)!.pid
    await cluster.kill(victim)
    expect(() => process.kill(pid, 0)).toThrow()
    const survivors = addressesExcept(victim)

    const down = await eventually(
      async () => {
        const rows = await describeTopic(survivors, spread)
        for (const r of rows) {
          expect(r.isr).toEqual(IDS.filter((i) => i !== victim))
          expect(r.leader).not.toBe(victim)
          expect(r.isr).toContain(r.leader)
        }
        return rows
      },
      SLOW,
      1000,
    )
    // Replica lists do not change when a broker dies; only leaders and the ISR do.
    expect(down.map((r) => r.replicas)).toEqual(before.map((r) => r.replicas))
    // Every partition has lost a replica (under-replicated) and none is without a leader.
    expect((await filtered(survivors, spread, '--under-replicated-partitions')).sort()).toEqual([0, 1, 2, 3, 4, 5])
    expect(await filtered(survivors, spread, '--unavailable-partitions')).toEqual([])
    // The survivors agree with each other too.
    await eventually(
      async () => {
        const [a, b] = await Promise.all(IDS.filter((i) => i !== victim).map((i) => metadataFrom(cluster.brokers.get(i)!.address, spread)))
        expect(a!.answeredBy).not.toBe(b!.answeredBy)
        expect(b!.partitions).toEqual(a!.partitions)
        expect(a!.partitions.map((p) => p.isr)).toEqual(down.map((r) => r.isr))
      },
      30_000,
      500,
    )

    // acks=all still succeeds with the two replicas left in the ISR (min.insync.replicas=1).
    await produce(survivors, spread, 'during', 600)
    produced += 600

    await cluster.start(victim)
    expect(cluster.brokers.get(victim)!.pid).not.toBe(pid)
    // Back in the ISR of every partition only once it has caught up with the leader.
    const up = await eventually(
      async () => {
        const rows = await describeTopic(cluster.bootstrap, spread)
        for (const r of rows) expect(r.isr).toEqual(IDS)
        return rows
      },
      SLOW,
      1000,
    )
    // With auto.leader.rebalance.enable=false, leadership stays where the failover put it.
    for (const r of up) expect(r.leader).not.toBe(victim)
    expect(await filtered(cluster.bootstrap, spread, '--under-replicated-partitions')).toEqual([])
    // The restarted broker tells clients the same as the others again.
    await eventually(
      async () => {
        const views = []
        for (const id of IDS) {
          const v = await metadataFrom(cluster.brokers.get(id)!.address, spread)
          expect(v.answeredBy).toBe(id)
          views.push(v.partitions)
        }
        expect(views[1]).toEqual(views[0])
        expect(views[2]).toEqual(views[0])
        expect(views[0]!.map((p) => [p.leader, p.isr])).toEqual(up.map((r) => [r.leader, r.isr]))
      },
      30_000,
      500,
    )
  })

  it('kafka-leader-election --election-type preferred gives leadership back to the preferred replicas, which hold every record', async () => {
    const r = await kafkaTool('kafka-leader-election', ['--bootstrap-server', cluster.bootstrap, '--election-type', 'preferred', '--all-topic-partitions'])
    expect(r.stdout).toMatch(/Successfully completed leader election \(PREFERRED\) for partitions/)
    expect(r.stdout).toContain(`${spread}-`)
    const rows = await eventually(
      async () => {
        const rows = await describeTopic(cluster.bootstrap, spread)
        for (const row of rows) expect(row.leader).toBe(row.replicas[0])
        return rows
      },
      30_000,
      500,
    )
    for (const id of IDS) expect(rows.filter((x) => x.leader === id)).toHaveLength(2)
    // Consumers read from leaders: two of them are now on the restarted broker, which must have
    // copied what was produced while it was down.
    await eventually(async () => expectContiguous(await consumeAll(cluster.bootstrap, spread), produced), 30_000, 1000)
  })

  it('kafka-reassign-partitions --generate/--execute/--verify raises a topic from replication factor 1 to 3', async () => {
    const topic = uniqueTopic('reassign')
    await kafkaTool('kafka-topics', ['--bootstrap-server', cluster.bootstrap, '--create', '--topic', topic, '--partitions', '3', '--replication-factor', '1'])
    await eventually(async () => expect((await describeTopic(cluster.bootstrap, topic)).every((r) => r.leader > 0)).toBe(true), 30_000, 500)
    await produce(cluster.bootstrap, topic, 'rf1', 300)

    const topicsFile = join(scratch, `${topic}-topics.json`)
    writeFileSync(topicsFile, JSON.stringify({ version: 1, topics: [{ topic }] }))
    const gen = await kafkaTool('kafka-reassign-partitions', [
      '--bootstrap-server',
      cluster.bootstrap,
      '--topics-to-move-json-file',
      topicsFile,
      '--broker-list',
      IDS.join(','),
      '--generate',
    ])
    const m = /Current partition replica assignment\s*\n(\{.*\})\s*\n+Proposed partition reassignment configuration\s*\n(\{.*\})/.exec(gen.stdout)
    expect(m, gen.stdout).not.toBeNull()
    const current = JSON.parse(m![1]!) as { version: number; partitions: { topic: string; partition: number; replicas: number[] }[] }
    const proposed = JSON.parse(m![2]!) as typeof current
    expect(current.partitions.map((p) => p.replicas.length)).toEqual([1, 1, 1])
    expect(proposed.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2])

    // The plan: every partition on all three brokers, the current replica last, so that a
    // preferred election afterwards moves leadership to a replica that was just added and
    // reading the topic proves the copy.
    const plan = {
      version: 1,
      partitions: current.partitions.map((p) => {
        const old = p.replicas[0]!
        return { topic, partition: p.partition, replicas: [...IDS.filter((i) => i !== old), old], log_dirs: ['any', 'any', 'any'] }
      }),
    }
    const planFile = join(scratch, `${topic}-plan.json`)
    writeFileSync(planFile, JSON.stringify(plan))
    const exec = await kafkaTool('kafka-reassign-partitions', ['--bootstrap-server', cluster.bootstrap, '--reassignment-json-file', planFile, '--execute'])
    expect(exec.stdout).toMatch(/Successfully started partition reassignments? for/)

    await eventually(
      async () => {
        const v = await kafkaTool('kafka-reassign-partitions', ['--bootstrap-server', cluster.bootstrap, '--reassignment-json-file', planFile, '--verify'])
        for (const p of [0, 1, 2]) expect(v.stdout).toContain(`Reassignment of partition ${topic}-${p} is completed`)
      },
      SLOW,
      1000,
    )
    const rows = await eventually(
      async () => {
        const rows = await describeTopic(cluster.bootstrap, topic)
        for (const r of rows) expect(r.isr).toEqual(IDS)
        return rows
      },
      30_000,
      500,
    )
    expect(rows.map((r) => r.replicas)).toEqual([...plan.partitions].sort((a, b) => a.partition - b.partition).map((p) => p.replicas))

    const electFile = join(scratch, `${topic}-elect.json`)
    writeFileSync(electFile, JSON.stringify({ partitions: [0, 1, 2].map((partition) => ({ topic, partition })) }))
    await kafkaTool('kafka-leader-election', ['--bootstrap-server', cluster.bootstrap, '--election-type', 'preferred', '--path-to-json-file', electFile])
    await eventually(
      async () => {
        for (const r of await describeTopic(cluster.bootstrap, topic)) expect(r.leader).toBe(r.replicas[0])
      },
      30_000,
      500,
    )
    await eventually(async () => expectContiguous(await consumeAll(cluster.bootstrap, topic), 300), 30_000, 1000)
  })
})
