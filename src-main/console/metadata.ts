// Cluster metadata through the raw client (Metadata API). kafkajs' metadata calls throw as soon
// as one partition has no leader, which is exactly when an admin console must still answer
// (offline and under-replicated partitions, a broker just stopped).
import { ContractError } from '../ipc/contract'
import type { Session } from './connections'
import { ApiKey, kafkaErrorName } from './raw-client'

export interface PartitionMeta {
  partitionId: number
  leader: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
  errorCode: number
}

export interface TopicMeta {
  name: string
  internal: boolean
  errorCode: number
  partitions: PartitionMeta[]
}

export interface ClusterMeta {
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[]
  controllerId: number | null
  clusterId: string | null
  topics: TopicMeta[]
}

/** The brokers each session last heard of, to name a broker (node id) by its address in errors. */
const lastBrokers = new WeakMap<object, Map<string, number>>()

/** "broker 2 (127.0.0.1:9093)", or just the address when its node id is not known yet. */
export function brokerName(s: Session, address: string, nodeId?: number): string {
  const id = nodeId ?? lastBrokers.get(s)?.get(address)
  return id === undefined ? address : `broker ${id} (${address})`
}

/**
 * How long one broker may take with a Metadata answer before the next candidate is asked too.
 * A paused or overloaded broker must not hold every view for a whole request timeout while
 * others could answer; the slow one is still awaited, whichever answers first wins.
 */
export const METADATA_HEDGE_MS = 2_000
/** A broker that has not answered Metadata by then is given up on (and named in the error). */
export const METADATA_TIMEOUT_MS = 10_000

/**
 * Metadata for some topics, all topics (null) or none ([]), from the first broker that answers.
 * When none does, the error names each broker asked and what happened to it.
 */
export async function fetchMetadata(s: Session, topics: string[] | null): Promise<ClusterMeta> {
  const candidates = await s.candidateAddresses()
  const failures: string[] = []
  const ask = async (address: string): Promise<ClusterMeta> => {
    try {
      const c = await s.raw.get(address)
      const v = c.version(ApiKey.Metadata, 12, 1)
      const r = await c.request(
        ApiKey.Metadata,
        v,
        {
          topics: topics === null ? null : topics.map((name) => ({ name })),
          allowAutoTopicCreation: false,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        },
        METADATA_TIMEOUT_MS,
      )
      const meta: ClusterMeta = {
        brokers: r.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })),
        controllerId: r.controllerId >= 0 ? r.controllerId : null,
        clusterId: r.clusterId ?? null,
        topics: r.topics.map((t) => ({
          // Null only for topics asked for by id, which this client never does.
          name: t.name ?? '',
          internal: !!t.isInternal,
          errorCode: t.errorCode,
          partitions: t.partitions
            .map((p) => ({
              partitionId: p.partitionIndex,
              leader: p.leaderId,
              replicas: p.replicaNodes,
              isr: p.isrNodes,
              offlineReplicas: p.offlineReplicas ?? [],
              errorCode: p.errorCode,
            }))
            .sort((a: PartitionMeta, b: PartitionMeta) => a.partitionId - b.partitionId),
        })),
      }
      const known = lastBrokers.get(s) ?? new Map<string, number>()
      for (const b of meta.brokers) known.set(`${b.host}:${b.port}`, b.nodeId)
      lastBrokers.set(s, known)
      return meta
    } catch (e) {
      failures.push(`${brokerName(s, address)}: ${(e as Error).message}`)
      throw e
    }
  }
  if (!candidates.length) throw new ContractError('CONNECTION', 'no broker to ask')
  return new Promise<ClusterMeta>((resolve, reject) => {
    let next = 0
    let running = 0
    let done = false
    let timer: NodeJS.Timeout | undefined
    const launch = () => {
      if (done || next >= candidates.length) return
      const address = candidates[next++]!
      running++
      clearTimeout(timer)
      // Not answered soon: ask the next candidate as well.
      timer = setTimeout(launch, METADATA_HEDGE_MS)
      ask(address).then(
        (m) => {
          if (done) return
          done = true
          clearTimeout(timer)
          resolve(m)
        },
        (e) => {
          running--
          if (done) return
          if (next < candidates.length) return launch()
          if (running === 0) {
            done = true
            clearTimeout(timer)
            const code = e instanceof ContractError ? e.code : 'CONNECTION'
            reject(new ContractError(code, `no broker answered Metadata — ${failures.join('; ')}`))
          }
        },
      )
    }
    launch()
  })
}

/** One topic's metadata; NOT_FOUND when it does not exist. */
export async function fetchTopic(s: Session, topic: string): Promise<TopicMeta> {
  const m = await fetchMetadata(s, [topic])
  const t = m.topics.find((x) => x.name === topic)
  if (!t || t.errorCode === 3) throw new ContractError('NOT_FOUND', `topic ${topic} does not exist`, 'topic')
  if (t.errorCode && t.errorCode !== 5 /* LEADER_NOT_AVAILABLE: still describable */)
    throw new ContractError(`KAFKA_${kafkaErrorName(t.errorCode)}`, `metadata of ${topic}: ${kafkaErrorName(t.errorCode)}`)
  return t
}
