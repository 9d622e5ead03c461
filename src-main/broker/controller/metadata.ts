// A broker's view of the cluster metadata: the image replayed from the controller's metadata
// log, read synchronously by the API handlers. Writes (create a topic, change configs, register…)
// go to the controller through a ControllerChannel, which returns only after this view has
// replayed the records the write produced, so a handler reads its own write at once.
import type { AlterPartitionRequest, AlterPartitionResult } from './alter-partition'
import { MetadataImage, type BrokerEndpoint, type PartitionAssignment, type TopicMetadata } from './metadata-image'
import { placeReplicas } from './placement'
import type { MetadataCommand } from './quorum-controller'
import type { LoggedRecord } from './records'

export type { BrokerEndpoint, PartitionAssignment, TopicMetadata } from './metadata-image'

/** How a metadata view reaches the controller: in this process (LocalChannel) or over a socket (process/controller-client.ts). */
export interface ControllerChannel {
  /** Runs a command at the controller; returns its result once the view has replayed the records it wrote. Throws KafkaError. */
  execute(cmd: MetadataCommand): unknown
  /** The same without blocking, where the channel can (a broker process registering at start). */
  executeAsync?(cmd: MetadataCommand): Promise<unknown>
  alterPartition(req: AlterPartitionRequest): Promise<AlterPartitionResult>
}

/**
 * The in-sync replicas of a new partition: every replica, as Kafka starts them. An empty log is
 * trivially in sync; a follower that then fails to fetch leaves the ISR after
 * replica.lag.time.max.ms (replication/replica-manager.ts).
 */
export function initialIsr(replicas: number[]): number[] {
  return [...replicas]
}

export class MetadataStore extends MetadataImage {
  private listeners: ((topic: string) => void)[] = []
  private producerIds = { next: 0, end: 0 }
  private channel?: ControllerChannel
  /** How this view's brokers register: a broker process gives its pid and keeps a heartbeat session. */
  registration: { pid?: number; session?: boolean } = {}

  /** Attaches the view to its controller; `snapshot` is the image it starts from. */
  connect(channel: ControllerChannel, snapshot: LoggedRecord[]): void {
    this.channel = channel
    this.replay(snapshot, true)
  }

  private get controller(): ControllerChannel {
    if (!this.channel) throw new Error('metadata view not connected to a controller')
    return this.channel
  }

  /** Applies records from the controller, skipping any already applied (a write's reply and the stream both carry them). */
  replay(entries: LoggedRecord[], snapshot = false): void {
    const changed = new Set<string>()
    let all = false
    for (const e of entries) {
      // A snapshot's records all carry the snapshot's offset.
      if (!snapshot && e.offset <= this.offset) continue
      const c = this.apply(e.offset, e.record)
      if (c && 'topic' in c) changed.add(c.topic)
      if (c && 'allTopics' in c) all = true
    }
    // Listeners run once per topic per batch, after the whole batch is applied (a topic and its partitions arrive together).
    const topics = all ? new Set([...changed, ...this.topics.keys()]) : changed
    for (const t of topics) for (const fn of this.listeners) fn(t)
  }

  /**
   * Replaces the view with a snapshot of the controller's image (a view too far behind to catch
   * up record by record): topics the snapshot lacks are gone, registrations are rebuilt.
   */
  resetTo(snapshot: LoggedRecord[]): void {
    const kept = new Set<string>()
    for (const e of snapshot) if (e.record.type === 'Topic') kept.add(e.record.name)
    const gone = [...this.topics.values()].filter((t) => !kept.has(t.name))
    for (const t of gone) {
      this.topics.delete(t.name)
      this.topicsById.delete(t.topicId)
    }
    this.registrations.clear()
    this.brokers.clear()
    // The snapshot holds every quota still set: ones removed since are not in it.
    this.quotas.entries.clear()
    this.replay(snapshot, true)
    for (const t of gone) for (const fn of this.listeners) fn(t.name)
  }

  /** Called with a topic's name on every change of it: created, deleted, partitions, leaders, ISR, configs. */
  onTopicChange(fn: (topic: string) => void): void {
    this.listeners.push(fn)
  }

  /**
   * The broker clients are told is the controller (Metadata, DescribeCluster): as KRaft brokers
   * do, one of the live brokers, since clients cannot reach the controller itself.
   */
  get controllerId(): number {
    const ids = this.liveBrokerIds()
    return ids.length ? ids[0]! : -1
  }

