import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { alterPartition, type AlterPartitionRequest, type AlterPartitionResult } from './alter-partition'

export interface BrokerEndpoint {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface PartitionAssignment {
  partition: number
  leader: number
  leaderEpoch: number
  /** Bumped on every change of this partition's state (KRaft's partition epoch, checked by AlterPartition). */
  partitionEpoch: number
  replicas: number[]
  isr: number[]
}

export interface TopicMetadata {
  name: string
  /** Base64 of the 16-byte topic id, so the file stays JSON. */
  topicId: string
  internal: boolean
  partitions: PartitionAssignment[]
  /** Only configs set on the topic (Kafka's DYNAMIC_TOPIC_CONFIG); defaults come from the broker. */
  configs: Record<string, string>
}

interface MetadataFile {
  clusterId: string
  topics: TopicMetadata[]
  brokerConfigs: Record<string, string>
  /** First producer id not yet handed out in a block (Kafka hands out blocks of 1000). */
  producerIdBlockEnd?: number
  /** Dynamic configs of single brokers (AlterConfigs on broker "<id>"), by node id. */
  brokerNodeConfigs?: Record<string, Record<string, string>>
}

const PRODUCER_ID_BLOCK = 1000

/**
 * The in-sync replicas of a new partition. Followers do not replicate yet, so only the leader
 * is in sync: a replicated topic then reports itself under-replicated instead of claiming
 * copies that do not exist, and acks=all honours min.insync.replicas against the truth.
 */
export function initialIsr(replicas: number[]): number[] {
  return replicas.slice(0, 1)
}

/**
 * The cluster's metadata (Kafka keeps it in the KRaft metadata log; the embedded cluster keeps
 * it in one JSON file written atomically). Shared by the brokers of one embedded cluster.
 */
export class MetadataStore {
  readonly clusterId: string
  readonly topics = new Map<string, TopicMetadata>()
  readonly brokerConfigs: Record<string, string>
  private readonly brokerNodeConfigs: Record<string, Record<string, string>>
  readonly brokers = new Map<number, BrokerEndpoint>()
  controllerId = -1
  private nextProducerId = 0
  private producerIdBlockEnd = 0
  private readonly file: string
  private listeners: ((topic: string) => void)[] = []

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true })
    this.file = join(dir, 'cluster-metadata.json')
    let data: MetadataFile | undefined
    if (existsSync(this.file)) data = JSON.parse(readFileSync(this.file, 'utf8')) as MetadataFile
    // Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding.
    this.clusterId = data?.clusterId ?? randomBytes(16).toString('base64url')
    this.brokerConfigs = data?.brokerConfigs ?? {}
    this.brokerNodeConfigs = data?.brokerNodeConfigs ?? {}
    for (const t of data?.topics ?? []) {
      // Files written before partition epochs existed.
      for (const p of t.partitions) p.partitionEpoch ??= 0
      this.topics.set(t.name, t)
    }
    this.producerIdBlockEnd = this.nextProducerId = data?.producerIdBlockEnd ?? 0
    if (!data) this.persist()
  }

  onTopicChange(fn: (topic: string) => void): void {
    this.listeners.push(fn)
  }

  registerBroker(b: BrokerEndpoint): void {
    this.brokers.set(b.nodeId, b)
    if (this.controllerId < 0 || !this.brokers.has(this.controllerId)) this.controllerId = Math.min(...this.brokers.keys())
  }

  unregisterBroker(nodeId: number): void {
    this.brokers.delete(nodeId)
    if (this.controllerId === nodeId) this.controllerId = this.brokers.size ? Math.min(...this.brokers.keys()) : -1
  }

  liveBrokerIds(): number[] {
    return [...this.brokers.keys()].sort((a, b) => a - b)
  }

  topicById(id: string): TopicMetadata | undefined {
    for (const t of this.topics.values()) if (t.topicId === id) return t
    return undefined
  }

  /** Places replicas round-robin over the live brokers, leader first, as Kafka's default assignment does without racks. */
  assign(partitions: number, replicationFactor: number, firstPartition = 0, startIndex?: number): PartitionAssignment[] {
    const ids = this.liveBrokerIds()
    const start = startIndex ?? Math.floor(Math.random() * ids.length)
    const out: PartitionAssignment[] = []
    for (let i = 0; i < partitions; i++) {
      const p = firstPartition + i
      const replicas: number[] = []
      for (let r = 0; r < replicationFactor; r++) replicas.push(ids[(start + p + r) % ids.length])
      out.push({ partition: p, leader: replicas[0], leaderEpoch: 0, partitionEpoch: 0, replicas, isr: initialIsr(replicas) })
    }
    return out
  }

  createTopic(name: string, assignments: PartitionAssignment[], configs: Record<string, string>, internal = false): TopicMetadata {
    const t: TopicMetadata = { name, topicId: randomBytes(16).toString('base64'), internal, partitions: assignments, configs }
    this.topics.set(name, t)
    this.changed(name)
    return t
  }

  deleteTopic(name: string): void {
    this.topics.delete(name)
    this.changed(name)
  }

  addPartitions(name: string, assignments: PartitionAssignment[]): void {
    this.topics.get(name)!.partitions.push(...assignments)
    this.changed(name)
  }

  setTopicConfigs(name: string, configs: Record<string, string>): void {
    this.topics.get(name)!.configs = configs
    this.changed(name)
  }

  /** Replaces the dynamic broker configs: cluster-wide defaults, or those of one broker when nodeId is given. */
  setBrokerConfigs(configs: Record<string, string>, nodeId?: number): void {
    if (nodeId === undefined) {
      for (const k of Object.keys(this.brokerConfigs)) delete this.brokerConfigs[k]
      Object.assign(this.brokerConfigs, configs)
    } else if (Object.keys(configs).length === 0) delete this.brokerNodeConfigs[String(nodeId)]
    else this.brokerNodeConfigs[String(nodeId)] = { ...configs }
    this.persist()
    // Topic-level defaults come from broker configs: let brokers refresh their logs' configs.
    for (const t of this.topics.keys()) for (const fn of this.listeners) fn(t)
  }

  /** The dynamic configs set on one broker (empty when none). */
  nodeConfigs(nodeId: number): Readonly<Record<string, string>> {
    return this.brokerNodeConfigs[String(nodeId)] ?? {}
  }

  /** A producer id never handed out before, even across restarts: blocks are persisted before use. */
  allocateProducerId(): number {
    if (this.nextProducerId >= this.producerIdBlockEnd) {
      this.producerIdBlockEnd = this.nextProducerId + PRODUCER_ID_BLOCK
      this.persist()
    }
    return this.nextProducerId++
  }

  /** KRaft's AlterPartition (ISR changes by a partition leader); see alter-partition.ts. */
  async alterPartition(req: AlterPartitionRequest): Promise<AlterPartitionResult> {
    return alterPartition(
      {
        topic: (name) => this.topics.get(name),
        // A stopped broker is unregistered: it may not rejoin an ISR until it is back.
        eligible: (id) => this.brokers.has(id),
        commit: (topic) => this.changed(topic),
      },
      req,
    )
  }

  changed(topic: string): void {
    this.persist()
    for (const fn of this.listeners) fn(topic)
  }

  private persist(): void {
    const data: MetadataFile = { clusterId: this.clusterId, topics: [...this.topics.values()], brokerConfigs: this.brokerConfigs, producerIdBlockEnd: this.producerIdBlockEnd, brokerNodeConfigs: this.brokerNodeConfigs }
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify(data, null, 1))
    renameSync(tmp, this.file)
  }
}
