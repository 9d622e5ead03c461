/**
 * The IPC contract between the renderer and the main process.
 *
 * One table of channels (name → request schema, response schema) and one table of event streams
 * (name → payload schema). Both the Electron binding (ipcMain.handle + preload) and the web-mode
 * binding (WebSocket) serve the same `Handlers` map through `dispatch()`, so a channel behaves
 * identically in both. This file is imported by the renderer too: it depends on zod only.
 *
 * Conventions
 * - Offsets, counts and timestamps are JSON numbers (integers; timestamps are epoch ms). Kafka
 *   offsets fit well inside 2^53 in practice.
 * - Every request that acts on a cluster names the connection (`connectionId`); the embedded
 *   cluster is the built-in connection with id `EMBEDDED_CONNECTION_ID`.
 * - Errors are `{ code, message, field? }`. Codes: 'VALIDATION' (field names the path),
 *   'NOT_FOUND', 'CONFLICT', 'REFUSED' (an operation refused for a stated reason, e.g. an offset
 *   reset while the group has active members), 'CONNECTION', 'TIMEOUT', 'AUTH', 'TLS',
 *   'CANCELLED', 'UNSUPPORTED', 'KAFKA_<ERROR_NAME>' (Kafka's error name, e.g.
 *   'KAFKA_UNKNOWN_TOPIC_OR_PARTITION'), 'INTERNAL'.
 * - Stability: changes are additive only (new channels, new optional fields).
 */
import { z } from 'zod'

export const EMBEDDED_CONNECTION_ID = 'embedded'

// ---------------------------------------------------------------------------------------------
// Errors

export const ErrorShape = z.object({
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
})
export type ErrorShape = z.infer<typeof ErrorShape>

/** Thrown by services; carried across IPC as an ErrorShape. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'ContractError'
  }
  toShape(): ErrorShape {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field }
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorShape }

/**
 * Maps anything thrown to an ErrorShape. Understands ContractError, kafkajs errors (by shape:
 * `type` holds Kafka's error name on protocol errors; `name` tells connection/timeout/SASL
 * errors apart) and zod errors; anything else is INTERNAL.
 */
export function toErrorShape(e: unknown): ErrorShape {
  if (e instanceof ContractError) return e.toShape()
  if (e instanceof z.ZodError) return zodToShape(e)
  const err = e as { name?: string; type?: string; message?: string; code?: string } | undefined
  const message = err?.message ?? String(e)
  if (err && typeof err === 'object') {
    if (err.name === 'ContractError' && typeof err.code === 'string') {
      const field = (err as { field?: unknown }).field
      return typeof field === 'string' ? { code: err.code, message, field } : { code: err.code, message }
    }
    if (typeof err.type === 'string' && /^[A-Z][A-Z0-9_]+$/.test(err.type) && err.type !== 'UNKNOWN') return { code: `KAFKA_${err.type}`, message }
    switch (err.name) {
      case 'KafkaJSConnectionError':
      case 'KafkaJSConnectionClosedError':
      case 'KafkaJSBrokerNotFound':
      case 'KafkaJSNumberOfRetriesExceeded':
      case 'KafkaJSNonRetriableError':
        if (/certificate|SSL|TLS/i.test(message)) return { code: 'TLS', message }
        return { code: 'CONNECTION', message }
      case 'KafkaJSRequestTimeoutError':
        return { code: 'TIMEOUT', message }
      case 'KafkaJSSASLAuthenticationError':
        return { code: 'AUTH', message }
      case 'KafkaJSTopicMetadataNotLoaded':
        return { code: 'NOT_FOUND', message }
    }
  }
  return { code: 'INTERNAL', message }
}

