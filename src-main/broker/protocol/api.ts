/**
 * Kafka's APIs by name and key, each API's request and response types, and its valid versions:
 * all read from the declarations in messages/ (their versions are stated there once).
 */
import { type apiMessages, messages, type ApiMessagePair } from './messages/index'
import { parseVersions, type VersionRange } from './schema'
import type { Decoded, Input } from './types'

/** The API keys of Kafka's protocol that this project declares, by Kafka's API name. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  WriteTxnMarkers: 27,
  TxnOffsetCommit: 28,
  DescribeAcls: 29,
  CreateAcls: 30,
  DeleteAcls: 31,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  DescribeLogDirs: 35,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
  ElectLeaders: 43,
  IncrementalAlterConfigs: 44,
  AlterPartitionReassignments: 45,
  ListPartitionReassignments: 46,
  OffsetDelete: 47,
  DescribeClientQuotas: 48,
  AlterClientQuotas: 49,
  DescribeUserScramCredentials: 50,
  AlterUserScramCredentials: 51,
  DescribeQuorum: 55,
  DescribeCluster: 60,
  DescribeProducers: 61,
  DescribeTransactions: 65,
  ListTransactions: 66,
  ConsumerGroupHeartbeat: 68,
  ConsumerGroupDescribe: 69,
  DescribeTopicPartitions: 75,
} as const satisfies Record<string, ApiKeyNumber>

type ApiMessages = typeof apiMessages

/** An API key with declared messages. */
export type ApiKeyNumber = keyof ApiMessages & number

/** The request as a handler receives it (decoded: every field present). */
export type ApiRequest<K extends ApiKeyNumber> = Decoded<ApiMessages[K]['request']>
/** The response as a client receives it (decoded: every field present). */
export type ApiResponse<K extends ApiKeyNumber> = Decoded<ApiMessages[K]['response']>
/** The request as a client sends it at version V (`number` when the version is known only at run time). */
export type ApiRequestInput<K extends ApiKeyNumber, V extends number = number> = Input<ApiMessages[K]['request'], V>
/** The response as a handler answers it at version V (`number` when the version is known only at run time). */
export type ApiResponseInput<K extends ApiKeyNumber, V extends number = number> = Input<ApiMessages[K]['response'], V>

/** The versions declared for an API (its request and response share them). */
export function declaredVersions(key: number): VersionRange {
  const pair: ApiMessagePair | undefined = messages[key]
  if (!pair) throw new Error(`no message declaration for API key ${key}`)
  return parseVersions(pair.request.validVersions)
}

/** Kafka's name of an API ('Heartbeat'), from its request's declaration. */
export function apiName(key: number): string {
  const pair: ApiMessagePair | undefined = messages[key]
  if (!pair) throw new Error(`no message declaration for API key ${key}`)
  return pair.request.name.replace(/Request$/, '')
}
