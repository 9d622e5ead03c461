import { KafkaError } from '../errors'
import { topicConfigByName, validateConfig } from '../config'
import { initialIsr, type MetadataStore, type PartitionAssignment, type TopicMetadata } from './metadata'

export const MAX_TOPIC_NAME_LENGTH = 249
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/

/** Kafka's topic name rules (org.apache.kafka.common.internals.Topic). */
export function validateTopicName(name: string): void {
  const bad = (why: string) => new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name is invalid: ${why}`)
  if (name === '') throw bad('the empty string is not allowed')
  if (name === '.' || name === '..') throw bad(`'${name}' is not allowed`)
  if (name.length > MAX_TOPIC_NAME_LENGTH) throw bad(`the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`)
  if (!LEGAL_TOPIC.test(name)) throw bad(`'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`)
}

/** Validates topic configs with Kafka's rules; unknown names are refused as Kafka does. */
export function validateTopicConfigs(configs: Record<string, string | null>): void {
  for (const [k, v] of Object.entries(configs)) {
    const def = topicConfigByName.get(k)
    if (!def) throw new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${k}`)
    validateConfig(def, v)
  }
}

/** Kafka's checks of a manual replica list (ReplicationControlManager). */
export function validateReplicaList(metadata: MetadataStore, brokerIds: number[], replicationFactor?: number): void {
  if (brokerIds.length === 0) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'The manual partition assignment includes an empty replica list.')
  const sorted = [...brokerIds].sort((a, b) => a - b)
  let prev: number | undefined
  for (const b of sorted) {
    if (!metadata.brokers.has(b))
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${b}, but no such broker is registered.`)
    if (b === prev) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes the broker ${prev} more than once.`)
    prev = b
  }
  if (replicationFactor !== undefined && brokerIds.length !== replicationFactor) {
    throw new KafkaError(
      'INVALID_REPLICA_ASSIGNMENT',
      `The manual partition assignment includes a partition with ${brokerIds.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
    )
  }
}

/** The partition limits a request is checked against before anything is placed or created. */
export interface PartitionLimits {
  /** max.partitions.per.request: partitions one CreateTopics/CreatePartitions may add. */
  perRequest: number
  /** max.partitions: partitions the whole cluster may hold. */
  cluster: number
}

/** Kafka's message for a request over its controller's per-request partition cap (ReplicationControlManager). */
export const EXCESSIVE_PARTITIONS_MESSAGE = 'Excessively large number of partitions per request.'

/** Partitions a CreateTopics entry asks for, as Kafka counts them: the assignments, else numPartitions (-1: the default). */
export function requestedPartitions(t: { numPartitions: number; assignments?: unknown[] | null }, defaultPartitions: number): number {
  if (t.assignments && t.assignments.length > 0) return t.assignments.length
  if (t.numPartitions === -1) return defaultPartitions
  return Math.max(t.numPartitions, 0)
}

/** The broker's partition limits (max.partitions.per.request, max.partitions). */
export function partitionLimits(config: { int(name: string): number }): PartitionLimits {
  return { perRequest: config.int('max.partitions.per.request'), cluster: config.int('max.partitions') }
}

export function clusterPartitionCount(metadata: MetadataStore): number {
  let n = 0
  for (const t of metadata.topics.values()) n += t.partitions.length
  return n
}

/** Refuses adding `added` partitions to a cluster already holding `existing` when that passes max.partitions. */
export function checkClusterPartitions(existing: number, added: number, limits: PartitionLimits): void {
  if (existing + added > limits.cluster) {
    throw new KafkaError(
      'POLICY_VIOLATION',
      `Adding ${added} partition(s) to the ${existing} the cluster holds would exceed max.partitions (${limits.cluster}).`,
    )
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
  limits?: PartitionLimits,
): TopicMetadata | { name: string; partitions: PartitionAssignment[]; configs: Record<string, string> } {
  validateTopicName(spec.name)
  // The size of the topic is bounded before any assignment is built for it.
  if (limits) {
    const wanted = requestedPartitions(spec, defaults.numPartitions)
    if (wanted > limits.perRequest) throw new KafkaError('POLICY_VIOLATION', EXCESSIVE_PARTITIONS_MESSAGE)
    checkClusterPartitions(clusterPartitionCount(metadata), wanted, limits)
  }
  if (metadata.topics.has(spec.name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${spec.name}' already exists.`)
  const collide = spec.name.replace(/\./g, '_')
  for (const t of metadata.topics.keys()) {
    if (t.replace(/\./g, '_') === collide) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic '${spec.name}' collides with existing topic: ${t}`)
  }
  validateTopicConfigs(spec.configs)
  const live = metadata.liveBrokerIds()
  let assignments: PartitionAssignment[]
  if (spec.assignments && spec.assignments.length > 0) {
    if (spec.replicationFactor !== -1)
      throw new KafkaError('INVALID_REQUEST', 'A manual partition assignment was specified, but replication factor was not set to -1.')
    if (spec.numPartitions !== -1) throw new KafkaError('INVALID_REQUEST', 'A manual partition assignment was specified, but numPartitions was not set to -1.')
    let rf: number | undefined
    assignments = spec.assignments.map((a, i) => {
      if (a.partitionIndex !== i) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'partitions should be a consecutive 0-based integer sequence')
      validateReplicaList(metadata, a.brokerIds, rf)
      rf = a.brokerIds.length
      return { partition: i, leader: a.brokerIds[0], leaderEpoch: 0, partitionEpoch: 0, replicas: [...a.brokerIds], isr: initialIsr(a.brokerIds) }
    })
  } else {
    if (spec.numPartitions === 0 || spec.numPartitions < -1)
      throw new KafkaError('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.')
    if (spec.replicationFactor === 0 || spec.replicationFactor < -1)
      throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0, or -1 to use the default value.')
    const partitions = spec.numPartitions === -1 ? defaults.numPartitions : spec.numPartitions
    const rf = spec.replicationFactor === -1 ? defaults.replicationFactor : spec.replicationFactor
    if (rf > live.length)
      throw new KafkaError(
        'INVALID_REPLICATION_FACTOR',
        `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${live.length} broker(s) are registered.`,
      )
    assignments = metadata.assign(partitions, rf)
  }
  if (validateOnly) return { name: spec.name, partitions: assignments, configs: spec.configs }
  return metadata.createTopic(spec.name, assignments, spec.configs)
}