function zodToShape(e: z.ZodError): ErrorShape {
  const issue = e.issues[0]
  let path = issue ? [...issue.path] : []
  // An unexpected key is named by the key itself.
  if (issue && issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path = [...path, issue.keys[0]]
  const field = path.length ? path.join('.') : undefined
  const message = issue ? `${field ?? 'request'}: ${issue.message}` : 'invalid request'
  return field === undefined ? { code: 'VALIDATION', message } : { code: 'VALIDATION', message, field }
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const Id = z.string().min(1).max(256)
const ConnectionId = Id
const TopicName = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[a-zA-Z0-9._-]+$/, 'topic names use only letters, digits, ".", "_" and "-"')
const GroupId = z.string().min(1).max(1024)
const PartitionId = z.number().int().min(0)
const Offset = z.number().int().min(0)
const Timestamp = z.number().int()
const NodeId = z.number().int().min(0)
const Empty = z.object({}).strict()
const ConnReq = z.object({ connectionId: ConnectionId })

export const CompressionName = z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd'])
export type CompressionName = z.infer<typeof CompressionName>

/**
 * How to turn key/value bytes into something to show. 'auto' tries json, then string, then hex
 * ('msgpack' is never guessed: almost any bytes are some MessagePack value; 'protobuf' decodes
 * with a message type from the .proto files the user added, named in the read request).
 */
export const Decoding = z.enum(['auto', 'string', 'json', 'hex', 'base64', 'number', 'avro', 'msgpack', 'protobuf'])
export type Decoding = z.infer<typeof Decoding>

/** How to turn user input into bytes when producing. */
export const Encoding = z.enum(['string', 'json', 'hex', 'base64', 'number'])
export type Encoding = z.infer<typeof Encoding>

export const Decoded = z.object({
  /** The decoding actually applied (for 'auto', the one that succeeded). */
  format: Decoding,
  /** Display text. */
  text: z.string(),
  /** Parsed JSON (json, avro, msgpack). */
  json: z.unknown().optional(),
  /** Size of the raw bytes. */
  size: z.number().int(),
  /** Set when the requested decoding failed; `text` then holds hex. */
  error: z.string().optional(),
  /** Avro (Confluent wire format): the schema id. */
  schemaId: z.number().int().optional(),
})
export type Decoded = z.infer<typeof Decoded>

export const Header = z.object({ key: z.string(), value: z.string().nullable() })
export type Header = z.infer<typeof Header>

export const Message = z.object({
  topic: z.string(),
  partition: PartitionId,
  offset: Offset,
  timestamp: Timestamp,
  key: Decoded.nullable(),
  value: Decoded.nullable(),
  headers: z.array(Header),
  /** Raw key/value bytes (base64), kept so a message can be exported or republished exactly. */
  keyBase64: z.string().nullable().optional(),
  valueBase64: z.string().nullable().optional(),
})
export type Message = z.infer<typeof Message>

export const Payload = z.object({ format: Encoding, data: z.string() })
export type Payload = z.infer<typeof Payload>

// ---- connections ----

export const SaslMechanism = z.enum(['plain', 'scram-sha-256', 'scram-sha-512'])

export const ConnectionInput = z.object({
  /** Omit to create a new connection. */
  id: Id.optional(),
  name: z.string().min(1).max(200),
  bootstrapServers: z
    .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port'))
    .min(1, 'at least one bootstrap server'),
  clientId: z.string().min(1).max(200).optional(),
  sasl: z
    .object({
      mechanism: SaslMechanism,
      username: z.string().min(1),
      /** Omit to keep the stored password. */
      password: z.string().optional(),
    })
    .optional(),
  tls: z
    .object({
      enabled: z.boolean(),
      /** PEM text. */
      ca: z.string().optional(),
      cert: z.string().optional(),
      /** PEM text; stored as a secret. */
      key: z.string().optional(),
      /** Skip certificate verification. Insecure: the UI must show the returned warning. */
      skipVerify: z.boolean().optional(),
    })
    .optional(),
  schemaRegistry: z
    .object({ url: z.string().url(), username: z.string().optional(), password: z.string().optional() })
    .optional(),
  connectionTimeoutMs: z.number().int().min(100).max(120_000).optional(),
  requestTimeoutMs: z.number().int().min(100).max(600_000).optional(),
})
export type ConnectionInput = z.infer<typeof ConnectionInput>

export const ConnectionInfo = z.object({
  id: Id,
  name: z.string(),
  kind: z.enum(['embedded', 'remote']),
  bootstrapServers: z.array(z.string()),
  clientId: z.string().optional(),
  sasl: z.object({ mechanism: SaslMechanism, username: z.string(), hasPassword: z.boolean() }).optional(),
  tls: z.object({ enabled: z.boolean(), hasCa: z.boolean(), hasCert: z.boolean(), hasKey: z.boolean(), skipVerify: z.boolean() }).optional(),
  schemaRegistry: z.object({ url: z.string(), username: z.string().optional(), hasPassword: z.boolean() }).optional(),
  connectionTimeoutMs: z.number().int().optional(),
  requestTimeoutMs: z.number().int().optional(),
  open: z.boolean(),
  /** E.g. the skip-verify warning. */
  warnings: z.array(z.string()),
})
export type ConnectionInfo = z.infer<typeof ConnectionInfo>

export const Diagnosis = z.enum([
  'OK',
  'UNREACHABLE',
  'TIMEOUT',
  'TLS_FAILURE',
  'AUTH_FAILURE',
  'ADVERTISED_LISTENER_MISMATCH',
  'UNKNOWN',
])
export type Diagnosis = z.infer<typeof Diagnosis>

export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  diagnosis: Diagnosis,
  /** A human explanation with a hint at the fix. */
  message: z.string(),
  latencyMs: z.number(),
  clusterId: z.string().nullable().optional(),
  controllerId: z.number().int().nullable().optional(),
  /** Brokers as advertised in metadata and whether each was reachable from here. */
  brokers: z.array(z.object({ nodeId: NodeId, host: z.string(), port: z.number().int(), reachable: z.boolean(), error: z.string().optional() })),
  warnings: z.array(z.string()),
})
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>

