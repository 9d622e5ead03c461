// The cluster's metadata as it stands after replaying the metadata log (KRaft's MetadataImage).
// The controller keeps one to decide, every broker keeps one to serve: both are built by the
// same apply(), so a broker sees exactly what the controller wrote, in the same order.
import type { BrokerEndpoint, MetadataRecord } from './records'
import { SecurityImage } from '../security/security-image'
import { ClientQuotaImage } from '../quotas/quota-image'

export type { BrokerEndpoint } from './records'

export interface PartitionAssignment {
  partition: number
  /** -1 when no replica may lead (all in-sync replicas fenced, no unclean election). */
  leader: number
  leaderEpoch: number
  /** Bumped on every change of this partition's state (KRaft's partition epoch, checked by AlterPartition). */
  partitionEpoch: number
  replicas: number[]
  isr: number[]
  addingReplicas?: number[]
  removingReplicas?: number[]
}

export interface TopicMetadata {
  name: string
  /** Base64 of the 16-byte topic id. */
  topicId: string
  internal: boolean
  partitions: PartitionAssignment[]
  /** Only configs set on the topic (Kafka's DYNAMIC_TOPIC_CONFIG); defaults come from the broker. */
  configs: Record<string, string>
}

export interface BrokerRegistration extends BrokerEndpoint {
  /** The offset of its RegisterBrokerRecord, as in KRaft: a restarted broker gets a new epoch. */
  epoch: number
  fenced: boolean
  /** The OS process serving it, when the supervisor knows it. */
  pid?: number
}

/** What a record changed, for listeners: a topic's name, or every topic (broker-level configs). */
export type Change = { topic: string } | { allTopics: true } | { brokers: true } | null

export class MetadataImage {
  clusterId = ''
  /** Offset of the last record applied; -1 before any. */
  offset = -1
  readonly topics = new Map<string, TopicMetadata>()
  readonly topicsById = new Map<string, TopicMetadata>()
  readonly registrations = new Map<number, BrokerRegistration>()
  /** Registered, unfenced brokers: the ones clients are told about and replicas may be placed on. */
  readonly brokers = new Map<number, BrokerEndpoint>()
  readonly brokerConfigs: Record<string, string> = {}
  /** Bumped on every change of a broker-level config (cluster default or one broker's), so derived values can be cached. */
  brokerConfigsVersion = 0
  protected readonly brokerNodeConfigs: Record<string, Record<string, string>> = {}
  readonly features = new Map<string, number>()
  nextProducerId = 0
  /** The epoch of the controller that leads the metadata log (DescribeQuorum's leader epoch); 0 before any took over. */
  controllerEpoch = 0
  /** The node id of that controller; -1 before any took over. */
  controllerLeader = -1
  /** SCRAM credentials and ACLs. */
  readonly security = new SecurityImage()
  /** Client quotas (user / client-id entities). */
  readonly quotas = new ClientQuotaImage()

  topicById(id: string): TopicMetadata | undefined {
    return this.topicsById.get(id)
  }

  liveBrokerIds(): number[] {
    return [...this.brokers.keys()].sort((a, b) => a - b)
  }

  /** The dynamic configs set on one broker (empty when none). */
  nodeConfigs(nodeId: number): Readonly<Record<string, string>> {
    return this.brokerNodeConfigs[String(nodeId)] ?? {}
  }

