import type { MessageSpec } from '../schema'
import { ProduceRequest, ProduceResponse } from './produce'
import { FetchRequest, FetchResponse } from './fetch'
import { ListOffsetsRequest, ListOffsetsResponse } from './list-offsets'
import { MetadataRequest, MetadataResponse } from './metadata'
import { OffsetCommitRequest, OffsetCommitResponse } from './offset-commit'
import { OffsetFetchRequest, OffsetFetchResponse } from './offset-fetch'
import { FindCoordinatorRequest, FindCoordinatorResponse } from './find-coordinator'
import { JoinGroupRequest, JoinGroupResponse } from './join-group'
import { HeartbeatRequest, HeartbeatResponse } from './heartbeat'
import { LeaveGroupRequest, LeaveGroupResponse } from './leave-group'
import { SyncGroupRequest, SyncGroupResponse } from './sync-group'
import { DescribeGroupsRequest, DescribeGroupsResponse } from './describe-groups'
import { ListGroupsRequest, ListGroupsResponse } from './list-groups'
import { SaslHandshakeRequest, SaslHandshakeResponse } from './sasl-handshake'
import { ApiVersionsRequest, ApiVersionsResponse } from './api-versions'
import { CreateTopicsRequest, CreateTopicsResponse } from './create-topics'
import { DeleteTopicsRequest, DeleteTopicsResponse } from './delete-topics'
import { DeleteRecordsRequest, DeleteRecordsResponse } from './delete-records'
import { InitProducerIdRequest, InitProducerIdResponse } from './init-producer-id'
import { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './offset-for-leader-epoch'
import { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from './add-partitions-to-txn'
import { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from './add-offsets-to-txn'
import { EndTxnRequest, EndTxnResponse } from './end-txn'
import { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from './write-txn-markers'
import { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './txn-offset-commit'
import { DescribeAclsRequest, DescribeAclsResponse } from './describe-acls'
import { DescribeConfigsRequest, DescribeConfigsResponse } from './describe-configs'
import { AlterConfigsRequest, AlterConfigsResponse } from './alter-configs'
import { DescribeLogDirsRequest, DescribeLogDirsResponse } from './describe-log-dirs'
import { SaslAuthenticateRequest, SaslAuthenticateResponse } from './sasl-authenticate'
import { CreatePartitionsRequest, CreatePartitionsResponse } from './create-partitions'
import { DeleteGroupsRequest, DeleteGroupsResponse } from './delete-groups'
import { ElectLeadersRequest, ElectLeadersResponse } from './elect-leaders'
import { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from './incremental-alter-configs'
import { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from './alter-partition-reassignments'
import { ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse } from './list-partition-reassignments'
import { OffsetDeleteRequest, OffsetDeleteResponse } from './offset-delete'
import { DescribeClusterRequest, DescribeClusterResponse } from './describe-cluster'
import { DescribeQuorumRequest, DescribeQuorumResponse } from './describe-quorum'
import { DescribeProducersRequest, DescribeProducersResponse } from './describe-producers'
import { DescribeTransactionsRequest, DescribeTransactionsResponse } from './describe-transactions'
import { ListTransactionsRequest, ListTransactionsResponse } from './list-transactions'
import { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from './consumer-group-heartbeat'
import { ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse } from './consumer-group-describe'
import { DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse } from './describe-topic-partitions'
import { CreateAclsRequest, CreateAclsResponse } from './create-acls'
import { DeleteAclsRequest, DeleteAclsResponse } from './delete-acls'
import { DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse } from './describe-user-scram-credentials'
import { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from './alter-user-scram-credentials'
import { DescribeClientQuotasRequest, DescribeClientQuotasResponse } from './describe-client-quotas'
import { AlterClientQuotasRequest, AlterClientQuotasResponse } from './alter-client-quotas'

export interface ApiMessagePair {
  request: MessageSpec
  response: MessageSpec
}

/**
 * Every declared request/response pair, by API key, with each declaration's own type kept (the
 * request and response types of an API are inferred from it: protocol/api.ts).
 */
export const apiMessages = {
  0: { request: ProduceRequest, response: ProduceResponse },
  1: { request: FetchRequest, response: FetchResponse },
  2: { request: ListOffsetsRequest, response: ListOffsetsResponse },
  3: { request: MetadataRequest, response: MetadataResponse },
  8: { request: OffsetCommitRequest, response: OffsetCommitResponse },
  9: { request: OffsetFetchRequest, response: OffsetFetchResponse },
  10: { request: FindCoordinatorRequest, response: FindCoordinatorResponse },
  11: { request: JoinGroupRequest, response: JoinGroupResponse },
  12: { request: HeartbeatRequest, response: HeartbeatResponse },
  13: { request: LeaveGroupRequest, response: LeaveGroupResponse },
  14: { request: SyncGroupRequest, response: SyncGroupResponse },
  15: { request: DescribeGroupsRequest, response: DescribeGroupsResponse },
  16: { request: ListGroupsRequest, response: ListGroupsResponse },
  17: { request: SaslHandshakeRequest, response: SaslHandshakeResponse },
  18: { request: ApiVersionsRequest, response: ApiVersionsResponse },
  19: { request: CreateTopicsRequest, response: CreateTopicsResponse },
  20: { request: DeleteTopicsRequest, response: DeleteTopicsResponse },
  21: { request: DeleteRecordsRequest, response: DeleteRecordsResponse },
  22: { request: InitProducerIdRequest, response: InitProducerIdResponse },
  23: { request: OffsetForLeaderEpochRequest, response: OffsetForLeaderEpochResponse },
  24: { request: AddPartitionsToTxnRequest, response: AddPartitionsToTxnResponse },
  25: { request: AddOffsetsToTxnRequest, response: AddOffsetsToTxnResponse },
  26: { request: EndTxnRequest, response: EndTxnResponse },
  27: { request: WriteTxnMarkersRequest, response: WriteTxnMarkersResponse },
  28: { request: TxnOffsetCommitRequest, response: TxnOffsetCommitResponse },
  29: { request: DescribeAclsRequest, response: DescribeAclsResponse },
  30: { request: CreateAclsRequest, response: CreateAclsResponse },
  31: { request: DeleteAclsRequest, response: DeleteAclsResponse },
  32: { request: DescribeConfigsRequest, response: DescribeConfigsResponse },
  33: { request: AlterConfigsRequest, response: AlterConfigsResponse },
  35: { request: DescribeLogDirsRequest, response: DescribeLogDirsResponse },
  36: { request: SaslAuthenticateRequest, response: SaslAuthenticateResponse },
  37: { request: CreatePartitionsRequest, response: CreatePartitionsResponse },
  42: { request: DeleteGroupsRequest, response: DeleteGroupsResponse },
  43: { request: ElectLeadersRequest, response: ElectLeadersResponse },
  44: { request: IncrementalAlterConfigsRequest, response: IncrementalAlterConfigsResponse },
  45: { request: AlterPartitionReassignmentsRequest, response: AlterPartitionReassignmentsResponse },
  46: { request: ListPartitionReassignmentsRequest, response: ListPartitionReassignmentsResponse },
  47: { request: OffsetDeleteRequest, response: OffsetDeleteResponse },
  48: { request: DescribeClientQuotasRequest, response: DescribeClientQuotasResponse },
  49: { request: AlterClientQuotasRequest, response: AlterClientQuotasResponse },
  50: { request: DescribeUserScramCredentialsRequest, response: DescribeUserScramCredentialsResponse },
  51: { request: AlterUserScramCredentialsRequest, response: AlterUserScramCredentialsResponse },
  55: { request: DescribeQuorumRequest, response: DescribeQuorumResponse },
  60: { request: DescribeClusterRequest, response: DescribeClusterResponse },
  61: { request: DescribeProducersRequest, response: DescribeProducersResponse },
  65: { request: DescribeTransactionsRequest, response: DescribeTransactionsResponse },
  66: { request: ListTransactionsRequest, response: ListTransactionsResponse },
  68: { request: ConsumerGroupHeartbeatRequest, response: ConsumerGroupHeartbeatResponse },
  69: { request: ConsumerGroupDescribeRequest, response: ConsumerGroupDescribeResponse },
  75: { request: DescribeTopicPartitionsRequest, response: DescribeTopicPartitionsResponse },
} satisfies Record<number, ApiMessagePair>

/** The same pairs, for a lookup by a key known only at run time. */
export const messages: Readonly<Record<number, ApiMessagePair>> = apiMessages