export const SecretsStatus = z.object({
  backend: z.enum(['electron-safe-storage', 'file-0600', 'memory']),
  /** True when secrets are encrypted at rest (safeStorage); false for the 0600 file. */
  encrypted: z.boolean(),
  /** Where secrets live (web mode: the file path). */
  location: z.string().optional(),
  /** Human statement of how secrets are protected. */
  note: z.string(),
})
export type SecretsStatus = z.infer<typeof SecretsStatus>

// ---- embedded ----

export const BrokerRunState = z.enum(['running', 'stopped', 'killed'])
/** Injected faults of one embedded broker (see the broker's server/faults.ts). */
export const BrokerFaults = z.object({
  latencyMs: z.number().min(0).max(60_000),
  dropRate: z.number().min(0).max(1),
  paused: z.boolean(),
  /** The network-partition fault (`kafkadesk broker isolate`): serving clients, cut off from the controller and its peers. */
  isolated: z.boolean().optional(),
})
export type BrokerFaults = z.infer<typeof BrokerFaults>

export const EmbeddedStatus = z.object({
  state: z.enum(['stopped', 'starting', 'running', 'stopping', 'error']),
  connectionId: z.literal(EMBEDDED_CONNECTION_ID),
  bootstrap: z.string().nullable(),
  dataDir: z.string().nullable(),
  brokers: z.array(
    z.object({
      nodeId: NodeId,
      host: z.string(),
      port: z.number().int(),
      state: BrokerRunState,
      faults: BrokerFaults.optional(),
      /** The broker's OS process while it runs (each broker is its own process). */
      pid: z.number().int().nullable().optional(),
      /** Not registered and unfenced at the controller: clients are not told about it and it leads nothing. */
      fenced: z.boolean().optional(),
      /** Under the network-partition fault: serving clients, cut off from the controller and its peers. */
      isolated: z.boolean().optional(),
      /** Partitions it leads, and of those the ones with another live in-sync replica (they move at once if it dies). */
      leaderOf: z.number().int().optional(),
      movableLeaders: z.number().int().optional(),
    }),
  ),
  error: z.string().optional(),
})
export type EmbeddedStatus = z.infer<typeof EmbeddedStatus>

export const ClientActivity = z.object({
  nodeId: NodeId,
  clientId: z.string().nullable(),
  address: z.string(),
  lastSeen: Timestamp,
  /** API name → request count. */
  requests: z.record(z.string(), z.number().int()),
})

// ---- cluster ----

export const TopicPartitionRef = z.object({ topic: z.string(), partition: PartitionId })

export const ClusterOverview = z.object({
  clusterId: z.string().nullable(),
  controllerId: z.number().int().nullable(),
  brokers: z.array(
    z.object({
      nodeId: NodeId,
      host: z.string(),
      port: z.number().int(),
      rack: z.string().nullable(),
      isController: z.boolean(),
      partitions: z.number().int(),
      leaders: z.number().int(),
    }),
  ),
  topicCount: z.number().int(),
  internalTopicCount: z.number().int(),
  partitionCount: z.number().int(),
  underReplicatedPartitions: z.array(TopicPartitionRef),
  offlinePartitions: z.array(TopicPartitionRef),
  /** Brokers that hold replicas but are missing from the metadata's live brokers: down. */
  downBrokers: z.array(z.object({ nodeId: NodeId, partitions: z.number().int() })).optional(),
})
export type ClusterOverview = z.infer<typeof ClusterOverview>

// ---- topics ----

export const TopicSummary = z.object({
  name: z.string(),
  internal: z.boolean(),
  partitions: z.number().int(),
  replicationFactor: z.number().int(),
  underReplicated: z.number().int(),
  offline: z.number().int(),
  // With `withStats`: null where a broker holding the figure did not answer (see `unavailable`).
  /** Records in the log (latest − earliest, summed over partitions). */
  messages: z.number().int().nullable().optional(),
  /** Bytes on the leaders' disks (DescribeLogDirs). */
  sizeBytes: z.number().int().nullable().optional(),
  retentionMs: z.string().nullable().optional(),
  cleanupPolicy: z.string().nullable().optional(),
})

/** A broker that did not answer part of a request: the rest of the answer is still given. */
export const BrokerUnavailable = z.object({ nodeId: z.number().int(), address: z.string(), reason: z.string() })
export type BrokerUnavailable = z.infer<typeof BrokerUnavailable>

export const LogDirPartition = z.object({ topic: z.string(), partition: PartitionId, sizeBytes: z.number().int(), offsetLag: z.number().int(), future: z.boolean() })

