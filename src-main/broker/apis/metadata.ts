import { defineApi, type RequestContext } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'
import { createTopic, partitionLimits } from '../controller/topics'
import type { TopicMetadata } from '../controller/metadata'
import { endpointOn } from '../server/listeners'

const NO_OPERATIONS = -2147483648

/** The metadata of one topic as Metadata and DescribeTopicPartitions report it. */
export function topicEntry(t: TopicMetadata, liveBrokers: Set<number>) {
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: Buffer.from(t.topicId, 'base64'),
    isInternal: t.internal,
    partitions: t.partitions.map((p) => {
      const online = liveBrokers.has(p.leader)
      return {
        errorCode: online ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
        partitionIndex: p.partition,
        leaderId: online ? p.leader : -1,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: p.replicas,
        isrNodes: p.isr.filter((b) => liveBrokers.has(b)),
        offlineReplicas: p.replicas.filter((b) => !liveBrokers.has(b)),
      }
    }),
    topicAuthorizedOperations: NO_OPERATIONS,
  }
}

/**
 * Creates a topic a client asked for by name, as auto.create.topics.enable allows. Kafka's broker
 * sends such a creation to its controller as a CreateTopics, so the same partition limits hold
 * (max.partitions.per.request, max.partitions): a Metadata request must not be a way around them.
 */
export function autoCreate(ctx: RequestContext, name: string): TopicMetadata {
  const b = ctx.broker
  return createTopic(
    b.metadata,
    { name, numPartitions: -1, replicationFactor: -1, configs: {} },
    {
      numPartitions: b.config.int('num.partitions'),
      replicationFactor: Math.min(b.config.int('default.replication.factor'), b.metadata.liveBrokerIds().length),
    },
    false,
    partitionLimits(b.config),
  ) as TopicMetadata
}

export default defineApi(ApiKey.Metadata, {
  maxVersion: 12,
  handle(req, ctx) {
    const { broker } = ctx
    const md = broker.metadata
    const live = new Set(md.liveBrokerIds())
    // v0: an empty list means every topic; v1+: null means every topic.
    const all = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0)
    const allowAuto = (ctx.apiVersion < 4 || req.allowAutoTopicCreation) && broker.config.bool('auto.create.topics.enable')
    const topics = []
    if (all) {
      for (const t of md.topics.values()) topics.push(topicEntry(t, live))
    } else {
      for (const rt of req.topics as { name: string | null; topicId: Buffer }[]) {
        let t = rt.name !== null ? md.topics.get(rt.name) : md.topicById(rt.topicId.toString('base64'))
        let errorCode: number = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        if (!t && rt.name !== null && allowAuto) {
          try {
            t = autoCreate(ctx, rt.name)
            broker.log(`auto-created topic ${rt.name}`)
          } catch (e) {
            if (!(e instanceof KafkaError)) throw e
            errorCode = e.code
          }
        } else if (!t && rt.name === null) errorCode = ErrorCode.UNKNOWN_TOPIC_ID
        if (t) topics.push(topicEntry(t, live))
        else topics.push({ errorCode, name: rt.name, topicId: rt.topicId, isInternal: false, partitions: [], topicAuthorizedOperations: NO_OPERATIONS })
      }
    }
    return {
      throttleTimeMs: 0,
      // Each listener's clients see every broker's address on that same listener.
      brokers: [...md.brokers.values()].flatMap((b) => {
        const ep = endpointOn(b, ctx.security?.listenerName)
        return ep ? [{ nodeId: b.nodeId, host: ep.host, port: ep.port, rack: b.rack }] : []
      }),
      clusterId: md.clusterId,
      controllerId: md.controllerId,
      topics,
      clusterAuthorizedOperations: NO_OPERATIONS,
    }
  },
})
