/** The embedded cluster: its status, its brokers' injected faults and the clients seen by each broker. */
import { z } from 'zod'
import { EMBEDDED_CONNECTION_ID, NodeId, PartitionId, Timestamp } from './common'

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
  /** Started secured (like `kafkadesk cluster --secure`): each listener's bootstrap and the client settings. */
  security: z
    .object({
      user: z.string(),
      /** The local cluster's admin password (kept in the data dir's secrets/, as the CLI prints it). */
      password: z.string(),
      caPath: z.string(),
      listeners: z.array(z.object({ name: z.string(), bootstrap: z.string() })),
      /** Java, librdkafka and kafkajs settings for SASL_SSL, as `kafkadesk cluster --secure` prints them. */
      clientSettings: z.string(),
    })
    .optional(),
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

/**
 * One replica of a partition as its broker's log cleaner sees it. Kafka reports these only as
 * JMX metrics (LogCleanerManager, LogCleaner), so only the embedded cluster has them.
 */
export const CleanerPartition = z.object({
  partition: PartitionId,
  nodeId: NodeId,
  /** This broker leads the partition (each replica cleans its own log, as in Kafka). */
  leader: z.boolean(),
  /** cleanup.policy contains compact. */
  compacted: z.boolean(),
  /** Dirty bytes / (clean + dirty bytes) below the first uncleanable offset (never the active segment). */
  dirtyRatio: z.number().min(0).max(1),
  minCleanableDirtyRatio: z.number(),
  cleanBytes: z.number().int(),
  dirtyBytes: z.number().int(),
  firstDirtyOffset: z.number().int(),
  firstUncleanableOffset: z.number().int(),
  /** The log's offset in the broker's cleaner-offset-checkpoint; null before its first cleaning. */
  checkpointOffset: z.number().int().nullable(),
  /** The last cleaning since the broker process started; null: none yet. */
  lastCleanTime: Timestamp.nullable(),
  lastCleanMs: z.number().nullable(),
  bytesRemoved: z.number().int().nullable(),
  recordsRemoved: z.number().int().nullable(),
})
export type CleanerPartition = z.infer<typeof CleanerPartition>
