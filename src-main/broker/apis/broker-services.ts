// The services of one broker that API handlers use, and nothing more: handlers depend on this
// seam rather than on the concrete Broker (its sockets, processes and start-up), so a handler can
// be read, changed and tested against any host that offers these.
import type { BrokerConfig } from '../broker-config'
import type { MetadataStore, TopicMetadata } from '../controller/metadata'
import type { GroupCoordinator } from '../coordinator/group-coordinator'
import type { TransactionCoordinator } from '../coordinator/transaction-coordinator'
import type { ReplicaManager } from '../replication/replica-manager'
import type { PartitionLog } from '../storage/partition-log'
import type { Authorizer } from '../security/authorizer'
import type { FetchSessionCache } from './fetch-sessions'
import type { WatchedPartition } from './fetch-purgatory'

export interface BrokerServices {
  readonly nodeId: number
  /** Where this broker keeps its partition logs (DescribeLogDirs). */
  readonly logDir: string
  /** True once the broker is stopping: long polls end. */
  readonly stopped: boolean
  /** The cluster metadata this broker has replayed. */
  readonly metadata: MetadataStore
  readonly config: BrokerConfig
  readonly groupCoordinator: GroupCoordinator
  readonly transactionCoordinator: TransactionCoordinator
  readonly replicas: ReplicaManager
  /** The incremental fetch sessions this broker grants its followers (KIP-227). */
  readonly fetchSessions: FetchSessionCache
  /** The ACL authorizer, when authorizer.class.name configures one (security/authorizer.ts). */
  readonly authorizer?: Authorizer
  topic(name: string): TopicMetadata | undefined
  /** The local log of a partition this broker hosts (undefined when it hosts none). */
  partitionLog(topic: string, partition: number): PartitionLog | undefined
  isLeader(topic: string, partition: number): boolean
  /** Wakes the long-polling fetches waiting on a partition, after an append to it. */
  notifyAppend(topic: string, partition: number): void
  /** Resolves on the next append to one of `partitions` (or, unless `follower`, a high watermark move there), or after `ms`. */
  waitForAppend(ms: number, partitions: readonly WatchedPartition[], follower?: boolean): Promise<void>
  apiVersionList(): { apiKey: number; minVersion: number; maxVersion: number }[]
  log(line: string): void
}
