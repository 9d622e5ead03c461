// Consumer groups, with a small raw-protocol driver (the project's RawClient and codec), so the
// figures are the broker's and not a client library's join pacing:
//  - rebalance: CONSUMERS members join one classic group (protocol type "consumer", a range
//    assignment computed by the leader) over one PARTITIONS-partition topic, all at once, each
//    on its own connection (opened beforehand). Timed from the first JoinGroup sent until every
//    member has its SyncGroup assignment and together they cover every partition exactly once.
//    The broker's group.initial.rebalance.delay.ms (Kafka's default 3000 on both brokers) is
//    part of that figure: the first rebalance of an empty group waits one delay, and another
//    while members keep arriving. Then one member (not the leader) leaves with LeaveGroup and
//    the rest, heartbeating every HEARTBEAT_MS, rejoin: timed from LeaveGroup sent until the
//    remaining members again cover every partition in one new generation.
//  - commit throughput: OffsetCommit requests with COMMIT_PARTITIONS partitions each, from one
//    client and from several at once (one request in flight per client, as commitSync does),
//    each committing for its own group without a generation (as an admin or assign()-style
//    consumer does). Every answer is checked: a partition error counts, it is not hidden.
// Nothing here fails on a slow figure; a run that cannot complete reports why.
import { setTimeout as sleep } from 'node:timers/promises'
import { RawClient } from '../../src-main/console/raw-client'

const K = { OffsetCommit: 8, FindCoordinator: 10, JoinGroup: 11, Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14, DescribeConfigs: 32 } as const
const E = {
  NONE: 0,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  REBALANCE_IN_PROGRESS: 27,
  MEMBER_ID_REQUIRED: 79,
} as const
const COORDINATOR_RETRIABLE = new Set<number>([E.COORDINATOR_LOAD_IN_PROGRESS, E.COORDINATOR_NOT_AVAILABLE, E.NOT_COORDINATOR])

export const CONSUMERS = 10
export const PARTITIONS = 60
export const HEARTBEAT_MS = 50
export const COMMIT_PARTITIONS = 60
/** [clients, measured requests per client]; each client first sends COMMIT_WARM_UP unmeasured. */
export const COMMIT_RUNS: [number, number][] = [
  [1, 1000],
  [4, 1000],
]
const COMMIT_WARM_UP = 100
/** A commit run stops at this point and reports what it did. */
const COMMIT_DEADLINE_MS = 25_000
const STABLE_TIMEOUT_MS = 60_000

export interface RebalanceResult {
  client: string
  consumers: number
  partitions: number
  /** group.initial.rebalance.delay.ms as the broker reports it (DescribeConfigs). */
  initialDelayMs?: number
  heartbeatMs: number
  /** First JoinGroup sent → every member has its assignment, all partitions covered. */
  joinToStableMs?: number
  /** First JoinGroup sent → the last JoinGroup answer (the delay is in here). */
  joinPhaseMs?: number
  /** Last JoinGroup answer → the last SyncGroup answer. */
  syncPhaseMs?: number
  generation?: number
  /** LeaveGroup of one member sent → the others cover all partitions in a new generation. */
  leaveToStableMs?: number
  leaveGeneration?: number
  error?: string
}

export interface CommitResult {
  clients: number
  requests: number
  partitionsPerRequest: number
  seconds: number
  requestsPerSec: number
  offsetsPerSec: number
  p50Ms: number
  p99Ms: number
  /** Partitions answered with a non-zero error code. */
  partitionErrors: number
  version: number
  /** Set when the run stopped at its deadline or failed. */
  note?: string
}

export interface GroupResults {
  /** Group settings as the broker reports them (absent when it does not know the key). */
  brokerConfigs: Record<string, string>
  rebalance: RebalanceResult
  commit: CommitResult[]
  errors: string[]
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300)

