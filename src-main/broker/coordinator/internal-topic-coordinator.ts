// What the group and the transaction coordinator have in common: each owns the keys (group ids,
// transactional ids) whose partition of its internal topic (__consumer_offsets,
// __transaction_state) this broker leads. This piece maps a key to its partition as Kafka does
// (abs(javaHashCode(key)) % partitions), creates the topic on first use, follows which of its
// partitions this broker leads and has loaded, and answers the coordinator errors a request gets
// when its key is coordinated elsewhere or still loading. What a partition holds stays with the
// coordinator that reads it (the subclass).
import type { Broker } from '../broker'
import type { TopicMetadata } from '../controller/metadata'
import { ErrorCode } from '../errors'

/** Java's String.hashCode over UTF-16 code units. */
export function javaStringHashCode(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** Kafka's Utils.abs: Math.abs, except Integer.MIN_VALUE maps to 0. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n)
}

/** The partition of an internal topic with `partitions` partitions that holds `key`. */
export function partitionForKey(key: string, partitions: number): number {
  return kafkaAbs(javaStringHashCode(key)) % partitions
}

/**
 * What a coordinator's client is told when an append to the internal topic (or its replication)
 * failed, as Kafka normalizes it: this broker stopped leading the partition (NOT_COORDINATOR), or
 * the partition cannot take the write now (COORDINATOR_NOT_AVAILABLE). Each coordinator maps the
 * errors particular to it before falling back to this.
 */
export function coordinatorAppendError(error: string): number {
  switch (error) {
    case 'NONE':
      return ErrorCode.NONE
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return ErrorCode.NOT_COORDINATOR
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
    case 'REQUEST_TIMED_OUT':
      return ErrorCode.COORDINATOR_NOT_AVAILABLE
    default:
      return ErrorCode.UNKNOWN_SERVER_ERROR
  }
}

export interface InternalTopicSpec {
  name: string
  /** The broker configs the topic is created with (Kafka's offsets.topic.* / transaction.state.log.*). */
  numPartitionsConfig: string
  replicationFactorConfig: string
  /** The topic configs it is created with, given the replication factor it gets. */
  topicConfigs(replicationFactor: number): Record<string, string>
}

export interface CoordinatorAddress {
  nodeId: number
  host: string
  port: number
}

/**
 * The base of both coordinators. A subclass says what it keeps of a partition: loadPartition
 * reads one this broker now leads (false when its log is not there yet), unloadPartition forgets
 * one it no longer leads.
 */
export abstract class InternalTopicCoordinator {
  private readonly loaded = new Set<number>()
  private started = false

  protected constructor(
    protected readonly broker: Broker,
    private readonly spec: InternalTopicSpec,
  ) {}

  protected abstract loadPartition(partition: number): boolean
  protected abstract unloadPartition(partition: number): void
  protected abstract log(line: string): void

  /** Loads the partitions this broker leads now, and follows leadership changes from here on. */
  start(): void {
    this.started = true
    this.broker.metadata.onTopicChange((topic) => {
      if (topic === this.spec.name && this.started) this.syncPartitions()
    })
    this.syncPartitions()
  }

  /** Forgets which partitions were loaded; the subclass drops what it kept of them. */
  stop(): void {
    this.started = false
    this.loaded.clear()
  }

  protected get running(): boolean {
    return this.started
  }

  protected topic(): TopicMetadata | undefined {
    return this.broker.metadata.topics.get(this.spec.name)
  }

  /** Partitions of the topic, or the count it will be created with. */
  numPartitions(): number {
    return this.topic()?.partitions.length ?? this.broker.config.int(this.spec.numPartitionsConfig)
  }

  /** The partition of the topic that holds a group id or transactional id. */
  partitionFor(key: string): number {
    return partitionForKey(key, this.numPartitions())
  }

  /** min.insync.replicas of the topic, with the broker's default under it. */
  protected minInsyncReplicas(t: TopicMetadata): number {
    return Number(this.broker.config.topicConfigValues(t.configs)['min.insync.replicas'])
  }

  /** Creates the topic (internal, compacted) if it does not exist yet, as FindCoordinator does. */
  ensureTopic(): TopicMetadata {
    const existing = this.topic()
    if (existing) return existing
    const md = this.broker.metadata
    const cfg = this.broker.config
    const rf = Math.max(1, Math.min(cfg.int(this.spec.replicationFactorConfig), md.liveBrokerIds().length))
    const t = md.createTopic(this.spec.name, md.assign(cfg.int(this.spec.numPartitionsConfig), rf), this.spec.topicConfigs(rf), true)
    this.log(`created ${this.spec.name} with ${t.partitions.length} partitions, replication factor ${rf}`)
    return t
  }

  /** The broker that coordinates a key, creating the topic on first use. */
  coordinatorFor(key: string): CoordinatorAddress | undefined {
    const t = this.ensureTopic()
    const p = t.partitions[partitionForKey(key, t.partitions.length)]
    const b = p ? this.broker.metadata.brokers.get(p.leader) : undefined
    return b ? { nodeId: b.nodeId, host: b.host, port: b.port } : undefined
  }

  /**
   * NONE when this broker coordinates the key, else NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS
   * while its partition cannot be read yet, or COORDINATOR_NOT_AVAILABLE while stopped.
   */
  check(key: string): number {
    if (!this.started) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const t = this.topic()
    if (!t) return ErrorCode.NOT_COORDINATOR
    const p = partitionForKey(key, t.partitions.length)
    if (t.partitions[p]?.leader !== this.broker.nodeId) return ErrorCode.NOT_COORDINATOR
    if (!this.loaded.has(p)) this.load(p)
    return this.loaded.has(p) ? ErrorCode.NONE : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
  }

  /** Loads the partitions this broker now leads and drops those it no longer leads. */
  private syncPartitions(): void {
    const t = this.topic()
    const led = new Set<number>()
    if (t) for (const p of t.partitions) if (p.leader === this.broker.nodeId) led.add(p.partition)
    for (const p of [...this.loaded]) {
      if (led.has(p)) continue
      this.loaded.delete(p)
      this.unloadPartition(p)
    }
    for (const p of led) if (!this.loaded.has(p)) this.load(p)
  }

  private load(partition: number): void {
    if (this.loadPartition(partition)) this.loaded.add(partition)
  }
}
