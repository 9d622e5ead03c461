/** Messages: how bytes are decoded, reads, searches, tails, exports and .proto files. */
import { z } from 'zod'
import { ConnectionId, Id, Offset, PartitionId, Timestamp, TopicName } from './common'

/**
 * How to turn key/value bytes into something to show. 'auto' tries json, then string, then hex
 * ('msgpack' is never guessed: almost any bytes are some MessagePack value; 'protobuf' decodes
 * with a message type from the .proto files the user added, named in the read request).
 */
export const Decoding = z.enum(['auto', 'string', 'json', 'hex', 'base64', 'number', 'avro', 'msgpack', 'protobuf'])
export type Decoding = z.infer<typeof Decoding>

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

/** A control record: the COMMIT or ABORT marker a transaction's end wrote to the partition. */
export const ControlMarker = z.object({
  type: z.enum(['COMMIT', 'ABORT']),
  producerId: z.number().int(),
  producerEpoch: z.number().int(),
  /** The epoch of the transaction coordinator that wrote the marker (an admin abort passes the partition's last known one, or -1). */
  coordinatorEpoch: z.number().int(),
})
export type ControlMarker = z.infer<typeof ControlMarker>

/**
 * How transactional data is read. read_uncommitted is Kafka's consumer default (and
 * kafka-console-consumer's): what a user of Kafka's tools expects to see when nothing is chosen.
 */
export const IsolationLevel = z.enum(['read_uncommitted', 'read_committed'])
export type IsolationLevel = z.infer<typeof IsolationLevel>

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
  /** Set on a control record (shown only with `showControlRecords`); its key and value are the marker's bytes. */
  control: ControlMarker.optional(),
})
export type Message = z.infer<typeof Message>

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
  /**
   * Answer with `columns` (one array per field, see MessageColumns) instead of `messages`: what a
   * 100,000-row table asks for. Arrays of numbers and strings parse several times faster than
   * as many small tuples, and the page builds a message only for the rows it shows.
   */
  asColumns: z.boolean().optional(),
  /**
   * With 'protobuf' decoding: the fully qualified message type, e.g. "fleet.v1.GpsFix", from the
   * added .proto files. Without one, values in the schema registry's wire format are decoded
   * with their registered Protobuf schema (message indexes included).
   */
  keyProtobufType: z.string().max(500).optional(),
  valueProtobufType: z.string().max(500).optional(),
  /** read_committed leaves out aborted transactions' records and stops at the last stable offset. */
  isolationLevel: IsolationLevel.default('read_uncommitted'),
  /** Show control records (transaction markers) as messages with `control`; hidden by default, as consumers never see them. */
  showControlRecords: z.boolean().default(false),
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
export const MessageRow = z.tuple([
  PartitionId,
  Offset,
  Timestamp,
  DecodedTuple.nullable(),
  DecodedTuple.nullable(),
  z.array(z.tuple([z.string(), z.string().nullable()])),
])
export type MessageRow = z.infer<typeof MessageRow>

/**
 * Decoded keys (or values) of many messages, one array per field: row i has format
 * `formats[format[i]]` (format[i] -1: the key/value is null), `text[i]` and `size[i]`; errors and
 * schema ids are listed only for the rows that have one, as [row, value] pairs.
 */
export const DecodedColumn = z.object({
  formats: z.array(Decoding),
  format: z.array(z.number().int()),
  text: z.array(z.string()),
  size: z.array(z.number().int()),
  errors: z.array(z.tuple([z.number().int(), z.string()])),
  schemaIds: z.array(z.tuple([z.number().int(), z.number().int()])),
  /**
   * Set to the decoding asked for ('auto' or 'json') when the server did not parse the rows it
   * lists as 'json' (text that starts like JSON for 'auto', any text for 'json'): the page parses
   * a row when it shows it. One that does not parse is then, for 'auto', a 'string', and for
   * 'json', an error with the bytes as hex, as the server's decoder would have answered.
   */
  jsonUnchecked: z.enum(['auto', 'json']).optional(),
})
export type DecodedColumn = z.infer<typeof DecodedColumn>
/** Messages as columns (asColumns): row i is partition[i], offset[i]…; headers only for rows that have some. */
export const MessageColumns = z.object({
  partition: z.array(PartitionId),
  offset: z.array(Offset),
  timestamp: z.array(Timestamp),
  key: DecodedColumn,
  value: DecodedColumn,
  headers: z.array(z.tuple([z.number().int(), z.array(z.tuple([z.string(), z.string().nullable()]))])),
  /** Rows that are control records (showControlRecords), as [row, marker]. */
  controls: z.array(z.tuple([z.number().int(), ControlMarker])).optional(),
})
export type MessageColumns = z.infer<typeof MessageColumns>

export const ReadResponse = z.object({
  /** With `asRows`: the messages as tuples (and `messages` empty). */
  rows: z.array(MessageRow).optional(),
  /** With `asColumns`: the messages as columns (and `messages` empty). */
  columns: MessageColumns.optional(),
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
  /** With 'protobuf' decoding: the message type from the added .proto files (else the registry's schema). */
  keyProtobufType: z.string().max(500).optional(),
  valueProtobufType: z.string().max(500).optional(),
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
  /** With 'protobuf' decoding: the message type from the added .proto files (else the registry's schema). */
  keyProtobufType: z.string().max(500).optional(),
  valueProtobufType: z.string().max(500).optional(),
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
      /** With 'protobuf' decoding: the message type from the added .proto files (else the registry's schema). */
      keyProtobufType: z.string().max(500).optional(),
      valueProtobufType: z.string().max(500).optional(),
    }),
  ]),
})

export const ExportResponse = z.object({
  content: z.string(),
  mimeType: z.string(),
  fileName: z.string(),
  count: z.number().int(),
})