// ---- the consumer protocol's subscription and assignment (Kafka's ConsumerProtocol v0) ----
function subscription(topic: string): Buffer {
  const t = Buffer.from(topic)
  const b = Buffer.alloc(2 + 4 + 2 + t.length + 4)
  let i = b.writeInt16BE(0, 0)
  i = b.writeInt32BE(1, i)
  i = b.writeInt16BE(t.length, i)
  i += t.copy(b, i)
  b.writeInt32BE(-1, i) // no user data
  return b
}

function assignment(topic: string, partitions: number[]): Buffer {
  const t = Buffer.from(topic)
  const b = Buffer.alloc(2 + 4 + 2 + t.length + 4 + 4 * partitions.length + 4)
  let i = b.writeInt16BE(0, 0)
  i = b.writeInt32BE(1, i)
  i = b.writeInt16BE(t.length, i)
  i += t.copy(b, i)
  i = b.writeInt32BE(partitions.length, i)
  for (const p of partitions) i = b.writeInt32BE(p, i)
  b.writeInt32BE(-1, i)
  return b
}

/** The partitions of `topic` in a ConsumerProtocol assignment. */
function assignedPartitions(b: Buffer | null, topic: string): number[] {
  if (!b || b.length < 6) return []
  let i = 2
  const topics = b.readInt32BE(i)
  i += 4
  const out: number[] = []
  for (let t = 0; t < topics; t++) {
    const n = b.readInt16BE(i)
    const name = b.toString('utf8', i + 2, i + 2 + n)
    i += 2 + n
    const count = b.readInt32BE(i)
    i += 4
    for (let p = 0; p < count; p++, i += 4) if (name === topic) out.push(b.readInt32BE(i))
  }
  return out
}

/** Range assignment of one topic: members sorted by id, the first ones get one extra. */
function rangeAssign(memberIds: string[], partitions: number): Map<string, number[]> {
  const ids = [...memberIds].sort()
  const per = Math.floor(partitions / ids.length)
  const extra = partitions % ids.length
  const out = new Map<string, number[]>()
  let next = 0
  ids.forEach((id, i) => {
    const n = per + (i < extra ? 1 : 0)
    out.set(
      id,
      Array.from({ length: n }, (_, k) => next + k),
    )
    next += n
  })
  return out
}

async function withRetry<T extends { errorCode?: number }>(fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const until = performance.now() + timeoutMs
  for (;;) {
    const r = await fn()
    if (!COORDINATOR_RETRIABLE.has(r.errorCode ?? 0) || performance.now() > until) return r
    await sleep(100)
  }
}

/** Connects to the coordinator of `group` (the one broker, but asked the way a client does). */
async function coordinatorFor(bootstrap: string, group: string, clientId: string): Promise<{ client: RawClient; nodeId: number }> {
  const c = await RawClient.connect(bootstrap, { clientId, requestTimeoutMs: 60_000 })
  try {
    const v = c.version(K.FindCoordinator, 3)
    const r = await withRetry(() => c.request(K.FindCoordinator, v, { key: group, keyType: 0 }))
    if (r.errorCode) throw new Error(`FindCoordinator: error ${r.errorCode}`)
    const address = `${r.host}:${r.port}`
    if (address === bootstrap) return { client: c, nodeId: r.nodeId }
    c.close()
    return { client: await RawClient.connect(address, { clientId, requestTimeoutMs: 60_000 }), nodeId: r.nodeId }
  } catch (e) {
    c.close()
    throw e
  }
}

interface Synced {
  member: Member
  generation: number
  partitions: number[]
  at: number
}

class Member {
  memberId = ''
  generation = -1
  partitions: number[] = []
  lastJoinAt = 0
  leader = false
  private stopped = false
  private loop?: Promise<void>
  error?: string

  constructor(
    readonly c: RawClient,
    private readonly group: string,
    private readonly topic: string,
    private readonly onSynced: (s: Synced) => void,
  ) {}

