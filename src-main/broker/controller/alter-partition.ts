// AlterPartition: a partition leader asks the controller to change the partition's ISR (KIP-497,
// KRaft's ReplicationControlManager). The controller checks that the request comes from the
// current leader under the current leader epoch and was computed from the current partition
// state (the partition epoch), then writes the new ISR and bumps the partition epoch. A leader
// whose request fails learns the real state from the metadata it replays and tries again.
import type { PartitionAssignment, TopicMetadata } from './metadata'

export interface AlterPartitionRequest {
  topic: string
  partition: number
  /** The leader sending the request. */
  brokerId: number
  /** The sender's broker epoch (-1 when the store tracks none). */
  brokerEpoch: number
  leaderEpoch: number
  partitionEpoch: number
  newIsr: number[]
}

export interface AlterPartitionResult {
  /** Kafka's error name, or null when the ISR was changed. */
  error: string | null
  message?: string
  partition?: PartitionAssignment
}

export interface AlterPartitionEnv {
  topic(name: string): TopicMetadata | undefined
  /**
   * Whether a replica may join the ISR: KRaft refuses fenced brokers and brokers in controlled
   * shutdown (INELIGIBLE_REPLICA). Replicas already in the ISR are never re-checked.
   */
  eligible(brokerId: number): boolean
  /** The registered epoch of a broker, or undefined when the store does not track epochs. */
  brokerEpoch?(brokerId: number): number | undefined
  /** Persists the change and tells the brokers (MetadataStore.changed). */
  commit(topic: string): void
}

/** Validates and applies one AlterPartition, in the order KRaft checks. */
export function alterPartition(env: AlterPartitionEnv, req: AlterPartitionRequest): AlterPartitionResult {
  const t = env.topic(req.topic)
  const p = t?.partitions[req.partition]
  if (!t || !p) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `${req.topic}-${req.partition} does not exist` }
  const registered = env.brokerEpoch?.(req.brokerId)
  if (registered !== undefined && req.brokerEpoch !== -1 && req.brokerEpoch !== registered) {
    return { error: 'STALE_BROKER_EPOCH', message: `broker epoch ${req.brokerEpoch} is not the registered ${registered}` }
  }
  if (p.leader !== req.brokerId)
    return { error: 'INVALID_REQUEST', message: `broker ${req.brokerId} is not the leader (${p.leader}) of ${req.topic}-${req.partition}` }
  if (req.leaderEpoch < p.leaderEpoch)
    return { error: 'FENCED_LEADER_EPOCH', message: `leader epoch ${req.leaderEpoch} is older than ${p.leaderEpoch}`, partition: p }
  if (req.leaderEpoch > p.leaderEpoch)
    return { error: 'UNKNOWN_LEADER_EPOCH', message: `leader epoch ${req.leaderEpoch} is newer than ${p.leaderEpoch}`, partition: p }
  if (req.partitionEpoch !== p.partitionEpoch) {
    return { error: 'INVALID_UPDATE_VERSION', message: `partition epoch ${req.partitionEpoch} is not the current ${p.partitionEpoch}`, partition: p }
  }
  const isr = req.newIsr
  if (new Set(isr).size !== isr.length || isr.some((r) => !p.replicas.includes(r))) {
    return { error: 'INVALID_REQUEST', message: `ISR ${JSON.stringify(isr)} has duplicates or replicas outside ${JSON.stringify(p.replicas)}` }
  }
  if (!isr.includes(p.leader)) return { error: 'INVALID_REQUEST', message: `ISR ${JSON.stringify(isr)} does not contain the leader ${p.leader}` }
  const ineligible = isr.filter((r) => !p.isr.includes(r) && !env.eligible(r))
  if (ineligible.length > 0) return { error: 'INELIGIBLE_REPLICA', message: `replicas ${ineligible.join(',')} are not eligible to join the ISR`, partition: p }
  p.isr = [...isr]
  p.partitionEpoch++
  env.commit(req.topic)
  return { error: null, partition: p }
}
