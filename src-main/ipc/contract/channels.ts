/**
 * The channel table: each channel's name and its request and response schemas. Requests that
 * are specific to one channel are declared inline; shared shapes come from the domain files.
 */
import { z } from 'zod'
import { ConnectionId, ConnIdOnly, ConnReq, Empty, GroupId, Id, NodeId, PartitionId, Timestamp, TopicName } from './common'
import { ErrorShape } from './errors'
import { ConnectionInfo, ConnectionInput, ConnectionTestResult, SecretsStatus } from './connections'
import { BrokerFaults, CleanerPartition, ClientActivity, EmbeddedStatus } from './embedded'
import { BrokerLogDirs, BrokerUnavailable, ClusterOverview, TopicPartitionRef } from './cluster'
import { TopicDescription, TopicSummary } from './topics'
import { ExportRequest, ExportResponse, MessageRef, ProtoFiles, ReadRequest, ReadResponse, SearchRequest, SearchResponse, TailRequest } from './messages'
import { ProduceMessage, ProduceOptions, ProduceResult } from './produce'
import { GroupDescription, GroupSummary, LagSample } from './groups'
import { ResetPlan, ResetRequest } from './offsets'
import { ConfigAlterRequest, ConfigDiff, ConfigEntry, ConfigResource } from './configs'
import { KeyDistribution } from './key-distribution'
import { ThroughputSeries } from './throughput'
import { TransactionAbortRequest, TransactionAbortResult, TransactionsList } from './transactions'
import { AccessRequest, AccessView, AclEntry, AclList, QuotaAlterRequest, QuotaList, ScramDeleteRequest, ScramUpsertRequest, ScramUser } from './security'

function channel<Req extends z.ZodTypeAny, Res extends z.ZodTypeAny>(request: Req, response: Res) {
  return { request, response }
}

