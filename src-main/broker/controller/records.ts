// The metadata log's records, shaped after KRaft's (org.apache.kafka.common.metadata.*Record).
// Kept as JSON objects: the log is local to one machine and read by this code only, so a
// readable file beats Kafka's binary encoding. Partition changes carry the full new state
// (not KRaft's optional deltas) so replaying a record never depends on guessing defaults.

import type { ListenerEndpoint } from '../server/listeners'
import type { SecurityRecord } from '../security/security-records'
import type { QuotaRecord } from '../quotas/quota-records'

export interface BrokerEndpoint {
  nodeId: number
  /** The inter-broker listener's advertised address (what followers fetch from). */
  host: string
  port: number
  rack: string | null
  /** Every listener of the broker with its advertised address (KRaft's BrokerRegistration endpoints); absent means one PLAINTEXT listener at host:port. */
  listeners?: ListenerEndpoint[]
}

export type MetadataRecord =
  /** Which cluster this log belongs to (Kafka keeps it in meta.properties; one record here). */
  | { type: 'Cluster'; clusterId: string }
  | { type: 'FeatureLevel'; name: string; featureLevel: number }
  | { type: 'Topic'; name: string; topicId: string; internal: boolean }
  | { type: 'RemoveTopic'; topicId: string }
  | {
      type: 'Partition'
      topicId: string
      partitionId: number
      replicas: number[]
      isr: number[]
      leader: number
      leaderEpoch: number
      partitionEpoch: number
      /** Replicas being added or removed by a reassignment (KRaft's addingReplicas/removingReplicas). */
      addingReplicas?: number[]
      removingReplicas?: number[]
    }
  | {
      type: 'PartitionChange'
      topicId: string
      partitionId: number
      replicas: number[]
      isr: number[]
      leader: number
      leaderEpoch: number
      partitionEpoch: number
      addingReplicas?: number[]
      removingReplicas?: number[]
    }
  /** resourceType as Kafka's ConfigResource: 2 topic, 4 broker (name '' is the cluster default). value null deletes. */
  | { type: 'Config'; resourceType: 2 | 4; resourceName: string; name: string; value: string | null }
  | {
      type: 'RegisterBroker'
      brokerId: number
      brokerEpoch: number
      host: string
      port: number
      rack: string | null
      fenced: boolean
      pid?: number
      listeners?: ListenerEndpoint[]
    }
  | { type: 'UnregisterBroker'; brokerId: number; brokerEpoch: number }
  | { type: 'FenceBroker'; id: number; epoch: number }
  | { type: 'UnfenceBroker'; id: number; epoch: number }
  /** The next producer id the controller hands out: every id below it is taken (KRaft's ProducerIdsRecord). */
  | { type: 'ProducerIds'; brokerId: number; brokerEpoch: number; nextProducerId: number }
  /** SCRAM credentials and ACLs (security/security-records.ts). */
  | SecurityRecord
  /** Client quotas (quotas/quota-records.ts). */
  | QuotaRecord
  /** A controller took over as leader of the metadata log (KRaft's LeaderChangeMessage): its epoch grows by one each time. */
  | { type: 'LeaderChange'; leaderId: number; leaderEpoch: number }

export interface LoggedRecord {
  offset: number
  record: MetadataRecord
}
