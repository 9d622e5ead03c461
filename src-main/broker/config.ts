import { KafkaError } from './errors'
import { kafkaBrokerConfigs } from './config-catalog'

/** Kafka's config types as DescribeConfigs (v3+) reports them. */
export const ConfigType = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const
export type ConfigTypeName = keyof typeof ConfigType

/** DescribeConfigs config sources. */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const

export interface ConfigDef {
  name: string
  type: ConfigTypeName
  default: string | null
  /** The broker config that supplies the default for a topic config. */
  brokerName?: string
  /** Allowed values (case-insensitive) or a numeric minimum. */
  oneOf?: string[]
  min?: number
  max?: number
  doc: string
  readOnly?: boolean
  sensitive?: boolean
}

const LONG_MAX = '9223372036854775807'

/** Topic-level configs with Kafka's names and defaults. */
export const topicConfigDefs: ConfigDef[] = [
  {
    name: 'cleanup.policy',
    type: 'LIST',
    default: 'delete',
    brokerName: 'log.cleanup.policy',
    oneOf: ['delete', 'compact'],
    doc: 'How old log segments are handled: deleted after retention, or compacted to the latest value per key.',
  },
  {
    name: 'compression.gzip.level',
    type: 'INT',
    default: '-1',
    brokerName: 'compression.gzip.level',
    min: -1,
    max: 9,
    doc: 'Compression level of gzip when compression.type is gzip. Inert on the embedded broker: batches are stored as the producer compressed them.',
  },
  {
    name: 'compression.lz4.level',
    type: 'INT',
    default: '9',
    brokerName: 'compression.lz4.level',
    min: 1,
    max: 17,
    doc: 'Compression level of lz4 when compression.type is lz4. Inert on the embedded broker: batches are stored as the producer compressed them.',
  },
  {
    name: 'compression.type',
    type: 'STRING',
    default: 'producer',
    brokerName: 'compression.type',
    oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
    doc: 'Final compression of the topic; "producer" keeps what the producer sent. Inert on the embedded broker: batches are always stored as the producer sent them (as with "producer").',
  },
  {
    name: 'compression.zstd.level',
    type: 'INT',
    default: '3',
    brokerName: 'compression.zstd.level',
    min: -131072,
    max: 22,
    doc: 'Compression level of zstd when compression.type is zstd. Inert on the embedded broker: batches are stored as the producer compressed them.',
  },
  {
    name: 'delete.retention.ms',
    type: 'LONG',
    default: '86400000',
    brokerName: 'log.cleaner.delete.retention.ms',
    min: 0,
    doc: 'How long delete tombstones are kept on compacted topics.',
  },
  {
    name: 'file.delete.delay.ms',
    type: 'LONG',
    default: '60000',
    brokerName: 'log.segment.delete.delay.ms',
    min: 0,
    doc: 'Time to wait before deleting a file from the filesystem. Inert on the embedded broker: reads copy bytes out, so deleted segment files are removed at once.',
  },
  {
    name: 'flush.messages',
    type: 'LONG',
    default: LONG_MAX,
    brokerName: 'log.flush.interval.messages',
    min: 1,
    doc: 'Messages written before the log is forced to disk. Inert on the embedded broker: like Kafka by default, writing back is left to the OS.',
  },
  {
    name: 'flush.ms',
    type: 'LONG',
    default: LONG_MAX,
    brokerName: 'log.flush.interval.ms',
    min: 0,
    doc: 'Time after which the log is forced to disk. Inert on the embedded broker: like Kafka by default, writing back is left to the OS.',
  },
  {
    name: 'follower.replication.throttled.replicas',
    type: 'LIST',
    default: '',
    doc: 'Replicas whose log replication is throttled on the follower side. Inert on the embedded broker: accepted, stored and reported, but not acted on. Replication is not throttled.',
  },
  {
    name: 'index.interval.bytes',
    type: 'INT',
    default: '4096',
    brokerName: 'log.index.interval.bytes',
    min: 0,
    doc: 'Bytes between entries of the sparse offset index.',
  },
  {
    name: 'leader.replication.throttled.replicas',
    type: 'LIST',
    default: '',
    doc: 'Replicas whose log replication is throttled on the leader side. Inert on the embedded broker: accepted, stored and reported, but not acted on. Replication is not throttled.',
  },
  {
    name: 'local.retention.bytes',
    type: 'LONG',
    default: '-2',
    brokerName: 'log.local.retention.bytes',
    min: -2,
    doc: 'Local log size kept when tiered storage is on; -2 means retention.bytes. Inert on the embedded broker: accepted, stored and reported, but not acted on. There is no tiered storage.',
  },
  {
    name: 'local.retention.ms',
    type: 'LONG',
    default: '-2',
    brokerName: 'log.local.retention.ms',
    min: -2,
    doc: 'Local log retention time when tiered storage is on; -2 means retention.ms. Inert on the embedded broker: accepted, stored and reported, but not acted on. There is no tiered storage.',
  },
  {
    name: 'max.compaction.lag.ms',
    type: 'LONG',
    default: LONG_MAX,
    brokerName: 'log.cleaner.max.compaction.lag.ms',
    min: 1,
    doc: 'Maximum time a message stays ineligible for compaction.',
  },
  { name: 'max.message.bytes', type: 'INT', default: '1048588', brokerName: 'message.max.bytes', min: 0, doc: 'Largest record batch size allowed.' },
  {
    name: 'message.timestamp.after.max.ms',
    type: 'LONG',
    default: '3600000',
    brokerName: 'log.message.timestamp.after.max.ms',
    min: 0,
    doc: 'Allowed amount a message timestamp may be ahead of the broker clock.',
  },
  {
    name: 'message.timestamp.before.max.ms',
    type: 'LONG',
    default: LONG_MAX,
    brokerName: 'log.message.timestamp.before.max.ms',
    min: 0,
    doc: 'Allowed amount a message timestamp may be behind the broker clock.',
  },
  {
    name: 'message.timestamp.type',
    type: 'STRING',
    default: 'CreateTime',
    brokerName: 'log.message.timestamp.type',
    oneOf: ['CreateTime', 'LogAppendTime'],
    doc: 'Whether record timestamps come from the producer or the broker at append.',
  },
  {
    name: 'min.cleanable.dirty.ratio',
    type: 'DOUBLE',
    default: '0.5',
    brokerName: 'log.cleaner.min.cleanable.ratio',
    min: 0,
    max: 1,
    doc: 'Dirty share of the log that triggers compaction.',
  },
  {
    name: 'min.compaction.lag.ms',
    type: 'LONG',
    default: '0',
    brokerName: 'log.cleaner.min.compaction.lag.ms',
    min: 0,
    doc: 'Minimum time a message stays uncompacted.',
  },
  {
    name: 'min.insync.replicas',
    type: 'INT',
    default: '1',
    brokerName: 'min.insync.replicas',
    min: 1,
    doc: 'Replicas that must acknowledge a write with acks=all.',
  },
  {
    name: 'preallocate',
    type: 'BOOLEAN',
    default: 'false',
    brokerName: 'log.preallocate',
    doc: 'Preallocate segment files. Inert on the embedded broker: accepted, stored and reported, but not acted on.',
  },
  {
    name: 'remote.log.copy.disable',
    type: 'BOOLEAN',
    default: 'false',
    doc: 'Stop copying segments to remote storage. Inert on the embedded broker: accepted, stored and reported, but not acted on. There is no tiered storage.',
  },
  {
    name: 'remote.log.delete.on.disable',
    type: 'BOOLEAN',
    default: 'false',
    doc: 'Delete remote data when tiered storage is disabled on the topic. Inert on the embedded broker: accepted, stored and reported, but not acted on. There is no tiered storage.',
  },
  {
    name: 'remote.storage.enable',
    type: 'BOOLEAN',
    default: 'false',
    doc: 'Tiered storage for the topic. Inert on the embedded broker: accepted, stored and reported, but not acted on. There is no tiered storage.',
  },
  {
    name: 'retention.bytes',
    type: 'LONG',
    default: '-1',
    brokerName: 'log.retention.bytes',
    doc: 'Maximum partition size before old segments are deleted; -1 means no limit.',
  },
  {
    name: 'retention.ms',
    type: 'LONG',
    default: '604800000',
    brokerName: 'log.retention.ms',
    min: -1,
    doc: 'How long a log segment is kept before deletion; -1 means forever.',
  },
  {
    name: 'segment.bytes',
    type: 'INT',
    default: '1073741824',
    brokerName: 'log.segment.bytes',
    min: 1048576,
    doc: 'Segment file size at which the log rolls.',
  },
  {
    name: 'segment.index.bytes',
    type: 'INT',
    default: '10485760',
    brokerName: 'log.index.size.max.bytes',
    min: 4,
    doc: 'Size of the offset index per segment. Inert on the embedded broker: its sparse indexes grow as needed.',
  },
  {
    name: 'segment.jitter.ms',
    type: 'LONG',
    default: '0',
    brokerName: 'log.roll.jitter.ms',
    min: 0,
    doc: 'Random jitter subtracted from segment.ms. Inert on the embedded broker: accepted, stored and reported, but not acted on.',
  },
  {
    name: 'segment.ms',
    type: 'LONG',
    default: '604800000',
    brokerName: 'log.roll.ms',
    min: 1,
    doc: 'Time after which the log rolls even if the segment is not full.',
  },
  {
    name: 'unclean.leader.election.enable',
    type: 'BOOLEAN',
    default: 'false',
    brokerName: 'unclean.leader.election.enable',
    doc: 'Allow out-of-sync replicas to become leader.',
  },
]

