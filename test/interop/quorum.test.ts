// The metadata quorum as Kafka's tools see it on a 3-broker cluster: `kafka-metadata-quorum
// describe --status` and `--replication` (DescribeQuorum, forwarded by a broker to the controller)
// and DescribeCluster's controller id. The same assertions hold on real Apache Kafka
// (KAFKADESK_TARGET=kafka: three combined broker+controller nodes, so the brokers are voters)
// and on `kafkadesk cluster --brokers 3` (the supervisor's controller is the one voter, node 0,
// and the brokers are observers). On the embedded cluster, `kafkadesk broker isolate` also cuts
// replication: follower fetches between the isolated broker and its peers fail both ways while
// it keeps serving clients, and its metadata fetches stop reaching the controller, which fences it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { repoRoot, run, startCluster, type ClusterTarget } from './target'
import { spawnReady } from '../helpers/ready-process'
import { RawClient } from '../../src-main/console/raw-client'

let cluster: ClusterTarget
const ids = [1, 2, 3]

beforeAll(async () => {
  // The embedded cluster fences a silent broker after 2 s here (Kafka's 9 s default would slow the isolation test); Kafka keeps its defaults.
  cluster = await startCluster({ brokers: 3, configs: process.env.KAFKADESK_TARGET === 'kafka' ? undefined : { 'broker.session.timeout.ms': '2000' } })
}, 240_000)

afterAll(async () => {
  await cluster?.stop()
})

function address(id: number): string {
  return cluster.brokers.get(id)!.address
}

/** The controller line `kafkadesk cluster` prints: `controller 0 epoch N listening on H:P (CONTROLLER)`. */
const CONTROLLER_LINE = /controller (\d+) epoch (\d+) listening on (\S+) \(CONTROLLER\)/g

/**
 * Controller id → the address of its CONTROLLER listener: on Kafka each combined node's
 * (from its server.properties), on the embedded cluster the supervisor's controller (from its log).
 */
function controllers(): Map<number, string> {
  const out = new Map<number, string>()
  if (cluster.kind === 'kafka') {
    for (const id of ids) {
      const conf = readFileSync(join(cluster.dataDir, `node-${id}`, 'server.properties'), 'utf8')
      const m = /^listeners=.*CONTROLLER:\/\/([^,\s]+)/m.exec(conf)
      if (m) out.set(id, m[1]!)
    }
  } else {
    for (const m of cluster.stderr().matchAll(CONTROLLER_LINE)) out.set(Number(m[1]), m[3]!)
  }
  return out
}

/** Where the tools go: a broker (--bootstrap-server), or a controller (--bootstrap-controller, KIP-919). */
type Bootstrap = ['--bootstrap-server' | '--bootstrap-controller', string]
const viaBroker = (): Bootstrap => ['--bootstrap-server', address(2)]
const viaController = (id?: number): Bootstrap => {
  const all = controllers()
  const addr = id === undefined ? [...all.values()][0] : all.get(id)
  expect(addr, 'a controller listener address').toBeDefined()
  return ['--bootstrap-controller', addr!]
}

function runQuorumTool(args: string[], via: Bootstrap, timeoutMs: number) {
  return run('bash', [join(repoRoot, 'scripts', 'kafka', 'kafka-metadata-quorum'), ...via, 'describe', ...args], { timeoutMs })
}

async function quorumTool(args: string[], via: Bootstrap = viaBroker()) {
  const r = await runQuorumTool(args, via, 55_000)
  expect(r.code, r.stderr).toBe(0)
  return r.stdout
}

/** `describe --status` output as key → value. */
function parseStatus(stdout: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const m = /^(\w+):\s+(.*)$/.exec(line)
    if (m) out[m[1]!] = m[2]!
  }
  return out
}

async function status(via?: Bootstrap): Promise<Record<string, string>> {
  return parseStatus(await quorumTool(['--status'], via))
}

/**
 * `describe --status` while a quorum may be between leaders: the admin client can keep retrying
 * the dead leader until its api timeout, so one try is cut short and a failed try yields nothing.
 */
async function statusIfAnswered(via: Bootstrap): Promise<Record<string, string>> {
  const r = await runQuorumTool(['--status'], via, 20_000)
  return r.code === 0 ? parseStatus(r.stdout) : {}
}