export const BrokerLogDirs = z.object({
  nodeId: NodeId,
  address: z.string(),
  logDirs: z.array(
    z.object({
      path: z.string(),
      /** Kafka's error name for the directory (e.g. KAFKA_STORAGE_ERROR), null when healthy. */
      error: z.string().nullable(),
      sizeBytes: z.number().int(),
      /** Volume size and free space (DescribeLogDirs v4+); null when not told. */
      totalBytes: z.number().int().nullable(),
      usableBytes: z.number().int().nullable(),
      partitions: z.array(LogDirPartition),
    }),
  ),
})
export type BrokerLogDirs = z.infer<typeof BrokerLogDirs>

export const PartitionDetail = z.object({
  partition: PartitionId,
  leader: z.number().int(),
  replicas: z.array(z.number().int()),
  isr: z.array(z.number().int()),
  offlineReplicas: z.array(z.number().int()),
  earliestOffset: z.number().int(),
  latestOffset: z.number().int(),
  /** latest - earliest (records in the log, ignoring transaction markers / compaction gaps). */
  messages: z.number().int(),
  /** Bytes on the leader's disk (DescribeLogDirs); null when the cluster does not tell. */
  sizeBytes: z.number().int().nullable(),
})
export type PartitionDetail = z.infer<typeof PartitionDetail>

export const TopicDescription = z.object({
  name: z.string(),
  internal: z.boolean(),
  replicationFactor: z.number().int(),
  partitions: z.array(PartitionDetail),
  totalMessages: z.number().int(),
  totalSizeBytes: z.number().int().nullable(),
})
export type TopicDescription = z.infer<typeof TopicDescription>

// ---- messages ----

export const ReadPosition = z.discriminatedUnion('type', [
  /** One partition from an offset. */
  z.object({ type: z.literal('offset'), partition: PartitionId, offset: Offset }),
  /** Every selected partition from the first offset with timestamp ≥ timestamp. */
  z.object({ type: z.literal('timestamp'), timestamp: Timestamp }),
  /** The latest `limit` messages (per partition, then merged and cut to limit). */
  z.object({ type: z.literal('latest') }),
  z.object({ type: z.literal('earliest') }),
])
export type ReadPosition = z.infer<typeof ReadPosition>

export const ReadRequest = z.object({
  connectionId: ConnectionId,
  topic: TopicName,
  position: ReadPosition,
  /** Partitions to read (timestamp/latest/earliest); default all. */
  partitions: z.array(PartitionId).optional(),
  limit: z.number().int().min(1).max(100_000).default(100),
  keyDecoding: Decoding.default('auto'),
  valueDecoding: Decoding.default('auto'),
  /** Include raw bytes (base64) in each message. */
  includeRaw: z.boolean().default(false),
  /**
   * Leave out the parsed `json` of JSON and Avro keys/values: `text` holds the same JSON, and a
   * table of 100,000 rows needs only the text (half the bytes to send and parse); the detail
   * view parses the one message it shows.
   */
  omitJson: z.boolean().optional(),
  /** Names the read so it reports `operation.progress` and can be stopped with `operations.cancel`. */
  opId: Id.optional(),
  /**
   * Answer with `rows` (one compact tuple per message, see MessageRow) instead of `messages`:
   * about half the bytes of the objects, for reads of up to 100,000 messages.
   */
  asRows: z.boolean().optional(),
  /** With 'protobuf' decoding: the fully qualified message type, e.g. "fleet.v1.GpsFix". */
  keyProtobufType: z.string().max(500).optional(),
  valueProtobufType: z.string().max(500).optional(),
})
export type ReadRequest = z.infer<typeof ReadRequest>

/** A decoded key/value as a tuple: format, text, size in bytes, then error and schema id when set. */
export const DecodedTuple = z.union([
  z.tuple([Decoding, z.string(), z.number().int()]),
  z.tuple([Decoding, z.string(), z.number().int(), z.string().nullable()]),
  z.tuple([Decoding, z.string(), z.number().int(), z.string().nullable(), z.number().int()]),
])
export type DecodedTuple = z.infer<typeof DecodedTuple>
/** A message as a tuple: partition, offset, timestamp, key, value, headers as [key, value] pairs. */
export const MessageRow = z.tuple([PartitionId, Offset, Timestamp, DecodedTuple.nullable(), DecodedTuple.nullable(), z.array(z.tuple([z.string(), z.string().nullable()]))])
export type MessageRow = z.infer<typeof MessageRow>

export const ReadResponse = z.object({
  /** With `asRows`: the messages as tuples (and `messages` empty). */
  rows: z.array(MessageRow).optional(),
  /** Merged by timestamp (ties by partition, offset) unless a single partition was read. */
  messages: z.array(Message),
  /** Per partition: where the next page starts and the log end. */
  partitions: z.array(z.object({ partition: PartitionId, nextOffset: Offset, earliestOffset: Offset, latestOffset: Offset })),
  /** Partitions that could not be read (leader down, broker not answering): the rest are still returned. */
  unavailable: z.array(z.object({ partition: PartitionId, leader: z.number().int(), reason: z.string() })).optional(),
})
export type ReadResponse = z.infer<typeof ReadResponse>