/** Broker-level configs this broker acts on, with their documentation. */
const actedOnBrokerConfigDefs: ConfigDef[] = [
  { name: 'auto.create.topics.enable', type: 'BOOLEAN', default: 'true', doc: 'Create a topic on first metadata request or produce for it.', readOnly: true },
  { name: 'num.partitions', type: 'INT', default: '1', min: 1, doc: 'Default partition count of auto-created topics.', readOnly: true },
  { name: 'default.replication.factor', type: 'INT', default: '1', min: 1, doc: 'Default replication factor of auto-created topics.', readOnly: true },
  { name: 'delete.topic.enable', type: 'BOOLEAN', default: 'true', doc: 'Allow topic deletion.', readOnly: true },
  {
    name: 'socket.request.max.bytes',
    type: 'INT',
    default: '104857600',
    min: 1,
    doc: 'Largest request the broker reads; larger frames close the connection.',
    readOnly: true,
  },
  { name: 'message.max.bytes', type: 'INT', default: '1048588', min: 0, doc: 'Largest record batch size allowed, before and after decompression.' },
  // Limits that keep one request from taking the cluster down (checked before any work is done).
  {
    name: 'max.partitions.per.request',
    type: 'INT',
    default: '10000',
    min: 1,
    doc: "Most partitions one CreateTopics or CreatePartitions request may add (Kafka's controller caps a request at 10000); more is refused with POLICY_VIOLATION.",
    readOnly: true,
  },
  {
    name: 'max.partitions',
    type: 'INT',
    default: '100000',
    min: 1,
    doc: 'Most partitions the cluster may hold (the cluster-wide limit of KIP-578); a request that would exceed it is refused with POLICY_VIOLATION.',
    readOnly: true,
  },
  {
    name: 'max.connections',
    type: 'INT',
    default: '2147483647',
    min: 0,
    doc: 'Most client connections a broker accepts; further ones are closed at once.',
    readOnly: true,
  },
  {
    name: 'max.connections.per.ip',
    type: 'INT',
    default: '2147483647',
    min: 0,
    doc: 'Most client connections a broker accepts from one IP address.',
    readOnly: true,
  },
  {
    name: 'max.connections.per.ip.overrides',
    type: 'STRING',
    default: '',
    doc: 'Per-IP exceptions to max.connections.per.ip, as "ip:count,ip:count".',
    readOnly: true,
  },
  {
    name: 'connections.max.idle.ms',
    type: 'LONG',
    default: '600000',
    min: -1,
    doc: 'Idle time after which a broker closes a client connection; -1 never closes.',
    readOnly: true,
  },
  {
    name: 'log.retention.ms',
    type: 'LONG',
    default: null,
    min: -1,
    doc: 'Default retention time of topics; when not set, log.retention.minutes, then log.retention.hours (7 days) apply.',
  },
  {
    name: 'log.retention.minutes',
    type: 'INT',
    default: null,
    doc: 'Default retention time of topics in minutes, when log.retention.ms is not set.',
    readOnly: true,
  },
  {
    name: 'log.retention.hours',
    type: 'INT',
    default: '168',
    doc: 'Default retention time of topics in hours, when neither log.retention.ms nor log.retention.minutes is set.',
    readOnly: true,
  },
  { name: 'log.retention.bytes', type: 'LONG', default: '-1', doc: 'Default retention size of partitions.' },
  { name: 'log.segment.bytes', type: 'INT', default: '1073741824', min: 1048576, doc: 'Default segment size.' },
  { name: 'log.roll.ms', type: 'LONG', default: null, min: 1, doc: 'Default segment roll time; when not set, log.roll.hours (7 days) applies.' },
  { name: 'log.roll.hours', type: 'INT', default: '168', min: 1, doc: 'Default segment roll time in hours, when log.roll.ms is not set.', readOnly: true },
  { name: 'log.cleanup.policy', type: 'LIST', default: 'delete', oneOf: ['delete', 'compact'], doc: 'Default cleanup policy.' },
  { name: 'log.message.timestamp.type', type: 'STRING', default: 'CreateTime', oneOf: ['CreateTime', 'LogAppendTime'], doc: 'Default timestamp type.' },
  { name: 'log.dirs', type: 'STRING', default: null, doc: 'Directories holding the log data.', readOnly: true },
  {
    name: 'log.open.files.max',
    type: 'INT',
    default: '400',
    min: 16,
    doc: 'Most segment and index files this broker process keeps open; idle ones are closed least recently used first, so file handles do not grow with the partition count (fits the default ulimit -n of 1024 with room for sockets).',
    readOnly: true,
  },
  { name: 'min.insync.replicas', type: 'INT', default: '1', min: 1, doc: 'Default minimum in-sync replicas.' },
  {
    name: 'compression.type',
    type: 'STRING',
    default: 'producer',
    oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
    doc: 'Default topic compression.',
  },
  { name: 'offsets.topic.num.partitions', type: 'INT', default: '50', min: 1, doc: 'Partitions of __consumer_offsets.', readOnly: true },
  { name: 'offsets.topic.segment.bytes', type: 'INT', default: '104857600', min: 1, doc: 'Segment size of __consumer_offsets.', readOnly: true },
  {
    name: 'offsets.topic.replication.factor',
    type: 'SHORT',
    default: '3',
    min: 1,
    doc: 'Replication factor of __consumer_offsets (at most the live brokers when it is created).',
    readOnly: true,
  },
  {
    name: 'offsets.commit.timeout.ms',
    type: 'INT',
    default: '5000',
    min: 1,
    doc: 'How long an offset commit waits for the replicas of its __consumer_offsets partition before it fails.',
    readOnly: true,
  },
  { name: 'offsets.retention.minutes', type: 'INT', default: '10080', min: 1, doc: 'How long committed offsets of an empty group are kept.', readOnly: true },
  {
    name: 'offsets.retention.check.interval.ms',
    type: 'LONG',
    default: '600000',
    min: 1,
    doc: 'How often committed offsets are checked for expiration.',
    readOnly: true,
  },
  { name: 'offset.metadata.max.bytes', type: 'INT', default: '4096', doc: 'Largest metadata string allowed with a committed offset.', readOnly: true },
  { name: 'group.initial.rebalance.delay.ms', type: 'INT', default: '3000', min: 0, doc: 'Delay of the first rebalance of a new group.', readOnly: true },
  { name: 'group.min.session.timeout.ms', type: 'INT', default: '6000', doc: 'Minimum consumer session timeout.', readOnly: true },
  { name: 'group.max.session.timeout.ms', type: 'INT', default: '1800000', doc: 'Maximum consumer session timeout.', readOnly: true },
  { name: 'transactional.id.expiration.ms', type: 'INT', default: '604800000', doc: 'Idle time after which a transactional id expires.', readOnly: true },
  { name: 'transaction.state.log.num.partitions', type: 'INT', default: '50', min: 1, doc: 'Partitions of __transaction_state.', readOnly: true },
  {
    name: 'transaction.state.log.replication.factor',
    type: 'SHORT',
    default: '3',
    min: 1,
    doc: 'Replication factor of __transaction_state (at most the live brokers when it is created).',
    readOnly: true,
  },
  {
    name: 'transaction.state.log.min.isr',
    type: 'INT',
    default: '2',
    min: 1,
    doc: 'min.insync.replicas of __transaction_state (at most its replication factor).',
    readOnly: true,
  },
  { name: 'transaction.state.log.segment.bytes', type: 'INT', default: '104857600', min: 1, doc: 'Segment size of __transaction_state.', readOnly: true },
  { name: 'transaction.max.timeout.ms', type: 'INT', default: '900000', min: 1, doc: 'Largest transaction.timeout.ms a producer may ask for.', readOnly: true },
  {
    name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms',
    type: 'INT',
    default: '10000',
    min: 1,
    doc: 'How often the transaction coordinator aborts transactions that outlived their timeout.',
    readOnly: true,
  },
  {
    name: 'transaction.remove.expired.transaction.cleanup.interval.ms',
    type: 'INT',
    default: '3600000',
    min: 1,
    doc: 'How often the transaction coordinator removes transactional ids idle for longer than transactional.id.expiration.ms.',
    readOnly: true,
  },
  { name: 'unclean.leader.election.enable', type: 'BOOLEAN', default: 'false', doc: 'Allow out-of-sync replicas to become leader.' },
  {
    name: 'replica.lag.time.max.ms',
    type: 'LONG',
    default: '30000',
    min: 0,
    doc: 'A follower that has not caught up with the leader for this long leaves the ISR.',
    readOnly: true,
  },
  { name: 'replica.fetch.wait.max.ms', type: 'INT', default: '500', min: 0, doc: 'Longest wait of a follower fetch for data on the leader.', readOnly: true },
  { name: 'replica.fetch.min.bytes', type: 'INT', default: '1', doc: 'Bytes a follower fetch waits for.', readOnly: true },
  { name: 'replica.fetch.max.bytes', type: 'INT', default: '1048576', min: 0, doc: 'Bytes a follower fetches per partition.', readOnly: true },
  { name: 'replica.fetch.response.max.bytes', type: 'INT', default: '10485760', min: 0, doc: 'Bytes a follower fetches per request.', readOnly: true },
  { name: 'replica.fetch.backoff.ms', type: 'INT', default: '1000', min: 0, doc: 'Pause of a follower after a fetch error.', readOnly: true },
  { name: 'replica.socket.timeout.ms', type: 'INT', default: '30000', doc: 'Socket timeout of follower fetches.', readOnly: true },
  // the log cleaner (storage/cleaner): one cleaner on the broker's event loop, working in 10 ms slices
  {
    name: 'log.cleaner.enable',
    type: 'BOOLEAN',
    default: 'true',
    doc: 'Run the log cleaner, which compacts topics with cleanup.policy=compact.',
    readOnly: true,
  },
  { name: 'log.cleaner.backoff.ms', type: 'LONG', default: '15000', min: 0, doc: 'Pause of the log cleaner when no log needs cleaning.' },
  {
    name: 'log.cleaner.threads',
    type: 'INT',
    default: '1',
    min: 0,
    doc: 'Cleaner threads; the embedded broker runs one cleaner on its event loop, and this only divides the dedupe buffer as in Kafka.',
  },
  {
    name: 'log.cleaner.dedupe.buffer.size',
    type: 'LONG',
    default: '134217728',
    doc: "Memory budget of the cleaner's key map: it holds this many bytes / 24 keys (times the load factor) per cleaning.",
  },
  { name: 'log.cleaner.io.buffer.load.factor', type: 'DOUBLE', default: '0.9', doc: "How full the cleaner's key map may get." },
  {
    name: 'log.cleaner.io.buffer.size',
    type: 'INT',
    default: '524288',
    min: 0,
    doc: 'I/O buffer of the cleaner; inert here (the embedded cleaner reads 256 KiB chunks and writes 1 MiB buffers).',
  },
  { name: 'log.cleaner.io.max.bytes.per.second', type: 'DOUBLE', default: '1.7976931348623157E308', doc: 'Most bytes per second the cleaner reads.' },
  { name: 'log.cleaner.delete.retention.ms', type: 'LONG', default: '86400000', min: 0, doc: 'Default delete.retention.ms of topics.' },
  { name: 'log.cleaner.min.cleanable.ratio', type: 'DOUBLE', default: '0.5', min: 0, max: 1, doc: 'Default min.cleanable.dirty.ratio of topics.' },
  { name: 'log.cleaner.min.compaction.lag.ms', type: 'LONG', default: '0', min: 0, doc: 'Default min.compaction.lag.ms of topics.' },
  { name: 'log.cleaner.max.compaction.lag.ms', type: 'LONG', default: LONG_MAX, min: 1, doc: 'Default max.compaction.lag.ms of topics.' },
]

