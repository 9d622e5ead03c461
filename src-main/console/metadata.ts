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

/** Metadata for some topics, all topics (null) or none ([]), from the first broker that answers. */
export async function fetchMetadata(s: Session, topics: string[] | null): Promise<ClusterMeta> {
  let last: unknown
  for (const address of await s.candidateAddresses()) {
    try {
      const c = await s.raw.get(address)
      const v = c.version(ApiKey.Metadata, 12, 1)
      const r = await c.request(ApiKey.Metadata, v, {
        topics: topics === null ? null : topics.map((name) => ({ name })),
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      })
      return {
        brokers: r.brokers.map((b: any) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })),
        controllerId: r.controllerId >= 0 ? r.controllerId : null,
        clusterId: r.clusterId ?? null,
        topics: r.topics.map((t: any) => ({
          name: t.name,
          internal: !!t.isInternal,
          errorCode: t.errorCode,
          partitions: t.partitions
            .map((p: any) => ({
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
    } catch (e) {
      last = e
    }
  }
  throw last ?? new ContractError('CONNECTION', 'no broker answered')
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