  /** JoinGroup (twice on v4+: the first answer hands out the member id), then SyncGroup. */
  async join(): Promise<void> {
    const jv = this.c.version(K.JoinGroup, 9, 4)
    const sv = this.c.version(K.SyncGroup, 5, 3)
    for (;;) {
      const j = await withRetry(() =>
        this.c.request(K.JoinGroup, jv, {
          groupId: this.group,
          sessionTimeoutMs: 30_000,
          rebalanceTimeoutMs: 60_000,
          memberId: this.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: subscription(this.topic) }],
          reason: null,
        }),
      )
      if (j.errorCode === E.MEMBER_ID_REQUIRED) {
        this.memberId = j.memberId
        continue
      }
      if (j.errorCode) throw new Error(`JoinGroup: error ${j.errorCode}`)
      this.lastJoinAt = performance.now()
      this.memberId = j.memberId
      this.generation = j.generationId
      this.leader = j.leader === this.memberId
      const plan = this.leader
        ? rangeAssign(
            j.members.map((m: { memberId: string }) => m.memberId),
            PARTITIONS,
          )
        : undefined
      const s = await this.c.request(K.SyncGroup, sv, {
        groupId: this.group,
        generationId: this.generation,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: plan ? [...plan].map(([memberId, ps]) => ({ memberId, assignment: assignment(this.topic, ps) })) : [],
      })
      if (s.errorCode === E.REBALANCE_IN_PROGRESS) continue
      if (s.errorCode) throw new Error(`SyncGroup: error ${s.errorCode}`)
      this.partitions = assignedPartitions(s.assignment, this.topic)
      this.onSynced({ member: this, generation: this.generation, partitions: this.partitions, at: performance.now() })
      return
    }
  }

  /** Heartbeats every HEARTBEAT_MS; a rebalance in progress makes it rejoin. */
  startHeartbeats(): void {
    const hv = this.c.version(K.Heartbeat, 4, 3)
    this.loop = (async () => {
      while (!this.stopped) {
        await sleep(HEARTBEAT_MS)
        if (this.stopped) break
        const r = await this.c.request(K.Heartbeat, hv, { groupId: this.group, generationId: this.generation, memberId: this.memberId, groupInstanceId: null })
        if (r.errorCode === E.REBALANCE_IN_PROGRESS) await this.join()
        else if (r.errorCode) throw new Error(`Heartbeat: error ${r.errorCode}`)
      }
    })().catch((e) => void (this.error = message(e)))
  }

  async stopHeartbeats(): Promise<void> {
    this.stopped = true
    await this.loop
  }

  leave(): Promise<any> {
    const v = this.c.version(K.LeaveGroup, 5, 3)
    return this.c.request(K.LeaveGroup, v, { groupId: this.group, members: [{ memberId: this.memberId, groupInstanceId: null, reason: null }] })
  }
}

/** Resolves when `members` have all synced one generation ≥ `minGeneration` covering every partition once. */
function stableWatcher(): { onSynced: (s: Synced) => void; until: (members: Member[], minGeneration: number) => Promise<Synced[]> } {
  const latest = new Map<Member, Synced>()
  let check = (): void => {}
  return {
    onSynced: (s) => {
      latest.set(s.member, s)
      check()
    },
    until: (members, minGeneration) => {
      const p = new Promise<Synced[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`group not stable after ${STABLE_TIMEOUT_MS} ms`)), STABLE_TIMEOUT_MS).unref()
        check = () => {
          const s = members.map((m) => latest.get(m))
          if (s.some((x) => !x || x.generation < minGeneration || x.generation !== s[0]!.generation)) return
          const all = s.flatMap((x) => x!.partitions)
          if (all.length !== PARTITIONS || new Set(all).size !== PARTITIONS) return
          clearTimeout(timer)
          check = () => {}
          resolve(s as Synced[])
        }
        check()
      })
      // A join that failed first leaves this unawaited: its timeout must not be an unhandled rejection.
      p.catch(() => {})
      return p
    },
  }
}