export const ProtoFiles = z.object({ files: z.array(z.object({ name: z.string(), types: z.array(z.string()) })) })

export const MessageFilter = z.object({
  /** Substring (or regex when `regex`) matched against the decoded key text. */
  key: z.string().optional(),
  value: z.string().optional(),
  headerKey: z.string().optional(),
  headerValue: z.string().optional(),
  regex: z.boolean().default(false),
  caseSensitive: z.boolean().default(false),
  /** Dot path into a JSON value (e.g. "user.id") compared with `jsonEquals` (string comparison). */
  jsonPath: z.string().optional(),
  jsonEquals: z.string().optional(),
  fromTimestamp: Timestamp.optional(),
  toTimestamp: Timestamp.optional(),
})
export type MessageFilter = z.infer<typeof MessageFilter>

export const SearchRequest = z.object({
  connectionId: ConnectionId,
  topic: TopicName,
  partitions: z.array(PartitionId).optional(),
  /** Where to start: 'earliest', 'latest-N' via startOffsets, or a timestamp. */
  start: z.discriminatedUnion('type', [
    z.object({ type: z.literal('earliest') }),
    z.object({ type: z.literal('timestamp'), timestamp: Timestamp }),
    z.object({ type: z.literal('offsets'), offsets: z.array(z.object({ partition: PartitionId, offset: Offset })) }),
  ]),
  /** Stop at this timestamp (exclusive) or the log end, whichever comes first. */
  endTimestamp: Timestamp.optional(),
  filter: MessageFilter,
  /** Upper bound on records scanned (bounded search). */
  maxScan: z.number().int().min(1).max(50_000_000).default(1_000_000),
  maxResults: z.number().int().min(1).max(10_000).default(500),
  keyDecoding: Decoding.default('auto'),
  valueDecoding: Decoding.default('auto'),
  /** Chosen by the caller so it can cancel and match progress events; generated if absent. */
  searchId: Id.optional(),
})
export type SearchRequest = z.infer<typeof SearchRequest>

export const SearchResponse = z.object({
  searchId: z.string(),
  matches: z.array(Message),
  scanned: z.number().int(),
  /** Stopped because maxResults was reached or maxScan exhausted before the end. */
  truncated: z.boolean(),
  cancelled: z.boolean(),
  durationMs: z.number(),
})

export const TailRequest = z.object({
  connectionId: ConnectionId,
  topic: TopicName,
  partitions: z.array(PartitionId).optional(),
  from: z.enum(['latest', 'earliest']).default('latest'),
  filter: MessageFilter.optional(),
  keyDecoding: Decoding.default('auto'),
  valueDecoding: Decoding.default('auto'),
  /** Events are batched at most this often. */
  intervalMs: z.number().int().min(50).max(10_000).default(250),
  tailId: Id.optional(),
})

export const MessageRef = z.object({ partition: PartitionId, offset: Offset })

export const ExportRequest = z.object({
  format: z.enum(['jsonl', 'csv']),
  /** Names the export so it reports `operation.progress` and can be stopped with `operations.cancel`. */
  opId: Id.optional(),
  source: z.discriminatedUnion('type', [
    /** Messages the renderer already holds. */
    z.object({ type: z.literal('messages'), messages: z.array(Message).max(100_000) }),
    /** Selected messages read again from the cluster. */
    z.object({
      type: z.literal('selection'),
      connectionId: ConnectionId,
      topic: TopicName,
      items: z.array(MessageRef).min(1).max(100_000),
      keyDecoding: Decoding.default('auto'),
      valueDecoding: Decoding.default('auto'),
    }),
  ]),
})

export const ExportResponse = z.object({
  content: z.string(),
  mimeType: z.string(),
  fileName: z.string(),
  count: z.number().int(),
})

// ---- produce ----

export const ProduceMessage = z.object({
  key: Payload.nullable().optional(),
  value: Payload.nullable(),
  headers: z.array(z.object({ key: z.string().min(1), value: z.string() })).default([]),
  /** Omit for key-based (murmur2) or round-robin partitioning, like the Java client. */
  partition: PartitionId.optional(),
  timestamp: Timestamp.optional(),
})
export type ProduceMessage = z.infer<typeof ProduceMessage>

const ProduceOptions = {
  compression: CompressionName.default('none'),
  acks: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(-1),
}

export const ProduceResult = z.object({
  topic: z.string(),
  /** Per partition the base offset of what was written (null with acks=0). */
  partitions: z.array(z.object({ partition: PartitionId, baseOffset: z.number().int().nullable(), count: z.number().int() })),
  produced: z.number().int(),
  durationMs: z.number(),
})
export type ProduceResult = z.infer<typeof ProduceResult>

