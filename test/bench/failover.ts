// Failover time: kill -9 of a partition leader's process → a new leader accepts an acks=all
// produce. Measured with a small raw-protocol driver (the project's RawClient) on connections
// opened before the kill, so the figure is the cluster's (detection, election, metadata
// propagation), not a client library's retry backoff: every 10 ms it asks a surviving broker
// for the partition's leader and, once that is a survivor, sends it one record with acks=-1.
//
// Each kind runs with its own defaults: Kafka's controller notices a dead broker when its
// heartbeats stop (broker.session.timeout.ms, 9 s by default); the embedded supervisor also
// sees the process exit. On Kafka the victim is never the active KRaft controller (combined
// nodes here; a production cluster has dedicated controllers), so no controller election is
// counted. Between rounds the killed broker is restarted and the ISR is full again.
import { setTimeout as sleep } from 'node:timers/promises'
import { ApiKey, RawClient } from '../../src-main/console/raw-client'
import { buildBatch } from '../../src-main/broker/records/record'
import { kafkaTool, type ClusterTarget } from '../interop/target'

const PRODUCE = 0
const POLL_MS = 10

export interface FailoverRound {
  partition: number
  victim: number
  newLeader?: number
  /** kill → a survivor's Metadata names a live leader. */
  electedMs?: number
  /** kill → that leader acknowledges an acks=all produce. */
  acceptedMs?: number
  error?: string
}

interface PartitionMeta {
  partition: number
  leader: number
  replicas: number[]
  isr: number[]
}

async function metadata(c: RawClient, topic: string): Promise<PartitionMeta[]> {
  const r = await c.request(ApiKey.Metadata, c.version(ApiKey.Metadata, 12, 1), {
    topics: [{ name: topic }],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  })
  const t = r.topics[0]
  if (!t || t.errorCode) return []
  return t.partitions.map((p: any) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: [...p.isrNodes].sort() }))
}

async function produceOne(c: RawClient, topic: string, partition: number): Promise<number> {
  const records = buildBatch({ records: [{ key: 'failover', value: `probe ${Date.now()}` }] })
  const r = await c.request(PRODUCE, c.version(PRODUCE, 9, 3), {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  })
  return r.responses[0].partitionResponses[0].errorCode as number
}

/** The active KRaft controller of a real Kafka cluster (kafka-metadata-quorum describe --status). */
async function quorumLeader(bootstrap: string): Promise<number | undefined> {
  const r = await kafkaTool('kafka-metadata-quorum', ['--bootstrap-server', bootstrap, 'describe', '--status'])
  const m = /LeaderId:\s+(\d+)/.exec(r.stdout)
  return m ? Number(m[1]) : undefined
}

async function connectAll(cluster: ClusterTarget): Promise<Map<number, RawClient>> {
  const out = new Map<number, RawClient>()
  for (const [id, b] of cluster.brokers) out.set(id, await RawClient.connect(b.address, { clientId: 'kafkadesk-bench-failover', requestTimeoutMs: 10_000 }))
  return out
}

async function waitFullIsr(c: RawClient, topic: string, replicas: number, timeoutMs = 120_000): Promise<PartitionMeta[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ps = await metadata(c, topic).catch(() => [])
    if (ps.length > 0 && ps.every((p) => p.leader >= 0 && p.isr.length === replicas)) return ps
    if (Date.now() > deadline) throw new Error(`${topic}: ISR not full after ${timeoutMs} ms: ${JSON.stringify(ps)}`)
    await sleep(200)
  }
}

/** One round: kill -9 of the leader of one partition of `topic` (RF=3, full ISR), timed until a new leader accepts produce. */
async function round(cluster: ClusterTarget, topic: string): Promise<FailoverRound> {
  const clients = await connectAll(cluster)
  try {
    const any = clients.values().next().value as RawClient
    const parts = await waitFullIsr(any, topic, cluster.brokers.size)
    const avoid = cluster.kind === 'kafka' ? await quorumLeader(cluster.bootstrap) : undefined
    const target = parts.find((p) => p.leader !== avoid) ?? parts[0]!
    const victim = target.leader
    const res: FailoverRound = { partition: target.partition, victim }
    // The leader takes a record first, so the connections and the partition are warm.
    const warm = await produceOne(clients.get(victim)!, topic, target.partition)
    if (warm !== 0) throw new Error(`produce before the kill failed with error ${warm}`)
    const survivors = [...clients.keys()].filter((id) => id !== victim)

    const t0 = performance.now()
    process.kill(cluster.brokers.get(victim)!.pid, 'SIGKILL')
    let i = 0
    while (performance.now() - t0 < 120_000) {
      const asked = clients.get(survivors[i++ % survivors.length]!)!
      try {
        const p = (await metadata(asked, topic)).find((x) => x.partition === target.partition)
        if (p && p.leader >= 0 && p.leader !== victim && clients.has(p.leader)) {
          res.electedMs ??= performance.now() - t0
          res.newLeader = p.leader
          if ((await produceOne(clients.get(p.leader)!, topic, target.partition)) === 0) {
            res.acceptedMs = performance.now() - t0
            break
          }
        }
      } catch {
        // A connection the old leader's death broke, or a request timed out: ask again.
      }
      await sleep(POLL_MS)
    }
    if (res.acceptedMs === undefined) res.error = 'no new leader accepted produce within 120 s'
    return res
  } finally {
    for (const c of clients.values()) c.close()
  }
}

/** `rounds` kill → new-leader rounds on `topic`, restarting the killed broker after each. */
export async function measureFailover(cluster: ClusterTarget, topic: string, rounds: number, log: (s: string) => void): Promise<FailoverRound[]> {
  const out: FailoverRound[] = []
  for (let r = 0; r < rounds; r++) {
    let res: FailoverRound
    try {
      res = await round(cluster, topic)
    } catch (e) {
      out.push({ partition: -1, victim: -1, error: e instanceof Error ? e.message.split('\n')[0] : String(e) })
      break
    }
    out.push(res)
    log(
      `failover round ${r + 1}: killed broker ${res.victim} (leader of ${topic}-${res.partition}); new leader ${res.newLeader ?? '—'} elected in ${res.electedMs?.toFixed(0) ?? '—'} ms, accepted produce in ${res.acceptedMs?.toFixed(0) ?? '—'} ms${res.error ? ` (${res.error})` : ''}`,
    )
    try {
      await cluster.start(res.victim)
    } catch (e) {
      out.push({ partition: -1, victim: res.victim, error: `restart: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` })
      break
    }
  }
  return out
}
