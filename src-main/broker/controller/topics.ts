import { KafkaError } from '../errors'
import { topicConfigByName, validateConfig } from '../config'
import type { MetadataStore, PartitionAssignment, TopicMetadata } from './metadata'

export const MAX_TOPIC_NAME_LENGTH = 249
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/

/** Kafka's topic name rules (org.apache.kafka.common.internals.Topic). */
export function validateTopicName(name: string): void {
  if (name === '') throw new KafkaError('INVALID_TOPIC_EXCEPTION', 'Topic name is illegal, it can\'t be empty')
  if (name === '.' || name === '..') throw new KafkaError('INVALID_TOPIC_EXCEPTION', 'Topic name cannot be "." or ".."')
  if (name.length > MAX_TOPIC_NAME_LENGTH) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`)
  if (!LEGAL_TOPIC.test(name)) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`)
}

/** Validates topic configs with Kafka's rules; unknown names are refused as Kafka does. */
export function validateTopicConfigs(configs: Record<string, string | null>): void {
  for (const [k, v] of Object.entries(configs)) {
    const def = topicConfigByName.get(k)
    if (!def) throw new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${k}`)
    validateConfig(def, v)
  }
}

export interface CreateTopicSpec {
  name: string
  /** -1 means the broker default (num.partitions). */
  numPartitions: number
  /** -1 means the broker default (default.replication.factor). */
  replicationFactor: number
  /** Explicit replica assignment: partition → broker ids. */
  assignments?: { partitionIndex: number; brokerIds: number[] }[]
  configs: Record<string, string>
}

/** Checks a CreateTopics entry and, unless validateOnly, creates the topic. Throws KafkaError. */
export function createTopic(
  metadata: MetadataStore,
  spec: CreateTopicSpec,
  defaults: { numPartitions: number; replicationFactor: number },
  validateOnly = false,
): TopicMetadata | { name: string; partitions: PartitionAssignment[]; configs: Record<string, string> } {
  validateTopicName(spec.name)
  if (metadata.topics.has(spec.name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${spec.name}' already exists.`)
  const collide = spec.name.replace(/\./g, '_')
  for (const t of metadata.topics.keys()) {
    if (t.replace(/\./g, '_') === collide) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic '${spec.name}' collides with existing topic: ${t}`)
  }
  validateTopicConfigs(spec.configs)
  const live = metadata.liveBrokerIds()
  let assignments: PartitionAssignment[]
  if (spec.assignments && spec.assignments.length > 0) {
    if (spec.numPartitions !== -1 || spec.replicationFactor !== -1) {
      throw new KafkaError('INVALID_REQUEST', 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.')
    }
    const sorted = [...spec.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex)
    assignments = sorted.map((a, i) => {
      if (a.partitionIndex !== i) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'Partitions should be a consecutive 0-based integer sequence')
      if (a.brokerIds.length === 0 || new Set(a.brokerIds).size !== a.brokerIds.length) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Invalid replica list for partition ${i}`)
      for (const b of a.brokerIds) if (!live.includes(b)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Unknown broker ${b} in replica assignment`)
      return { partition: i, leader: a.brokerIds[0], leaderEpoch: 0, replicas: [...a.brokerIds], isr: [...a.brokerIds] }
    })
  } else {
    const partitions = spec.numPartitions === -1 ? defaults.numPartitions : spec.numPartitions
    const rf = spec.replicationFactor === -1 ? defaults.replicationFactor : spec.replicationFactor
    if (partitions <= 0) throw new KafkaError('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.')
    if (rf <= 0) throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.')
    if (rf > live.length) throw new KafkaError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${live.length} broker(s) are registered.`)
    assignments = metadata.assign(partitions, rf)
  }
  if (validateOnly) return { name: spec.name, partitions: assignments, configs: spec.configs }
  return metadata.createTopic(spec.name, assignments, spec.configs)
}