// ---- groups ----

export const GroupSummary = z.object({
  groupId: z.string(),
  state: z.string(),
  protocolType: z.string(),
  protocol: z.string(),
  members: z.number().int(),
  topics: z.array(z.string()),
  /** null when the group has no committed offsets. */
  totalLag: z.number().int().nullable(),
  coordinator: z.number().int().nullable(),
})

export const GroupPartitionLag = z.object({
  topic: z.string(),
  partition: PartitionId,
  committedOffset: z.number().int().nullable(),
  logStartOffset: z.number().int(),
  logEndOffset: z.number().int(),
  lag: z.number().int().nullable(),
  memberId: z.string().nullable(),
  clientId: z.string().nullable(),
  host: z.string().nullable(),
  metadata: z.string().nullable(),
  /** Why the log offsets of this partition could not be read (e.g. its leader is down); lag is null then. */
  unavailable: z.string().optional(),
})

export const GroupDescription = z.object({
  groupId: z.string(),
  state: z.string(),
  protocolType: z.string(),
  protocol: z.string(),
  coordinator: z.number().int().nullable(),
  members: z.array(
    z.object({
      memberId: z.string(),
      clientId: z.string(),
      clientHost: z.string(),
      assignments: z.array(z.object({ topic: z.string(), partitions: z.array(PartitionId) })),
    }),
  ),
  offsets: z.array(GroupPartitionLag),
  /** Sum of lag over the partitions with a committed offset (see committedPartitions). */
  totalLag: z.number().int().nullable(),
  /** What totalLag covers: partitions with a commit, and those of the group's topics without one. */
  committedPartitions: z.number().int().optional(),
  uncommittedPartitions: z.number().int().optional(),
  /** Messages in the log (end − start) of the partitions without a commit: where the group starts depends on auto.offset.reset. */
  uncommittedMessages: z.number().int().optional(),
})
export type GroupDescription = z.infer<typeof GroupDescription>

export const LagSample = z.object({
  /** Epoch ms. */
  t: Timestamp,
  totalLag: z.number().int(),
  byTopic: z.record(z.string(), z.number().int()),
  /** Messages on partitions of the group's topics that have no commit yet (not in totalLag). */
  uncommitted: z.number().int().optional(),
})
export type LagSample = z.infer<typeof LagSample>

// ---- offsets ----

export const ResetMode = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('earliest') }),
  z.object({ mode: z.literal('latest') }),
  z.object({ mode: z.literal('current') }),
  z.object({ mode: z.literal('offset'), offset: Offset }),
  z.object({ mode: z.literal('shift-by'), shift: z.number().int() }),
  /** ISO-8601 date-time, e.g. 2024-05-01T12:00:00.000Z (or with an offset). */
  z.object({ mode: z.literal('datetime'), datetime: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 date-time') }),
  /** ISO-8601 duration back from now, e.g. PT10M, P1DT2H (Kafka's --by-duration). */
  z.object({ mode: z.literal('duration'), duration: z.string().regex(/^-?P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, 'expected an ISO-8601 duration like PT10M or P1DT2H') }),
  /** CSV text as kafka-consumer-groups --from-file reads it: topic,partition,offset per line. */
  z.object({ mode: z.literal('file'), csv: z.string().min(1) }),
])
export type ResetMode = z.infer<typeof ResetMode>

export const ResetRequest = z.object({
  connectionId: ConnectionId,
  groupId: GroupId,
  /** Topics (optionally some partitions) to reset; omit with allTopics for every committed topic. */
  topics: z.array(z.object({ topic: TopicName, partitions: z.array(PartitionId).optional() })).optional(),
  allTopics: z.boolean().default(false),
  reset: ResetMode,
})
export type ResetRequest = z.infer<typeof ResetRequest>

export const ResetPlan = z.object({
  groupId: z.string(),
  state: z.string(),
  /** False while the group has active members (state not Empty/Dead); `reason` says why. */
  canExecute: z.boolean(),
  reason: z.string().optional(),
  partitions: z.array(
    z.object({
      topic: z.string(),
      partition: PartitionId,
      currentOffset: z.number().int().nullable(),
      newOffset: z.number().int(),
      logStartOffset: z.number().int(),
      logEndOffset: z.number().int(),
      /** The target was outside [logStart, logEnd] and was clamped, like Kafka's tool does. */
      clamped: z.boolean(),
    }),
  ),
  executed: z.boolean(),
  /** CSV lines (--from-file) that cannot be applied; any of them blocks execution, as Kafka's tool refuses. */
  problems: z.array(z.object({ line: z.number().int(), text: z.string(), reason: z.string() })).optional(),
})
export type ResetPlan = z.infer<typeof ResetPlan>

// ---- configs ----

export const ConfigResource = z.object({
  type: z.enum(['topic', 'broker']),
  /** Topic name or broker id (as a string). */
  name: z.string().min(1),
})
export type ConfigResource = z.infer<typeof ConfigResource>

