// `kafkadesk cluster --brokers 3` as a user runs it: one OS process per broker under a
// supervisor that hosts the controller. Every broker tells real clients the same metadata,
// leaders are spread over the brokers, and a kill -9 of one broker's process moves its
// leaderships to the survivors, which accept produce at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { startEmbedded, type EmbeddedProcess } from '../helpers/embedded'
import { repoRoot, run } from './target'
import { RawClient } from '../../src-main/console/raw-client'

let cluster: EmbeddedProcess
let dir: string
const pids = new Map<number, { pid: number; address: string }>()

function admin(address: string): Kafka {
  return new Kafka({ clientId: 'cluster-processes', brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } })
}

async function withAdmin<T>(address: string, fn: (a: Admin) => Promise<T>): Promise<T> {
  const a = admin(address).admin()
  await a.connect()
  try {
    return await fn(a)
  } finally {
    await a.disconnect()
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-cluster-processes-'))
  cluster = await startEmbedded(dir, ['--brokers', '3', '--config', 'broker.session.timeout.ms=1000'])
  for (const m of cluster.stderr().matchAll(/broker (\d+) pid (\d+) listening on (\S+)/g)) pids.set(Number(m[1]), { pid: Number(m[2]), address: m[3]! })
}, 60_000)

afterAll(async () => {
  await cluster?.stop()
})

