// Types of the IPC contract, re-exported for the renderer. Type-only: no zod reaches the bundle.
export type {
  ChannelName,
  RequestInputOf,
  ResponseOf,
  EventName,
  EventOf,
  ConnectionInfo,
  ConnectionInput,
  ConnectionTestResult,
  Diagnosis,
  SecretsStatus,
  EmbeddedStatus,
  ClusterOverview,
  TopicDescription,
  PartitionDetail,
  Message,
  Decoded,
  Decoding,
  Encoding,
  ReadPosition,
  ReadResponse,
  IsolationLevel,
  MessageFilter,
  ProduceMessage,
  ProduceResult,
  CompressionName,
  GroupDescription,
  LagSample,
  ResetMode,
  ResetPlan,
  ConfigEntry,
  ConfigDiff,
  ConfigResource,
  KeyDistribution,
} from '../../../src-main/ipc/contract'

import type { ResponseOf } from '../../../src-main/ipc/contract'

export type TopicSummary = ResponseOf<'topics.list'>['topics'][number]
export type GroupSummary = ResponseOf<'groups.list'>['groups'][number]
export type GroupPartitionLag = ResponseOf<'groups.describe'>['offsets'][number]
export type ThroughputSeries = ResponseOf<'throughput.series'>
export type ClientActivity = ResponseOf<'embedded.activity'>['clients'][number]
export type SearchProgress = import('../../../src-main/ipc/contract').EventOf<'search.progress'>

/** Mirrors EMBEDDED_CONNECTION_ID in the contract (a value import would pull zod into the bundle). */
export const EMBEDDED_ID = 'embedded'