export const ConfigSource = z.enum([
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
  'UNKNOWN',
])

export const ConfigEntry = z.object({
  name: z.string(),
  value: z.string().nullable(),
  /** The value this entry would have without its current source (first synonym below it). */
  default: z.string().nullable(),
  source: ConfigSource,
  isDefault: z.boolean(),
  readOnly: z.boolean(),
  sensitive: z.boolean(),
  /** Kafka's config type name (BOOLEAN, STRING, INT, SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD). */
  type: z.string().nullable(),
  documentation: z.string().nullable(),
  synonyms: z.array(z.object({ name: z.string(), value: z.string().nullable(), source: ConfigSource })),
})
export type ConfigEntry = z.infer<typeof ConfigEntry>

export const ConfigChange = z.object({
  name: z.string().min(1),
  /** 'set' needs value; 'delete' reverts to the default. */
  op: z.enum(['set', 'delete']),
  value: z.string().optional(),
})

export const ConfigAlterRequest = z.object({
  connectionId: ConnectionId,
  resource: ConfigResource,
  changes: z.array(ConfigChange).min(1),
})

export const ConfigDiff = z.object({
  resource: ConfigResource,
  changes: z.array(
    z.object({
      name: z.string(),
      old: z.string().nullable(),
      new: z.string().nullable(),
      oldSource: ConfigSource,
    }),
  ),
  /** Problems found by local checks and by the broker's validate-only pass; empty when valid. */
  errors: z.array(z.object({ name: z.string(), message: z.string() })),
  valid: z.boolean(),
  applied: z.boolean(),
})
export type ConfigDiff = z.infer<typeof ConfigDiff>

// ---- key distribution ----

export const KeyDistribution = z.object({
  topic: z.string(),
  scanned: z.number().int(),
  partitions: z.array(
    z.object({
      partition: PartitionId,
      /** Records in the log (latest - earliest). */
      messages: z.number().int(),
      sampled: z.number().int(),
      distinctKeys: z.number().int(),
      nullKeys: z.number().int(),
      hot: z.boolean(),
    }),
  ),
  topKeys: z.array(z.object({ key: z.string(), count: z.number().int(), share: z.number(), partitions: z.array(PartitionId), hot: z.boolean() })),
  distinctKeyEstimate: z.number().int(),
  nullKeys: z.number().int(),
  skew: z.object({
    /** max / mean of per-partition message counts (1 = perfectly even). */
    partitionSkew: z.number(),
    /** Share of the sample taken by the most frequent key (0..1). */
    topKeyShare: z.number(),
    /** 0 (even) … 1 (all on one partition / key). */
    score: z.number(),
    level: z.enum(['ok', 'warning', 'hot']),
  }),
  hotPartitions: z.array(PartitionId),
  hotKeys: z.array(z.string()),
  advice: z.array(z.string()),
})
export type KeyDistribution = z.infer<typeof KeyDistribution>

// ---- throughput ----

export const ThroughputPoint = z.object({
  t: Timestamp,
  messagesPerSec: z.number(),
  /** null when sizes are not available from the cluster. */
  bytesPerSec: z.number().nullable(),
})

export const ThroughputSeries = z.object({
  intervalMs: z.number().int(),
  series: z.array(z.object({ topic: z.string(), partition: PartitionId.nullable(), points: z.array(ThroughputPoint) })),
})

// ---------------------------------------------------------------------------------------------
// Channels

function channel<Req extends z.ZodTypeAny, Res extends z.ZodTypeAny>(request: Req, response: Res) {
  return { request, response }
}

