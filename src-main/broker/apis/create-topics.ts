import { randomBytes } from 'node:crypto'
import { defineApi } from './registry'
import { ErrorCode, KafkaError } from '../errors'
import { ConfigSource } from '../config'
import { createTopic } from '../controller/topics'

interface CreatableTopic {
  name: string
  numPartitions: number
  replicationFactor: number
  assignments: { partitionIndex: number; brokerIds: number[] }[]
  configs: { name: string; value: string | null }[]
}

export default defineApi({
  key: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  handle(req: { topics: CreatableTopic[]; validateOnly?: boolean }, ctx) {
    const { broker } = ctx
    const md = broker.metadata
    const validateOnly = ctx.apiVersion >= 1 && !!req.validateOnly
    const counts = new Map<string, number>()
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
    const seen = new Set<string>()
    const topics = []
    for (const t of req.topics) {
      if (seen.has(t.name)) continue
      seen.add(t.name)
      const failed = (code: number, message: string | null) => ({ name: t.name, topicId: undefined, errorCode: code, errorMessage: message, numPartitions: -1, replicationFactor: -1, configs: [] })
      if (counts.get(t.name)! > 1) {
        topics.push(failed(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'))
        continue
      }
      try {
        const configs: Record<string, string> = {}
        for (const c of t.configs) {
          if (c.value === null) throw new KafkaError('INVALID_CONFIG', `Null value not supported for topic configs: ${c.name}`)
          configs[c.name] = c.value
        }
        const created = createTopic(
          md,
          { name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, assignments: t.assignments, configs },
          { numPartitions: broker.config.int('num.partitions'), replicationFactor: broker.config.int('default.replication.factor') },
          validateOnly,
        )
        if (!validateOnly) broker.log(`created topic ${t.name} with ${created.partitions.length} partition(s)`)
        const topicId = 'topicId' in created ? Buffer.from(created.topicId, 'base64') : randomBytes(16)
        topics.push({
          name: t.name,
          topicId,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: created.partitions.length,
          replicationFactor: created.partitions[0]?.replicas.length ?? -1,
          configs: broker.config.topicConfigs(configs, broker.nodeId).map((r) => ({
            name: r.name,
            value: r.def.sensitive ? null : r.value,
            readOnly: !!r.def.readOnly,
            configSource: ConfigSource[r.source],
            isSensitive: !!r.def.sensitive,
          })),
        })
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e
        topics.push(failed(e.code, e.message))
      }
    }
    return { throttleTimeMs: 0, topics }
  },
})