describe('a cluster of broker processes', () => {
  it('runs each broker in its own process and prints its PID with its address', () => {
    expect([...pids.keys()].sort()).toEqual([1, 2, 3])
    const ids = [...pids.values()].map((p) => p.pid)
    expect(new Set(ids).size).toBe(3)
    for (const pid of ids) {
      expect(pid).not.toBe(cluster.child.pid)
      expect(() => process.kill(pid, 0)).not.toThrow()
    }
    expect(cluster.bootstrap.split(',')).toEqual([1, 2, 3].map((id) => pids.get(id)!.address))
  })

  it('answers the same metadata from every broker, leaders spread over the brokers', async () => {
    await withAdmin(pids.get(1)!.address, (a) =>
      a.createTopics({ topics: [{ topic: 'spread', numPartitions: 6, replicationFactor: 3 }], waitForLeaders: true }),
    )
    const views = []
    for (const { address } of pids.values()) {
      views.push(
        await withAdmin(address, async (a) =>
          (await a.fetchTopicMetadata({ topics: ['spread'] })).topics[0]!.partitions.map((p) => [p.partitionId, p.leader, p.replicas]).sort(
            (x, y) => (x[0] as number) - (y[0] as number),
          ),
        ),
      )
    }
    expect(views[1]).toEqual(views[0])
    expect(views[2]).toEqual(views[0])
    const leaders = views[0]!.map((p) => p[1] as number)
    for (const id of [1, 2, 3]) expect(leaders.filter((l) => l === id)).toHaveLength(2)
    for (const p of views[0]!) expect([...(p[2] as number[])].sort()).toEqual([1, 2, 3])
  })

  it('moves the leaderships of a broker killed with kill -9 to live brokers that accept produce', async () => {
    // Followers do not copy data yet (the ISR is the leader alone), so only an unclean election
    // can move a leadership: this topic allows it.
    const survivor = pids.get(2)!.address
    await withAdmin(survivor, (a) =>
      a.createTopics({
        topics: [{ topic: 'failover', numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'unclean.leader.election.enable', value: 'true' }] }],
        waitForLeaders: true,
      }),
    )
    process.kill(pids.get(1)!.pid, 'SIGKILL')
    const t0 = Date.now()
    let meta: { partitionId: number; leader: number }[] = []
    while (Date.now() - t0 < 5000) {
      meta = (await leaders(survivor, 'failover')) ?? meta
      if (meta.length && meta.every((p) => p.leader === 2 || p.leader === 3)) break
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(meta.map((p) => p.leader).every((l) => l === 2 || l === 3)).toBe(true)
    const brokers = await liveBrokers(survivor)
    expect(brokers).toEqual([2, 3])
    const producer = new Kafka({ clientId: 'cluster-processes', brokers: [survivor, pids.get(3)!.address], logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    try {
      const acks = await producer.send({
        topic: 'failover',
        acks: 1,
        messages: [0, 1, 2].map((partition) => ({ partition, value: `after-kill-${partition}` })),
      })
      expect(acks.map((r) => r.errorCode)).toEqual([0, 0, 0])
    } finally {
      await producer.disconnect()
    }
  })

  it('starts the killed broker again and reports the cluster from another terminal', async () => {
    const started = kafkadesk('broker', 'start', '1', '--data-dir', dir)
    expect(started.status, started.stderr).toBe(0)
    const m = /^broker 1 {2}running {2}pid (\d+) {2}(\S+)/.exec(started.stdout)
    expect(m).not.toBeNull()
    expect(Number(m![1])).not.toBe(pids.get(1)!.pid)
    expect(m![2]).toBe(pids.get(1)!.address)
    const brokers = await liveBrokers(pids.get(1)!.address)
    expect(brokers).toEqual([1, 2, 3])
    const status = kafkadesk('cluster', 'status', '--data-dir', dir)
    expect(status.stdout.split('\n').filter((l) => / running {2}pid \d+/.test(l))).toHaveLength(3)
    expect(kafkadesk('broker', 'start', '9', '--data-dir', dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('no broker 9') })
  })

  it('fences a broker cut off from the controller while it keeps serving clients, and takes it back when healed', async () => {
    expect(kafkadesk('broker', 'isolate', '3', '--data-dir', dir).status).toBe(0)
    const isolated = pids.get(3)!.address
    const t0 = Date.now()
    let live: number[] = []
    while (Date.now() - t0 < 5000) {
      live = await liveBrokers(pids.get(2)!.address)
      if (!live.includes(3)) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(live).toEqual([1, 2])
    // Still serving: it answers a client with the metadata it last replayed.
    const served = await RawClient.connect(isolated)
    try {
      const md = await served.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
      expect((md.topics as { name: string }[]).map((t) => t.name)).toContain('spread')
    } finally {
      served.close()
    }
    // Its leaderships moved (this topic allows unclean elections, so it does not depend on the ISR).
    const t2 = Date.now()
    let moved: { leader: number }[] = []
    while (Date.now() - t2 < 5000) {
      moved = (await leaders(pids.get(2)!.address, 'failover')) ?? moved
      if (moved.length && moved.every((p) => p.leader === 1 || p.leader === 2)) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(moved.map((p) => p.leader).every((l) => l === 1 || l === 2)).toBe(true)
    expect(kafkadesk('broker', 'heal', '3', '--data-dir', dir).status).toBe(0)
    const t1 = Date.now()
    while (Date.now() - t1 < 5000) {
      live = await liveBrokers(pids.get(2)!.address)
      if (live.includes(3)) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(live).toEqual([1, 2, 3])
    // Partitions whose only in-sync replica was the isolated broker are led again.
    const t3 = Date.now()
    while (Date.now() - t3 < 5000 && (await leaders(pids.get(2)!.address, 'spread')) === undefined) await new Promise((r) => setTimeout(r, 100))
    expect(await leaders(pids.get(2)!.address, 'spread')).toHaveLength(6)
  })
})

describe("Kafka's own tools on the cluster", () => {
  it('elects preferred leaders with kafka-leader-election and prints the finalized features with kafka-features', async () => {
    const bootstrap = pids.get(2)!.address
    await withAdmin(bootstrap, (a) =>
      a.createTopics({ topics: [{ topic: 'elect', replicaAssignment: [{ partition: 0, replicas: [2, 1, 3] }] }], waitForLeaders: true }),
    )
    const election = await run(
      'bash',
      [
        join(repoRoot, 'scripts', 'kafka', 'kafka-leader-election'),
        '--bootstrap-server',
        bootstrap,
        '--election-type',
        'preferred',
        '--topic',
        'elect',
        '--partition',
        '0',
      ],
      { timeoutMs: 55_000 },
    )
    expect(election.code, election.stderr).toBe(0)
    expect(election.stdout).toContain('Valid replica already elected for partitions elect-0')
    const features = await run('bash', [join(repoRoot, 'scripts', 'kafka', 'kafka-features'), '--bootstrap-server', bootstrap, 'describe'], {
      timeoutMs: 55_000,
    })
    expect(features.code, features.stderr).toBe(0)
    expect(features.stdout).toMatch(/Feature: metadata\.version\tSupportedMinVersion: 3\.3-IV3\tSupportedMaxVersion: 4\.1-IV1\tFinalizedVersionLevel: 4\.1-IV1/)
  }, 120_000)

  it('proposes and executes a reassignment with kafka-reassign-partitions, and --verify reports it complete', async () => {
    const bootstrap = pids.get(2)!.address
    const tool = (args: string[]) =>
      run('bash', [join(repoRoot, 'scripts', 'kafka', 'kafka-reassign-partitions'), '--bootstrap-server', bootstrap, ...args], { timeoutMs: 55_000 })
    await withAdmin(bootstrap, (a) =>
      a.createTopics({ topics: [{ topic: 'moved', replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }], waitForLeaders: true }),
    )
    writeFileSync(join(dir, 'topics.json'), JSON.stringify({ version: 1, topics: [{ topic: 'moved' }] }))
    const generated = await tool(['--generate', '--topics-to-move-json-file', join(dir, 'topics.json'), '--broker-list', '1,2,3'])
    expect(generated.code, generated.stderr).toBe(0)
    expect(generated.stdout).toContain('Proposed partition reassignment configuration')
    // The same replicas in another order: no replica needs to catch up, so it completes at once.
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ version: 1, partitions: [{ topic: 'moved', partition: 0, replicas: [3, 1, 2] }] }))
    const executed = await tool(['--execute', '--reassignment-json-file', join(dir, 'plan.json')])
    expect(executed.code, executed.stderr).toBe(0)
    const verified = await tool(['--verify', '--reassignment-json-file', join(dir, 'plan.json')])
    expect(verified.stdout).toContain('Reassignment of partition moved-0 is completed.')
    const p = await withAdmin(bootstrap, async (a) => (await a.fetchTopicMetadata({ topics: ['moved'] })).topics[0]!.partitions[0]!)
    expect(p.replicas).toEqual([3, 1, 2])
  }, 120_000)
})

/** The partitions' leaders from one broker, or undefined while some partition has none (an election in progress). */
async function leaders(address: string, topic: string): Promise<{ partitionId: number; leader: number }[] | undefined> {
  try {
    return await withAdmin(address, async (a) => (await a.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions)
  } catch {
    return undefined
  }
}

/** The brokers a broker tells clients about (Metadata v12; kafkajs's describeCluster fails while any partition is offline). */
async function liveBrokers(address: string): Promise<number[]> {
  const c = await RawClient.connect(address)
  try {
    const md = await c.request(3, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    return (md.brokers as { nodeId: number }[]).map((b) => b.nodeId).sort()
  } finally {
    c.close()
  }
}

function kafkadesk(...args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'out', 'cli', 'kafkadesk.js'), ...args], { encoding: 'utf8', timeout: 30_000 })
}