/** Broker settings that shape these figures; Kafka 4.x's coordinator lingers before appending. */
export const GROUP_CONFIGS = ['group.initial.rebalance.delay.ms', 'group.coordinator.append.linger.ms']

async function brokerConfigs(c: RawClient, nodeId: number): Promise<Record<string, string>> {
  try {
    const r = await c.request(K.DescribeConfigs, c.version(K.DescribeConfigs, 4, 1), {
      resources: [{ resourceType: 4, resourceName: String(nodeId), configurationKeys: GROUP_CONFIGS }],
      includeSynonyms: false,
      includeDocumentation: false,
    })
    const out: Record<string, string> = {}
    for (const x of r.results[0]?.configs ?? []) if (x.value !== null) out[x.name] = x.value
    return out
  } catch {
    return {}
  }
}

async function rebalance(bootstrap: string, topic: string, log: (s: string) => void, configs: Record<string, string>): Promise<RebalanceResult> {
  const res: RebalanceResult = {
    client: 'raw-protocol driver (RawClient), concurrent joins',
    consumers: CONSUMERS,
    partitions: PARTITIONS,
    heartbeatMs: HEARTBEAT_MS,
  }
  const group = `bench-rebalance-${Date.now().toString(36)}`
  const watcher = stableWatcher()
  const members: Member[] = []
  try {
    const conns = await Promise.all(Array.from({ length: CONSUMERS }, (_, i) => coordinatorFor(bootstrap, group, `bench-consumer-${i}`)))
    Object.assign(configs, await brokerConfigs(conns[0]!.client, conns[0]!.nodeId))
    const delay = configs['group.initial.rebalance.delay.ms']
    if (delay !== undefined) res.initialDelayMs = Number(delay)
    for (const { client } of conns) members.push(new Member(client, group, topic, watcher.onSynced))

    const t0 = performance.now()
    const stable = watcher.until(members, 1)
    const joins = members.map((m) => m.join())
    await Promise.all(joins)
    const synced = await stable
    const tStable = Math.max(...synced.map((s) => s.at))
    res.joinToStableMs = tStable - t0
    const lastJoin = Math.max(...members.map((m) => m.lastJoinAt))
    res.joinPhaseMs = lastJoin - t0
    res.syncPhaseMs = tStable - lastJoin
    res.generation = synced[0]!.generation
    log(`  ${CONSUMERS} consumers stable in ${res.joinToStableMs.toFixed(0)} ms (generation ${res.generation}, initial delay ${res.initialDelayMs ?? '?'} ms)`)

    for (const m of members) m.startHeartbeats()
    await sleep(300)
    const leaver = members.find((m) => !m.leader)!
    await leaver.stopHeartbeats()
    const rest = members.filter((m) => m !== leaver)
    const gen = Math.max(...members.map((m) => m.generation))
    const restable = watcher.until(rest, gen + 1)
    const t1 = performance.now()
    const left = await leaver.leave()
    if (left.errorCode) throw new Error(`LeaveGroup: error ${left.errorCode}`)
    const again = await restable
    res.leaveToStableMs = Math.max(...again.map((s) => s.at)) - t1
    res.leaveGeneration = again[0]!.generation
    log(`  one left: ${rest.length} stable again in ${res.leaveToStableMs.toFixed(0)} ms (generation ${res.leaveGeneration})`)
    const failed = members.find((m) => m.error)
    if (failed) throw new Error(failed.error)
  } catch (e) {
    res.error = message(e)
  } finally {
    await Promise.all(members.map((m) => m.stopHeartbeats()))
    await Promise.all(members.map((m) => m.leave().catch(() => {})))
    for (const m of members) m.c.close()
  }
  return res
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

async function commitRun(bootstrap: string, topic: string, clients: number, requestsPerClient: number): Promise<CommitResult> {
  const stamp = Date.now().toString(36)
  const conns = await Promise.all(
    Array.from({ length: clients }, (_, i) => coordinatorFor(bootstrap, `bench-commit-${clients}-${i}-${stamp}`, `bench-committer-${i}`)),
  )
  const version = conns[0]!.client.version(K.OffsetCommit, 9, 2)
  let partitionErrors = 0
  let offset = 0
  const commit = async (c: RawClient, group: string): Promise<void> => {
    offset++
    const r = await withRetry(() =>
      c
        .request(K.OffsetCommit, version, {
          groupId: group,
          generationIdOrMemberEpoch: -1,
          memberId: '',
          groupInstanceId: null,
          retentionTimeMs: -1,
          topics: [
            {
              name: topic,
              partitions: Array.from({ length: COMMIT_PARTITIONS }, (_, p) => ({
                partitionIndex: p,
                committedOffset: offset,
                committedLeaderEpoch: -1,
                committedMetadata: '',
              })),
            },
          ],
        })
        .then((r: any) => ({ ...r, errorCode: r.topics[0]?.partitions[0]?.errorCode ?? 0 })),
    )
    for (const t of r.topics) for (const p of t.partitions) if (p.errorCode) partitionErrors++
  }
  try {
    const groups = conns.map((_, i) => `bench-commit-${clients}-${i}-${stamp}`)
    // Unmeasured: the first commit of a group (and Kafka's JIT) is start-up, not throughput.
    await Promise.all(
      conns.map(async ({ client }, i) => {
        for (let n = 0; n < COMMIT_WARM_UP; n++) await commit(client, groups[i]!)
      }),
    )
    partitionErrors = 0
    const latencies: number[] = []
    let timedOut = false
    const t0 = performance.now()
    const deadline = t0 + COMMIT_DEADLINE_MS
    await Promise.all(
      conns.map(async ({ client }, i) => {
        for (let n = 0; n < requestsPerClient; n++) {
          if (performance.now() > deadline) {
            timedOut = true
            return
          }
          const s = performance.now()
          await commit(client, groups[i]!)
          latencies.push(performance.now() - s)
        }
      }),
    )
    const seconds = (performance.now() - t0) / 1000
    latencies.sort((a, b) => a - b)
    return {
      clients,
      requests: latencies.length,
      partitionsPerRequest: COMMIT_PARTITIONS,
      seconds,
      requestsPerSec: latencies.length / seconds,
      offsetsPerSec: (latencies.length * COMMIT_PARTITIONS) / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      partitionErrors,
      version,
      ...(timedOut ? { note: `stopped at the ${COMMIT_DEADLINE_MS / 1000} s deadline` } : {}),
    }
  } finally {
    for (const { client } of conns) client.close()
  }
}

export async function benchGroups(bootstrap: string, topic: string, log: (s: string) => void): Promise<GroupResults> {
  const configs: Record<string, string> = {}
  const out: GroupResults = { brokerConfigs: configs, rebalance: await rebalance(bootstrap, topic, log, configs), commit: [], errors: [] }
  if (out.rebalance.error) out.errors.push(`rebalance: ${out.rebalance.error}`)
  for (const [clients, requests] of COMMIT_RUNS) {
    try {
      const r = await commitRun(bootstrap, topic, clients, requests)
      out.commit.push(r)
      log(
        `  OffsetCommit × ${COMMIT_PARTITIONS} partitions, ${clients} client(s): ${r.requestsPerSec.toFixed(0)} req/s, ${r.offsetsPerSec.toFixed(0)} offsets/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms${r.partitionErrors ? `, ${r.partitionErrors} partition errors` : ''}${r.note ? ` (${r.note})` : ''}`,
      )
      if (r.partitionErrors) out.errors.push(`commit, ${clients} client(s): ${r.partitionErrors} partitions answered with an error`)
    } catch (e) {
      out.errors.push(`commit, ${clients} client(s): ${message(e)}`)
    }
  }
  return out
}