const ConnIdOnly = ConnReq.strict()

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
  'embedded.start': channel(z.object({ brokers: z.number().int().min(1).max(9).optional() }).strict(), EmbeddedStatus),
  'embedded.stop': channel(Empty, EmbeddedStatus),
  'embedded.broker.start': channel(z.object({ nodeId: NodeId }), EmbeddedStatus),
  /** Graceful stop of one broker. */
  'embedded.broker.stop': channel(z.object({ nodeId: NodeId }), EmbeddedStatus),
  /** Abrupt: connections dropped without a controlled shutdown. */
  'embedded.broker.kill': channel(z.object({ nodeId: NodeId }), EmbeddedStatus),
  /** Fault injection: slow answers, dropped connections, or a paused broker. Omitted fields keep their value. */
  'embedded.broker.faults': channel(z.object({ nodeId: NodeId }).merge(BrokerFaults.partial()).strict(), EmbeddedStatus),
  'embedded.activity': channel(z.object({ nodeId: NodeId.optional() }), z.object({ clients: z.array(ClientActivity) })),

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
        z.object({ partition: PartitionId, earliestOffset: z.number().int(), latestOffset: z.number().int(), timestampOffset: z.number().int().nullable().optional(), unavailable: z.string().optional() }),
      ),
    }),
  ),
  'topics.describe': channel(ConnReq.extend({ topic: TopicName, withSizes: z.boolean().default(true) }), TopicDescription),
  'topics.create': channel(
    ConnReq.extend({
      topic: TopicName,
      partitions: z.number().int().min(1).max(100_000),
      /** -1: the broker's default.replication.factor. */
      replicationFactor: z.number().int().min(-1).max(32).refine((n) => n !== 0, 'must be ≥ 1 or -1 for the default'),
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
  'produce.send': channel(
    ConnReq.extend({ topic: TopicName, messages: z.array(ProduceMessage).min(1).max(10_000), ...ProduceOptions }),
    ProduceResult,
  ),
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
} as const

export type Contract = typeof channels
export type ChannelName = keyof Contract
/** What the caller sends (defaults optional). */
export type RequestInputOf<C extends ChannelName> = z.input<Contract[C]['request']>
/** What the handler receives (after parsing, defaults applied). */
export type RequestOf<C extends ChannelName> = z.output<Contract[C]['request']>
export type ResponseOf<C extends ChannelName> = z.output<Contract[C]['response']>
export const channelNames = Object.keys(channels) as ChannelName[]

// ---------------------------------------------------------------------------------------------
// Events (main → renderer)

export const events = {
  /** New messages of a live tail. */
  'tail.messages': z.object({ tailId: z.string(), messages: z.array(Message) }),
  'tail.status': z.object({ tailId: z.string(), state: z.enum(['running', 'stopped', 'error']), error: ErrorShape.optional() }),
  'search.progress': z.object({
    searchId: z.string(),
    scanned: z.number().int(),
    matched: z.number().int(),
    /** Records in range (upper bound of `scanned`). */
    total: z.number().int(),
    done: z.boolean(),
    cancelled: z.boolean(),
  }),
  /** Progress of a long operation (read, export) named by the caller's opId. */
  'operation.progress': z.object({ opId: z.string(), done: z.number().int(), total: z.number().int(), finished: z.boolean(), cancelled: z.boolean() }),
  'lag.sample': z.object({ connectionId: z.string(), groupId: z.string(), sample: LagSample }),
  'throughput.sample': z.object({ connectionId: z.string(), topic: z.string(), point: ThroughputPoint }),
  'cluster.event': z.discriminatedUnion('type', [
    z.object({ type: z.literal('embedded'), at: Timestamp, status: EmbeddedStatus }),
    z.object({ type: z.literal('broker'), at: Timestamp, nodeId: NodeId, state: BrokerRunState }),
    z.object({ type: z.literal('connection'), at: Timestamp, connectionId: z.string(), state: z.enum(['open', 'closed', 'error']), message: z.string().optional() }),
  ]),
} as const

export type Events = typeof events
export type EventName = keyof Events
export type EventOf<E extends EventName> = z.output<Events[E]>
export const eventNames = Object.keys(events) as EventName[]

export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventOf<E>): void
}

/** Per-call context given to handlers by the binding. */
export interface HandlerContext {
  /** Where events for this caller go (one window / one WebSocket). */
  sink: EventSink
  /** Identifies the caller (window id / socket id) so its tails/searches end when it goes away. */
  clientId: string
}

export type Handlers = { [C in ChannelName]: (req: RequestOf<C>, ctx: HandlerContext) => Promise<ResponseOf<C>> }

// ---------------------------------------------------------------------------------------------
// Validation and dispatch

export function isChannel(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name)
}

/** Parses a request; the error names the first offending field path (e.g. "messages.0.value.format"). */
export function validateRequest<C extends ChannelName>(channel: C, payload: unknown): Result<RequestOf<C>> {
  if (!isChannel(channel)) return { ok: false, error: { code: 'VALIDATION', message: `unknown channel ${String(channel)}`, field: 'channel' } }
  const parsed = channels[channel].request.safeParse(payload ?? {})
  if (parsed.success) return { ok: true, value: parsed.data as RequestOf<C> }
  return { ok: false, error: zodToShape(parsed.error) }
}

/**
 * Validates, calls the handler, and returns a Result; never throws. Bindings (Electron, web)
 * use this so both behave the same.
 */
export async function dispatch(handlers: Handlers, channel: string, payload: unknown, ctx: HandlerContext): Promise<Result<unknown>> {
  if (!isChannel(channel)) return { ok: false, error: { code: 'VALIDATION', message: `unknown channel ${channel}`, field: 'channel' } }
  const v = validateRequest(channel, payload)
  if (!v.ok) return v
  try {
    const handler = handlers[channel] as (req: unknown, ctx: HandlerContext) => Promise<unknown>
    return { ok: true, value: await handler(v.value, ctx) }
  } catch (e) {
    return { ok: false, error: toErrorShape(e) }
  }
}