/** The node ids in a CurrentVoters/CurrentObservers value: [{"id": 1, …}, …]. */
function nodeIds(list: string): number[] {
  return [...list.matchAll(/"id": (\d+)/g)].map((m) => Number(m[1]))
}

interface Row {
  nodeId: number
  logEndOffset: number
  lag: number
  lastFetch: number
  status: string
}

/** `describe --replication` rows (tab-separated, a header line first). */
async function replication(via?: Bootstrap): Promise<Row[]> {
  const lines = (await quorumTool(['--replication'], via)).trim().split('\n')
  expect(lines[0]!.split('\t').map((c) => c.trim())).toEqual(expect.arrayContaining(['NodeId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'Status']))
  const head = lines[0]!.split('\t').map((c) => c.trim())
  return lines.slice(1).map((l) => {
    const c = l.split('\t').map((x) => x.trim())
    const col = (name: string) => c[head.indexOf(name)]!
    return {
      nodeId: Number(col('NodeId')),
      logEndOffset: Number(col('LogEndOffset')),
      lag: Number(col('Lag')),
      lastFetch: Number(col('LastFetchTimestamp')),
      status: col('Status'),
    }
  })
}

describe('kafka-metadata-quorum', () => {
  it('describe --status names a leader among the voters, a high watermark, and every broker in the quorum', async () => {
    const s = await status()
    const admin = new Kafka({ clientId: 'quorum', brokers: [address(1)], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    let clusterId: string
    try {
      clusterId = (await admin.describeCluster()).clusterId
    } finally {
      await admin.disconnect()
    }
    expect(s.ClusterId).toBe(clusterId)
    const voters = nodeIds(s.CurrentVoters!)
    const observers = nodeIds(s.CurrentObservers!)
    expect(voters).toContain(Number(s.LeaderId))
    expect(Number(s.LeaderEpoch)).toBeGreaterThan(0)
    expect(Number(s.HighWatermark)).toBeGreaterThan(0)
    expect(Number(s.MaxFollowerLag)).toBeGreaterThanOrEqual(0)
    // Every broker takes part: a voter (Kafka's combined nodes) or an observer (brokers replaying the controller's log).
    expect([...new Set([...voters, ...observers])].filter((id) => ids.includes(id)).sort()).toEqual(ids)
  }, 90_000)

  it('describe --replication lists the leader and every broker with its log end offset; the high watermark follows metadata changes', async () => {
    const before = Number((await status()).HighWatermark)
    const admin = new Kafka({ clientId: 'quorum', brokers: [address(1)], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      await admin.createTopics({ topics: [{ topic: 'quorum-grows', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true })
    } finally {
      await admin.disconnect()
    }
    // Brokers report their progress with their next fetch (Kafka) or heartbeat (embedded): allow for it.
    let rows: Row[] = []
    const t0 = Date.now()
    while (Date.now() - t0 < 15_000) {
      rows = await replication()
      const leader = rows.find((r) => r.status === 'Leader')
      if (leader && leader.logEndOffset > before && rows.every((r) => r.lag === 0)) break
      await new Promise((r) => setTimeout(r, 500))
    }
    const leader = rows.filter((r) => r.status === 'Leader')
    expect(leader).toHaveLength(1)
    expect(leader[0]!.logEndOffset).toBeGreaterThan(before)
    expect(
      rows
        .map((r) => r.nodeId)
        .filter((id) => ids.includes(id))
        .sort(),
    ).toEqual(ids)
    for (const r of rows) {
      expect(r.lag).toBe(0)
      expect(r.logEndOffset).toBe(leader[0]!.logEndOffset)
      expect(['Leader', 'Follower', 'Observer']).toContain(r.status)
    }
  }, 90_000)

  type Replica = { replicaId: number; lastFetchTimestamp: number | bigint }

  it('answers DescribeQuorum v0, v1 and v2 alike, with the fetch timestamps from v1', async () => {
    const c = await RawClient.connect(address(1))
    try {
      const answers: { leaderId: number; currentVoters: Replica[]; observers: Replica[] }[] = []
      for (const v of [0, 1, 2]) {
        const r = await c.request(55, v, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] })
        expect(r.errorCode).toBe(0)
        const p = (r.topics as { topicName: string; partitions: Record<string, unknown>[] }[])[0]!
        expect(p.topicName).toBe('__cluster_metadata')
        answers.push(p.partitions[0]! as unknown as (typeof answers)[number])
      }
      expect(new Set(answers.map((a) => a.leaderId)).size).toBe(1)
      // v0 carries no timestamps (the decoder fills Kafka's default, -1); from v1 the replicas that fetch have one.
      const stamps = (a: (typeof answers)[number]) => [...a.currentVoters, ...a.observers].map((r) => Number(r.lastFetchTimestamp))
      expect(stamps(answers[0]!).every((t) => t === -1)).toBe(true)
      expect(stamps(answers[1]!).some((t) => t > 0)).toBe(true)
      expect(answers[2]!.currentVoters.map((r) => r.replicaId)).toContain(answers[2]!.leaderId)
      // Anything but __cluster_metadata-0 gets UNKNOWN_TOPIC_OR_PARTITION on each partition it names.
      const bad = await c.request(55, 2, { topics: [{ topicName: 'other', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }] })
      expect(bad.errorCode).toBe(0)
      expect(
        (bad.topics as { topicName: string; partitions: { partitionIndex: number; errorCode: number }[] }[]).map((t) => [
          t.topicName,
          t.partitions.map((p) => [p.partitionIndex, p.errorCode]),
        ]),
      ).toEqual([
        [
          'other',
          [
            [0, 3],
            [1, 3],
          ],
        ],
      ])
    } finally {
      c.close()
    }
  })

  it('DescribeCluster names a live broker as the controller, from every broker', async () => {
    for (const id of ids) {
      const admin = new Kafka({ clientId: 'quorum', brokers: [address(id)], logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      try {
        const c = await admin.describeCluster()
        expect(c.brokers.map((b) => b.nodeId).sort()).toEqual(ids)
        // Clients cannot reach a KRaft controller: brokers answer with a live broker they can use.
        expect(ids).toContain(c.controller)
      } finally {
        await admin.disconnect()
      }
    }
  }, 60_000)
})

describe('kafka-metadata-quorum --bootstrap-controller (KIP-919: admin clients bootstrapping to the controllers)', () => {
  it("describe --status from a controller listener names the same cluster, leader and epoch as through a broker, with the voters' CONTROLLER endpoints", async () => {
    const viaCtl = await status(viaController())
    const viaBrk = await status(viaBroker())
    expect(viaCtl.ClusterId).toBe(viaBrk.ClusterId)
    expect(viaCtl.LeaderId).toBe(viaBrk.LeaderId)
    expect(Number(viaCtl.LeaderEpoch)).toBeGreaterThan(0)
    expect(viaCtl.LeaderEpoch).toBe(viaBrk.LeaderEpoch)
    const voters = nodeIds(viaCtl.CurrentVoters!)
    expect(voters).toContain(Number(viaCtl.LeaderId))
    // Every voter's endpoint is its controller listener, the address the tool bootstrapped to.
    const listeners = controllers()
    expect(voters.sort()).toEqual([...listeners.keys()].sort())
    for (const [id, addr] of listeners) expect(viaCtl.CurrentVoters).toMatch(new RegExp(`"id": ${id},[^}]*"CONTROLLER://${addr.replace(/\./g, '\\.')}"`))
    expect([...new Set([...voters, ...nodeIds(viaCtl.CurrentObservers!)])].filter((id) => ids.includes(id)).sort()).toEqual(ids)
  }, 120_000)

  it('describe --replication from a controller lists the leader and every broker caught up', async () => {
    let rows: Row[] = []
    const t0 = Date.now()
    while (Date.now() - t0 < 15_000) {
      rows = await replication(viaController())
      if (rows.every((r) => r.lag === 0)) break
      await new Promise((r) => setTimeout(r, 500))
    }
    const leader = rows.filter((r) => r.status === 'Leader')
    expect(leader).toHaveLength(1)
    expect(
      rows
        .map((r) => r.nodeId)
        .filter((id) => ids.includes(id))
        .sort(),
    ).toEqual(ids)
    for (const r of rows) expect(r.logEndOffset).toBe(leader[0]!.logEndOffset)
  }, 120_000)

  it("kafka-features --bootstrap-controller describe reads the finalized metadata.version from the controller's ApiVersions", async () => {
    const r = await run('bash', [join(repoRoot, 'scripts', 'kafka', 'kafka-features'), ...viaController(), 'describe'], { timeoutMs: 55_000 })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Feature: metadata\.version\s+SupportedMinVersion: \S+\s+SupportedMaxVersion: \S+\s+FinalizedVersionLevel: \S+/)
  }, 60_000)

  it('a controller listener serves only controller requests: DescribeCluster for brokers is refused there, as on Kafka', async () => {
    const c = await RawClient.connect(viaController()[1])
    try {
      const asBrokers = await c.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 })
      expect(asBrokers.errorCode).toBe(114) // MISMATCHED_ENDPOINT_TYPE
      const asControllers = await c.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 })
      expect(asControllers.errorCode).toBe(0)
      expect(asControllers.endpointType).toBe(2)
      const listed = (asControllers.brokers as { brokerId: number; host: string; port: number }[]).map((b) => [b.brokerId, `${b.host}:${b.port}`])
      expect(new Map(listed as [number, string][])).toEqual(controllers())
      expect([...controllers().keys()]).toContain(asControllers.controllerId)
    } finally {
      c.close()
    }
    // And a broker refuses DescribeCluster for controllers.
    const b = await RawClient.connect(address(1))
    try {
      expect((await b.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 })).errorCode).toBe(114)
    } finally {
      b.close()
    }
  }, 60_000)
})

describe('the controller epoch', () => {
  it('grows when the controller restarts (embedded: the supervisor; its epoch is kept in the metadata log)', async (ctx) => {
    if (cluster.kind !== 'embedded') return ctx.skip()
    const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-quorum-epoch-'))
    const cli = join(repoRoot, 'out', 'cli', 'kafkadesk.js')
    try {
      const epochs: number[] = []
      for (let round = 0; round < 2; round++) {
        const p = await spawnReady(process.execPath, [cli, 'cluster', '--brokers', '1', '--port', '0', '--data-dir', dir], {
          label: 'epoch cluster',
          timeoutMs: 60_000,
          cwd: repoRoot,
        })
        try {
          const line = [...p.stderr().matchAll(CONTROLLER_LINE)][0]!
          const s = await status(['--bootstrap-controller', line[3]!])
          expect(s.LeaderEpoch).toBe(line[2])
          epochs.push(Number(s.LeaderEpoch))
          const st = await run(process.execPath, [cli, 'cluster', 'status', '--data-dir', dir], { timeoutMs: 30_000 })
          expect(st.stdout).toContain(`controller 0  epoch ${s.LeaderEpoch}  listening on ${line[3]} (CONTROLLER)`)
        } finally {
          expect(await p.stop()).toBe(0)
        }
      }
      expect(epochs[1]).toBe(epochs[0]! + 1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)

  it('grows when the active controller is killed and another takes over (Kafka: the voters elect a new leader)', async (ctx) => {
    if (cluster.kind !== 'kafka') return ctx.skip()
    const before = await status(viaController())
    const leader = Number(before.LeaderId)
    const survivor = ids.find((id) => id !== leader)!
    await cluster.kill(leader)
    try {
      let after: Record<string, string> = {}
      const t0 = Date.now()
      while (Date.now() - t0 < 120_000) {
        after = await statusIfAnswered(viaController(survivor))
        if (Number(after.LeaderId) !== leader && Number(after.LeaderEpoch) > Number(before.LeaderEpoch)) break
        await new Promise((r) => setTimeout(r, 1000))
      }
      expect(Number(after.LeaderId)).not.toBe(leader)
      expect(Number(after.LeaderEpoch)).toBeGreaterThan(Number(before.LeaderEpoch))
    } finally {
      await cluster.start(leader)
    }
  }, 300_000)
})

describe('the network-partition fault (embedded cluster)', () => {
  const kafkadesk = (...args: string[]) => run(process.execPath, [join(repoRoot, 'out', 'cli', 'kafkadesk.js'), ...args], { timeoutMs: 30_000 })

  /** A Fetch v17 as a follower (replicaId) or a consumer (-1) sends it, with no partitions. */
  async function fetchAs(target: string, replicaId: number): Promise<'served' | 'refused'> {
    const c = await RawClient.connect(target)
    try {
      await c.request(1, 17, {
        clusterId: null,
        replicaState: { replicaId, replicaEpoch: -1 },
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1024,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [],
        forgottenTopicsData: [],
        rackId: '',
      })
      return 'served'
    } catch {
      return 'refused'
    } finally {
      c.close()
    }
  }

  /** DescribeQuorum v2 asked of one broker: observer id → its last fetch timestamp. */
  async function observers(target: string): Promise<Map<number, number>> {
    const c = await RawClient.connect(target)
    try {
      const r = await c.request(55, 2, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] })
      if (r.errorCode !== 0) throw new Error(`DescribeQuorum error ${String(r.errorCode)}: ${String(r.errorMessage)}`)
      const p = (r.topics as { partitions: { observers: { replicaId: number; lastFetchTimestamp: number | bigint }[] }[] }[])[0]!.partitions[0]!
      return new Map(p.observers.map((o) => [o.replicaId, Number(o.lastFetchTimestamp)]))
    } finally {
      c.close()
    }
  }

  async function describeCluster(target: string, includeFencedBrokers: boolean): Promise<{ brokerId: number; isFenced: boolean }[]> {
    const c = await RawClient.connect(target)
    try {
      const r = await c.request(60, 2, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers })
      return r.brokers as { brokerId: number; isFenced: boolean }[]
    } finally {
      c.close()
    }
  }

  it('cuts follower fetches both ways and the metadata fetches of an isolated broker, and restores them when healed', async (ctx) => {
    if (cluster.kind !== 'embedded') return ctx.skip()
    expect(await fetchAs(address(1), 3)).toBe('served')
    const isolated = await kafkadesk('broker', 'isolate', '3', '--data-dir', cluster.dataDir)
    expect(isolated.code, isolated.stderr).toBe(0)
    try {
      // Its peers refuse its follower fetches, it refuses theirs; clients are still served by all.
      expect(await fetchAs(address(1), 3)).toBe('refused')
      expect(await fetchAs(address(2), 3)).toBe('refused')
      expect(await fetchAs(address(3), 1)).toBe('refused')
      expect(await fetchAs(address(3), -1)).toBe('served')
      expect(await fetchAs(address(1), 2)).toBe('served')
      // Its last metadata fetch stays where it was while the others' move on (asked of broker 1:
      // the isolated broker cannot reach the controller to answer DescribeQuorum itself).
      const first = await observers(address(1))
      await new Promise((r) => setTimeout(r, 1500))
      const later = await observers(address(1))
      expect(later.get(3)).toBe(first.get(3))
      expect(later.get(1)!).toBeGreaterThan(first.get(1)!)
      expect(await observers(address(3)).catch((e: Error) => e.message)).toMatch(/REQUEST_TIMED_OUT|7/)
      // Its heartbeats stop too: the controller fences it. DescribeCluster v2 lists it only when asked for fenced brokers.
      const t0 = Date.now()
      let fenced: { brokerId: number; isFenced: boolean }[] = []
      while (Date.now() - t0 < 10_000) {
        fenced = await describeCluster(address(1), true)
        if (fenced.find((b) => b.brokerId === 3)?.isFenced) break
        await new Promise((r) => setTimeout(r, 200))
      }
      expect(fenced).toEqual([1, 2, 3].map((brokerId) => expect.objectContaining({ brokerId, isFenced: brokerId === 3 })))
      expect((await describeCluster(address(1), false)).map((b) => b.brokerId)).toEqual([1, 2])
    } finally {
      const healed = await kafkadesk('broker', 'heal', '3', '--data-dir', cluster.dataDir)
      expect(healed.code, healed.stderr).toBe(0)
    }
    expect(await fetchAs(address(1), 3)).toBe('served')
    expect(await fetchAs(address(3), 1)).toBe('served')
  }, 60_000)
})