export const channels = {
  // connections & secrets
  'connections.list': channel(Empty, z.object({ connections: z.array(ConnectionInfo) })),
  'connections.save': channel(ConnectionInput, z.object({ connection: ConnectionInfo, warnings: z.array(z.string()) })),
  'connections.delete': channel(z.object({ id: Id }), z.object({ deleted: z.boolean() })),
  /** Test a saved connection (`id`) or an unsaved one (`connection`); never throws for a failed test. */
  'connections.test': channel(
    z
      .object({ id: Id.optional(), connection: ConnectionInput.optional() })
      .refine((r) => r.id !== undefined || r.connection !== undefined, { message: 'give id or connection', path: ['id'] }),
    ConnectionTestResult,
  ),
  'connections.open': channel(ConnIdOnly, z.object({ connectionId: z.string(), clusterId: z.string().nullable(), brokers: z.number().int() })),
  'connections.close': channel(ConnIdOnly, z.object({ closed: z.boolean() })),
  'secrets.status': channel(Empty, SecretsStatus),

  // embedded cluster
  'embedded.status': channel(Empty, EmbeddedStatus),
  'embedded.start': channel(z.object({ brokers: z.number().int().min(1).max(9).optional(), secure: z.boolean().optional() }).strict(), EmbeddedStatus),
  'embedded.stop': channel(Empty, EmbeddedStatus),
  'embedded.broker.start': channel(z.object({ nodeId: NodeId }), EmbeddedStatus),
  /** Graceful stop of one broker. */
  'embedded.broker.stop': channel(z.object({ nodeId: NodeId }), EmbeddedStatus),
  /** Abrupt: connections dropped without a controlled shutdown. */
  'embedded.broker.kill': channel(z.object({ nodeId: NodeId }), EmbeddedStatus),
  /** Fault injection: slow answers, dropped connections, or a paused broker. Omitted fields keep their value. */
  'embedded.broker.faults': channel(z.object({ nodeId: NodeId }).merge(BrokerFaults.partial()).strict(), EmbeddedStatus),
  'embedded.activity': channel(z.object({ nodeId: NodeId.optional() }), z.object({ clients: z.array(ClientActivity) })),
  /** The log cleaner's state of each replica of a topic's partitions (dirty ratio, last cleaning); `unavailable`: running brokers that did not answer. */
  'embedded.cleaner': channel(
    z.object({ topic: TopicName }).strict(),
    z.object({ topic: z.string(), partitions: z.array(CleanerPartition), unavailable: z.array(NodeId) }),
  ),

  // cluster
  'cluster.overview': channel(ConnIdOnly, ClusterOverview),

  // topics
  'topics.list': channel(
    ConnReq.extend({
      search: z.string().max(249).optional(),
      includeInternal: z.boolean().default(true),
      /** Also message counts, sizes on disk, retention and cleanup policy (one request per broker). */
      withStats: z.boolean().optional(),
    }),
    z.object({ topics: z.array(TopicSummary), unavailable: z.array(BrokerUnavailable).optional() }),
  ),
  /** Deletes every record below the high watermark (DeleteRecords): the topic stays, empty. */
  'topics.purge': channel(
    ConnReq.extend({ topic: TopicName, partitions: z.array(PartitionId).optional() }),
    z.object({
      topic: z.string(),
      partitions: z.array(z.object({ partition: PartitionId, lowWatermark: z.number().int(), error: ErrorShape.optional() })),
    }),
  ),
  /** Log-dir sizes per broker and partition (DescribeLogDirs on each broker). */
  'brokers.logDirs': channel(ConnIdOnly, z.object({ brokers: z.array(BrokerLogDirs), unavailable: z.array(BrokerUnavailable) })),
  /**
   * Low and high watermark of each partition (or one), and with `timestamp` the first offset whose
   * timestamp is at or after it (null: none is, reading would start at the end).
   */
  'messages.offsetRange': channel(
    ConnReq.extend({ topic: TopicName, partition: PartitionId.optional(), timestamp: Timestamp.optional() }),
    z.object({
      topic: z.string(),
      partitions: z.array(
        z.object({
          partition: PartitionId,
          earliestOffset: z.number().int(),
          latestOffset: z.number().int(),
          timestampOffset: z.number().int().nullable().optional(),
          unavailable: z.string().optional(),
        }),
      ),
    }),
  ),
  'topics.describe': channel(ConnReq.extend({ topic: TopicName, withSizes: z.boolean().default(true) }), TopicDescription),
  'topics.create': channel(
    ConnReq.extend({
      topic: TopicName,
      partitions: z.number().int().min(1).max(100_000),
      /** -1: the broker's default.replication.factor. */
      replicationFactor: z
        .number()
        .int()
        .min(-1)
        .max(32)
        .refine((n) => n !== 0, 'must be ≥ 1 or -1 for the default'),
      configs: z.record(z.string().min(1), z.string()).default({}),
      validateOnly: z.boolean().default(false),
    }),
    z.object({ topic: z.string(), partitions: z.number().int(), replicationFactor: z.number().int(), created: z.boolean() }),
  ),
  'topics.delete': channel(ConnReq.extend({ topics: z.array(TopicName).min(1) }), z.object({ deleted: z.array(z.string()) })),
  /** Increase the partition count. Keys will map to other partitions afterwards (see `warning`). */
  'topics.addPartitions': channel(
    ConnReq.extend({ topic: TopicName, totalCount: z.number().int().min(1).max(100_000), validateOnly: z.boolean().default(false) }),
    z.object({ topic: z.string(), previousCount: z.number().int(), newCount: z.number().int(), applied: z.boolean(), warning: z.string() }),
  ),

  // messages
  'messages.read': channel(ReadRequest, ReadResponse),
  'messages.search': channel(SearchRequest, SearchResponse),
  'messages.searchCancel': channel(z.object({ searchId: Id }), z.object({ cancelled: z.boolean() })),
  'messages.tailStart': channel(TailRequest, z.object({ tailId: z.string() })),
  'messages.tailStop': channel(z.object({ tailId: Id }), z.object({ stopped: z.boolean() })),
  'messages.export': channel(ExportRequest, ExportResponse),
  /** The .proto files added for Protobuf decoding, with the message types each declares. */
  'protobuf.list': channel(Empty, ProtoFiles),
  /** Adds or replaces a .proto file; refused (VALIDATION) unless all files parse and resolve together. */
  'protobuf.add': channel(z.object({ name: z.string().min(1).max(200), content: z.string().min(1).max(1_000_000) }).strict(), ProtoFiles),
  'protobuf.delete': channel(z.object({ name: z.string().min(1).max(200) }).strict(), ProtoFiles),
  /** Stops a read or export started with this opId; it answers CANCELLED. */
  'operations.cancel': channel(z.object({ opId: Id }).strict(), z.object({ cancelled: z.boolean() })),

  // produce
  'produce.send': channel(ConnReq.extend({ topic: TopicName, messages: z.array(ProduceMessage).min(1).max(10_000), ...ProduceOptions }), ProduceResult),
  /**
   * N messages from a template. Placeholders in key, value and header values: {{i}} (0-based
   * index), {{uuid}}, {{now}} (epoch ms), {{random}} (0..1e9), {{randomKey:K}} (one of K keys).
   */
  'produce.batch': channel(
    ConnReq.extend({ topic: TopicName, template: ProduceMessage, count: z.number().int().min(1).max(1_000_000), ...ProduceOptions }),
    ProduceResult,
  ),
  /** Republish messages (exact bytes, headers) to the same or another topic and connection. */
  'produce.republish': channel(
    z.object({
      source: z.object({ connectionId: ConnectionId, topic: TopicName, items: z.array(MessageRef).min(1).max(100_000) }),
      target: z.object({
        connectionId: ConnectionId,
        topic: TopicName,
        /** Keep each message's partition (else key-based). */
        keepPartition: z.boolean().default(false),
        keepTimestamp: z.boolean().default(true),
      }),
      ...ProduceOptions,
    }),
    ProduceResult,
  ),

  // consumer groups
  'groups.list': channel(ConnReq.extend({ search: z.string().optional(), withLag: z.boolean().default(true) }), z.object({ groups: z.array(GroupSummary) })),
  'groups.describe': channel(ConnReq.extend({ groupId: GroupId }), GroupDescription),
  /** Samples taken every 10 s, kept ≥ 24 h across restarts. */
  'groups.lagHistory': channel(
    ConnReq.extend({ groupId: GroupId, from: Timestamp.optional(), to: Timestamp.optional() }),
    z.object({ groupId: z.string(), intervalMs: z.number().int(), samples: z.array(LagSample) }),
  ),
  'groups.delete': channel(
    ConnReq.extend({ groupIds: z.array(GroupId).min(1) }),
    z.object({ results: z.array(z.object({ groupId: z.string(), deleted: z.boolean(), error: ErrorShape.optional() })) }),
  ),
  'groups.deleteOffsets': channel(
    ConnReq.extend({ groupId: GroupId, topic: TopicName, partitions: z.array(PartitionId).optional() }),
    z.object({ deleted: z.array(TopicPartitionRef), errors: z.array(TopicPartitionRef.extend({ error: ErrorShape })) }),
  ),

  // offsets
  'offsets.resetPreview': channel(ResetRequest, ResetPlan),
  'offsets.resetExecute': channel(ResetRequest, ResetPlan),

  // configs
  'configs.describe': channel(ConnReq.extend({ resource: ConfigResource }), z.object({ resource: ConfigResource, entries: z.array(ConfigEntry) })),
  /** Validate (locally and with the broker's validate-only) and return the diff; changes nothing. */
  'configs.alterPreview': channel(ConfigAlterRequest, ConfigDiff),
  /** Validate and apply; returns the applied diff (or the errors, with applied=false). */
  'configs.alter': channel(ConfigAlterRequest, ConfigDiff),

  // key distribution
  'keys.distribution': channel(
    ConnReq.extend({
      topic: TopicName,
      /** Records sampled per partition, from the end of each partition. */
      samplePerPartition: z.number().int().min(1).max(1_000_000).default(10_000),
      topN: z.number().int().min(1).max(1000).default(20),
    }),
    KeyDistribution,
  ),

  // throughput
  /** From log end offsets (and sizes) sampled every 10 s; the first call starts sampling the topic. */
  'throughput.series': channel(
    ConnReq.extend({ topic: TopicName, byPartition: z.boolean().default(false), from: Timestamp.optional(), to: Timestamp.optional() }),
    ThroughputSeries,
  ),

  // transactions
  /** Transactions every coordinator knows; `all` also lists finished ones (Empty, CompleteCommit, CompleteAbort…). */
  'transactions.list': channel(ConnReq.extend({ all: z.boolean().default(false) }), TransactionsList),
  /** Writes ABORT markers for a producer's transaction to the given partitions (kafka-transactions abort). */
  'transactions.abort': channel(ConnReq.extend(TransactionAbortRequest.shape), TransactionAbortResult),

  // security
  /** SCRAM users with their mechanisms and iterations (DescribeUserScramCredentials). */
  'security.users.list': channel(ConnIdOnly, z.object({ users: z.array(ScramUser) })),
  /** Sets a user's password for one mechanism; salted with PBKDF2 here, as Kafka's admin client does. */
  'security.users.upsert': channel(ConnReq.extend(ScramUpsertRequest.shape), z.object({ user: z.string() })),
  'security.users.delete': channel(ConnReq.extend(ScramDeleteRequest.shape), z.object({ user: z.string() })),
  /** Every ACL binding (DescribeAcls matching anything); state 'no-authorizer' on SECURITY_DISABLED. */
  'security.acls.list': channel(ConnIdOnly, AclList),
  'security.acls.create': channel(ConnReq.extend(AclEntry.shape), z.object({ created: AclEntry })),
  /** Deletes exactly one binding (DeleteAcls with an exact filter). */
  'security.acls.delete': channel(ConnReq.extend(AclEntry.shape), z.object({ deleted: z.number().int() })),
  /** Each principal's effective operations on one resource, with Kafka's authorizer semantics. */
  'security.access': channel(ConnReq.extend(AccessRequest.shape), AccessView),
  /** Every client quota entity and its values (DescribeClientQuotas matching anything). */
  'security.quotas.list': channel(ConnIdOnly, QuotaList),
  /** Sets and removes quota keys on one entity (user, client id, or their defaults). */
  'security.quotas.alter': channel(ConnReq.extend(QuotaAlterRequest.shape), z.object({ ok: z.literal(true) })),
} as const

export type Contract = typeof channels
export type ChannelName = keyof Contract
/** What the caller sends (defaults optional). */
export type RequestInputOf<C extends ChannelName> = z.input<Contract[C]['request']>
/** What the handler receives (after parsing, defaults applied). */
export type RequestOf<C extends ChannelName> = z.output<Contract[C]['request']>
export type ResponseOf<C extends ChannelName> = z.output<Contract[C]['response']>
export const channelNames = Object.keys(channels) as ChannelName[]

export function isChannel(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(channels, name)
}
