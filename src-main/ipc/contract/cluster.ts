/** The cluster as a whole: overview, brokers that did not answer, and log dirs per broker. */
import { z } from 'zod'
import { NodeId, PartitionId } from './common'

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

/** A broker that did not answer part of a request: the rest of the answer is still given. */
export const BrokerUnavailable = z.object({ nodeId: z.number().int(), address: z.string(), reason: z.string() })
export type BrokerUnavailable = z.infer<typeof BrokerUnavailable>

export const LogDirPartition = z.object({
  topic: z.string(),
  partition: PartitionId,
  sizeBytes: z.number().int(),
  offsetLag: z.number().int(),
  future: z.boolean(),
})

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