/**
 * Kafka configs the embedded cluster acts on outside the broker (the controller and the process
 * supervisor read them when they start).
 */
const actedOnElsewhere: Record<string, string> = {
  'broker.session.timeout.ms': 'A broker whose heartbeats stop for this long is fenced by the controller and its partitions get new leaders.',
  'broker.heartbeat.interval.ms': 'How often a broker sends a heartbeat to the controller.',
  'initial.broker.registration.timeout.ms': 'How long a starting broker may take to register with the controller before it is considered dead.',
  'auto.leader.rebalance.enable': 'Move leadership back to the preferred replicas when the cluster is imbalanced.',
  'leader.imbalance.check.interval.seconds': 'How often the controller checks whether leadership is imbalanced.',
}

/** The documentation of a Kafka broker config the embedded broker lists but does not act on. */
function inertDoc(name: string, type: ConfigTypeName): string {
  return `Apache Kafka's ${name} (${type}). Inert on the embedded broker: accepted, validated by type, stored and reported with Kafka's default, but not acted on.`
}

/**
 * Every broker config Kafka 4.1 has (config-catalog.ts): those the broker acts on with their own
 * definitions first, then the rest with Kafka's type, default and read-only flag and documentation
 * that says they are inert. Nothing Kafka lists is missing, so DescribeConfigs lists them all and
 * AlterConfigs accepts the dynamic ones instead of dropping them.
 */
