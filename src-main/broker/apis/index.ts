import type { ApiDefinition } from './registry'
import produce from './produce'
import fetch from './fetch'
import listOffsets from './list-offsets'
import metadata from './metadata'
import apiVersions from './api-versions'
import initProducerId from './init-producer-id'
import createTopics from './create-topics'
import deleteTopics from './delete-topics'
import deleteRecords from './delete-records'
import describeConfigs from './describe-configs'
import alterConfigs from './alter-configs'
import describeLogDirs from './describe-log-dirs'
import createPartitions from './create-partitions'
import incrementalAlterConfigs from './incremental-alter-configs'
import describeCluster from './describe-cluster'
import describeAcls from './describe-acls'
import findCoordinator from './find-coordinator'
import joinGroup from './join-group'
import syncGroup from './sync-group'
import heartbeat from './heartbeat'
import leaveGroup from './leave-group'
import offsetCommit from './offset-commit'
import offsetFetch from './offset-fetch'
import listGroups from './list-groups'
import describeGroups from './describe-groups'
import deleteGroups from './delete-groups'
import offsetDelete from './offset-delete'
import electLeaders from './elect-leaders'
import alterPartitionReassignments from './alter-partition-reassignments'
import listPartitionReassignments from './list-partition-reassignments'
import offsetForLeaderEpoch from './offset-for-leader-epoch'
import describeQuorum from './describe-quorum'
import addPartitionsToTxn from './add-partitions-to-txn'
import addOffsetsToTxn from './add-offsets-to-txn'
import endTxn from './end-txn'
import writeTxnMarkers from './write-txn-markers'
import txnOffsetCommit from './txn-offset-commit'
import describeProducers from './describe-producers'
import describeTransactions from './describe-transactions'
import listTransactions from './list-transactions'
import saslHandshake from './sasl-handshake'
import saslAuthenticate from './sasl-authenticate'
import createAcls from './create-acls'
import deleteAcls from './delete-acls'
import describeUserScramCredentials from './describe-user-scram-credentials'
import alterUserScramCredentials from './alter-user-scram-credentials'
import describeClientQuotas from './describe-client-quotas'
import alterClientQuotas from './alter-client-quotas'

/** Every API this broker serves; ApiVersions answers from this list. */
export const apiDefinitions: ApiDefinition[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  apiVersions,
  initProducerId,
  createTopics,
  deleteTopics,
  deleteRecords,
  describeConfigs,
  alterConfigs,
  describeLogDirs,
  createPartitions,
  incrementalAlterConfigs,
  describeCluster,
  describeAcls,
  findCoordinator,
  joinGroup,
  syncGroup,
  heartbeat,
  leaveGroup,
  offsetCommit,
  offsetFetch,
  listGroups,
  describeGroups,
  deleteGroups,
  offsetDelete,
  electLeaders,
  alterPartitionReassignments,
  listPartitionReassignments,
  describeQuorum,
  offsetForLeaderEpoch,
  addPartitionsToTxn,
  addOffsetsToTxn,
  endTxn,
  writeTxnMarkers,
  txnOffsetCommit,
  describeProducers,
  describeTransactions,
  listTransactions,
  saslHandshake,
  saslAuthenticate,
  createAcls,
  deleteAcls,
  describeUserScramCredentials,
  alterUserScramCredentials,
  describeClientQuotas,
  alterClientQuotas,
]