  /** Registers (or re-registers) a broker with the controller and unfences it; returns its broker epoch. */
  registerBroker(b: BrokerEndpoint, opts: { pid?: number; session?: boolean } = this.registration): number {
    return this.controller.execute({ op: 'registerBroker', endpoint: b, pid: opts.pid, session: opts.session ?? false }) as number
  }

  /** registerBroker without blocking the event loop when the channel allows it (a broker process at start). */
  async registerBrokerAsync(b: BrokerEndpoint, opts: { pid?: number; session?: boolean } = this.registration): Promise<number> {
    const cmd: MetadataCommand = { op: 'registerBroker', endpoint: b, pid: opts.pid, session: opts.session ?? false }
    return (this.controller.executeAsync ? await this.controller.executeAsync(cmd) : this.controller.execute(cmd)) as number
  }

  /** Controlled shutdown: the broker is fenced, leaves every ISR and its partitions get new leaders. */
  unregisterBroker(nodeId: number): void {
    const reg = this.registrations.get(nodeId)
    if (!reg || reg.fenced) return
    this.controller.execute({ op: 'controlledShutdown', brokerId: nodeId, brokerEpoch: reg.epoch })
  }

  /** Places replicas as Kafka does without racks (controller/placement.ts), leader first. */
  assign(partitions: number, replicationFactor: number, firstPartition = 0, startIndex?: number): PartitionAssignment[] {
    return placeReplicas(this.liveBrokerIds(), partitions, replicationFactor, firstPartition, startIndex).map(({ partition, replicas }) => ({
      partition,
      leader: replicas[0]!,
      leaderEpoch: 0,
      partitionEpoch: 0,
      replicas,
      isr: initialIsr(replicas),
    }))
  }

  createTopic(name: string, assignments: PartitionAssignment[], configs: Record<string, string>, internal = false): TopicMetadata {
    this.controller.execute({ op: 'createTopic', name, partitions: assignments, configs, internal })
    return this.topics.get(name)!
  }

  deleteTopic(name: string): void {
    this.controller.execute({ op: 'deleteTopic', name })
  }

  addPartitions(name: string, assignments: PartitionAssignment[]): void {
    this.controller.execute({ op: 'addPartitions', name, partitions: assignments })
  }

  setTopicConfigs(name: string, configs: Record<string, string>): void {
    this.controller.execute({ op: 'setTopicConfigs', name, configs })
  }

  /** Replaces the dynamic broker configs: cluster-wide defaults, or those of one broker when nodeId is given. */
  setBrokerConfigs(configs: Record<string, string>, nodeId?: number): void {
    this.controller.execute({ op: 'setBrokerConfigs', configs, nodeId })
  }

  /** A producer id never handed out before, even across restarts: the controller hands out blocks (AllocateProducerIds). */
  allocateProducerId(brokerId = -1): number {
    if (this.producerIds.next >= this.producerIds.end) {
      const block = this.controller.execute({ op: 'allocateProducerIds', brokerId }) as { first: number; count: number }
      this.producerIds = { next: block.first, end: block.first + block.count }
    }
    return this.producerIds.next++
  }

  /** AlterUserScramCredentials, CreateAcls, DeleteAcls at the controller (security/security-commands.ts). Throws KafkaError. */
  securityCommand(cmd: import('../security/security-commands').SecurityCommand): unknown {
    return this.controller.execute(cmd)
  }

  /** AlterClientQuotas at the controller (quotas/quota-commands.ts): one result per entry. */
  clientQuotaCommand(cmd: import('../quotas/quota-commands').QuotaCommand): import('../quotas/quota-commands').QuotaAlterationResult[] {
    return this.controller.execute(cmd) as import('../quotas/quota-commands').QuotaAlterationResult[]
  }

  /** KRaft's AlterPartition (ISR changes by a partition leader), decided by the controller (alter-partition.ts). */
  async alterPartition(req: AlterPartitionRequest): Promise<AlterPartitionResult> {
    return this.controller.alterPartition(req)
  }

  /** ElectLeaders at the controller. */
  electLeaders(electionType: 0 | 1, partitions: { topic: string; partition: number }[] | null) {
    return this.controller.execute({ op: 'electLeaders', electionType, partitions }) as import('./quorum-controller').ElectionResult[]
  }

  /** AlterPartitionReassignments for one partition (replicas null cancels). Throws KafkaError. */
  reassign(topic: string, partition: number, replicas: number[] | null): void {
    this.controller.execute({ op: 'reassign', topic, partition, replicas })
  }
}