  apply(offset: number, r: MetadataRecord): Change {
    this.offset = offset
    switch (r.type) {
      case 'Cluster':
        this.clusterId = r.clusterId
        return null
      case 'FeatureLevel':
        this.features.set(r.name, r.featureLevel)
        return null
      case 'Topic': {
        const t: TopicMetadata = { name: r.name, topicId: r.topicId, internal: r.internal, partitions: [], configs: {} }
        this.topics.set(r.name, t)
        this.topicsById.set(r.topicId, t)
        return { topic: r.name }
      }
      case 'RemoveTopic': {
        const t = this.topicsById.get(r.topicId)
        if (!t) return null
        this.topicsById.delete(r.topicId)
        this.topics.delete(t.name)
        return { topic: t.name }
      }
      case 'Partition':
      case 'PartitionChange': {
        const t = this.topicsById.get(r.topicId)
        if (!t) return null
        const p: PartitionAssignment = {
          partition: r.partitionId,
          leader: r.leader,
          leaderEpoch: r.leaderEpoch,
          partitionEpoch: r.partitionEpoch,
          replicas: [...r.replicas],
          isr: [...r.isr],
        }
        if (r.addingReplicas?.length) p.addingReplicas = [...r.addingReplicas]
        if (r.removingReplicas?.length) p.removingReplicas = [...r.removingReplicas]
        // Objects are replaced, never mutated: a handler holding the old state keeps a consistent snapshot.
        t.partitions[r.partitionId] = p
        return { topic: t.name }
      }
      case 'Config': {
        if (r.resourceType === 2) {
          const t = this.topics.get(r.resourceName)
          if (!t) return null
          const next = { ...t.configs }
          if (r.value === null) delete next[r.name]
          else next[r.name] = r.value
          t.configs = next
          return { topic: t.name }
        }
        this.brokerConfigsVersion++
        const target = r.resourceName === '' ? this.brokerConfigs : (this.brokerNodeConfigs[r.resourceName] ??= {})
        if (r.value === null) delete target[r.name]
        else target[r.name] = r.value
        if (r.resourceName !== '' && Object.keys(target).length === 0) delete this.brokerNodeConfigs[r.resourceName]
        return { allTopics: true }
      }
      case 'RegisterBroker':
        this.registrations.set(r.brokerId, {
          nodeId: r.brokerId,
          host: r.host,
          port: r.port,
          rack: r.rack,
          epoch: r.brokerEpoch,
          fenced: r.fenced,
          pid: r.pid,
          ...(r.listeners ? { listeners: r.listeners } : {}),
        })
        this.syncLive(r.brokerId)
        return { brokers: true }
      case 'UnregisterBroker':
        if (this.registrations.get(r.brokerId)?.epoch === r.brokerEpoch) this.registrations.delete(r.brokerId)
        this.syncLive(r.brokerId)
        return { brokers: true }
      case 'FenceBroker':
      case 'UnfenceBroker': {
        const reg = this.registrations.get(r.id)
        if (reg && reg.epoch === r.epoch) reg.fenced = r.type === 'FenceBroker'
        this.syncLive(r.id)
        return { brokers: true }
      }
      case 'ProducerIds':
        this.nextProducerId = Math.max(this.nextProducerId, r.nextProducerId)
        return null
      case 'UserScramCredential':
      case 'RemoveUserScramCredential':
      case 'AccessControlEntry':
      case 'RemoveAccessControlEntry':
        this.security.apply(r)
        return null
      case 'ClientQuota':
        this.quotas.apply(r)
        return null
      case 'LeaderChange':
        this.controllerEpoch = r.leaderEpoch
        this.controllerLeader = r.leaderId
        return null
    }
  }

  private syncLive(id: number): void {
    const reg = this.registrations.get(id)
    if (reg && !reg.fenced)
      this.brokers.set(id, { nodeId: id, host: reg.host, port: reg.port, rack: reg.rack, ...(reg.listeners ? { listeners: reg.listeners } : {}) })
    else this.brokers.delete(id)
  }

  /** Records that rebuild this image from nothing: the content of a snapshot. */
  toRecords(): MetadataRecord[] {
    const out: MetadataRecord[] = [{ type: 'Cluster', clusterId: this.clusterId }]
    for (const [name, featureLevel] of this.features) out.push({ type: 'FeatureLevel', name, featureLevel })
    for (const reg of this.registrations.values()) {
      out.push({
        type: 'RegisterBroker',
        brokerId: reg.nodeId,
        brokerEpoch: reg.epoch,
        host: reg.host,
        port: reg.port,
        rack: reg.rack,
        fenced: reg.fenced,
        pid: reg.pid,
        ...(reg.listeners ? { listeners: reg.listeners } : {}),
      })
    }
    for (const t of this.topics.values()) {
      out.push({ type: 'Topic', name: t.name, topicId: t.topicId, internal: t.internal })
      for (const p of t.partitions) out.push(partitionRecord(t.topicId, p))
      for (const [name, value] of Object.entries(t.configs)) out.push({ type: 'Config', resourceType: 2, resourceName: t.name, name, value })
    }
    for (const [name, value] of Object.entries(this.brokerConfigs)) out.push({ type: 'Config', resourceType: 4, resourceName: '', name, value })
    for (const [node, cfgs] of Object.entries(this.brokerNodeConfigs)) {
      for (const [name, value] of Object.entries(cfgs)) out.push({ type: 'Config', resourceType: 4, resourceName: node, name, value })
    }
    out.push({ type: 'ProducerIds', brokerId: -1, brokerEpoch: -1, nextProducerId: this.nextProducerId })
    out.push(...this.security.toRecords())
    out.push(...this.quotas.toRecords())
    if (this.controllerEpoch > 0) out.push({ type: 'LeaderChange', leaderId: this.controllerLeader, leaderEpoch: this.controllerEpoch })
    return out
  }
}

export function partitionRecord(topicId: string, p: PartitionAssignment, type: 'Partition' | 'PartitionChange' = 'Partition'): MetadataRecord {
  return {
    type,
    topicId,
    partitionId: p.partition,
    replicas: [...p.replicas],
    isr: [...p.isr],
    leader: p.leader,
    leaderEpoch: p.leaderEpoch,
    partitionEpoch: p.partitionEpoch,
    ...(p.addingReplicas?.length ? { addingReplicas: [...p.addingReplicas] } : {}),
    ...(p.removingReplicas?.length ? { removingReplicas: [...p.removingReplicas] } : {}),
  }
}