export const brokerConfigDefs: ConfigDef[] = (() => {
  const out = [...actedOnBrokerConfigDefs]
  const have = new Set(out.map((d) => d.name))
  for (const [name, type, kafkaDefault, flags] of kafkaBrokerConfigs) {
    if (have.has(name)) continue
    out.push({
      name,
      type,
      default: kafkaDefault,
      doc: actedOnElsewhere[name] ?? inertDoc(name, type),
      readOnly: flags.includes('r'),
      sensitive: flags.includes('s'),
    })
  }
  return out
})()

export const topicConfigByName = new Map(topicConfigDefs.map((d) => [d.name, d]))
export const brokerConfigByName = new Map(brokerConfigDefs.map((d) => [d.name, d]))

/** Checks a value against Kafka's rules for the config; throws INVALID_CONFIG with Kafka-like wording. */
export function validateConfig(def: ConfigDef, value: string | null): void {
  if (value === null) return
  const bad = (why: string) => new KafkaError('INVALID_CONFIG', `Invalid value ${value} for configuration ${def.name}: ${why}`)
  switch (def.type) {
    case 'BOOLEAN':
      if (!/^(true|false)$/i.test(value)) throw bad('Expected value to be either true or false')
      return
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      if (!/^-?\d+$/.test(value.trim())) throw bad(`Not a number of type ${def.type}`)
      const n = Number(value)
      const limit = def.type === 'INT' ? 2 ** 31 : def.type === 'SHORT' ? 2 ** 15 : 2 ** 63
      if (n >= limit || n < -limit) throw bad(`Not a number of type ${def.type}`)
      if (def.min !== undefined && n < def.min) throw bad(`Value must be at least ${def.min}`)
      if (def.max !== undefined && n > def.max) throw bad(`Value must be no more than ${def.max}`)
      return
    }
    case 'DOUBLE': {
      const n = Number(value)
      if (value.trim() === '' || Number.isNaN(n)) throw bad('Not a number of type DOUBLE')
      if (def.min !== undefined && n < def.min) throw bad(`Value must be at least ${def.min}`)
      if (def.max !== undefined && n > def.max) throw bad(`Value must be no more than ${def.max}`)
      return
    }
    case 'LIST':
      if (def.oneOf) {
        for (const item of value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')) {
          if (!def.oneOf.includes(item.toLowerCase())) throw bad(`String must be one of: ${[...def.oneOf].sort().join(', ')}`)
        }
      }
      return
    default:
      if (def.oneOf && !def.oneOf.some((o) => o.toLowerCase() === value.toLowerCase())) throw bad(`String must be one of: ${def.oneOf.join(', ')}`)
  }
}
