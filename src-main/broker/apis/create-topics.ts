import { randomBytes } from 'node:crypto'
import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'
import { ConfigSource } from '../config'
import type { PartitionAssignment } from '../controller/metadata'
import {
  createTopic,
  checkClusterPartitions,
  clusterPartitionCount,
  partitionLimits,
  requestedPartitions,
  EXCESSIVE_PARTITIONS_MESSAGE,
} from '../controller/topics'

interface Planned {
  name: string
  partitions: PartitionAssignment[]
  configs: Record<string, string>
}

export default defineApi(ApiKey.CreateTopics, {
  handle(req, ctx) {
    const { broker } = ctx
    const md = broker.metadata
    const validateOnly = ctx.apiVersion >= 1 && !!req.validateOnly
    const defaults = { numPartitions: broker.config.int('num.partitions'), replicationFactor: broker.config.int('default.replication.factor') }
    const limits = partitionLimits(broker.config)
    const failed = (name: string, code: number, message: string | null) => ({
      name,
      topicId: undefined,
      errorCode: code,
      errorMessage: message,
      numPartitions: -1,
      replicationFactor: -1,
      configs: [],
    })
    const names = [...new Set(req.topics.map((t) => t.name))]

    // As Kafka's controller does, a request adding too many partitions in total fails as a whole,
    // before any topic is looked at (so a count of 2^31-1 costs nothing).
    let total = 0
    for (const t of req.topics) total += requestedPartitions(t, defaults.numPartitions)
    if (total > limits.perRequest) {
      return { throttleTimeMs: 0, topics: names.map((n) => failed(n, ErrorCode.POLICY_VIOLATION, EXCESSIVE_PARTITIONS_MESSAGE)) }
    }

    const counts = new Map<string, number>()
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
    // Every topic is validated and placed first; the metadata changes only after that, so a
    // request never leaves a half-made topic behind.
    const existing = clusterPartitionCount(md)
    let added = 0
    const collisions = new Set<string>()
    const outcome = new Map<string, Planned | { code: number; message: string | null }>()
    for (const t of req.topics) {
      if (outcome.has(t.name)) continue
      if (counts.get(t.name)! > 1) {
        outcome.set(t.name, { code: ErrorCode.INVALID_REQUEST, message: 'Duplicate topic name.' })
        continue
      }
      try {
        const configs: Record<string, string> = {}
        for (const c of t.configs) {
          if (c.value === null) throw new KafkaError('INVALID_CONFIG', `Null value not supported for topic configs: ${c.name}`)
          configs[c.name] = c.value
        }
        const plan = createTopic(
          md,
          { name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, assignments: t.assignments, configs },
          defaults,
          true,
          limits,
        )
        // Topics of this same request must not collide with each other either ('.' vs '_').
        const collide = t.name.replace(/\./g, '_')
        if (collisions.has(collide)) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic '${t.name}' collides with another topic of this request.`)
        checkClusterPartitions(existing + added, plan.partitions.length, limits)
        collisions.add(collide)
        added += plan.partitions.length
        outcome.set(t.name, plan)
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e
        outcome.set(t.name, { code: e.code, message: e.message })
      }
    }

    const topics = names.map((name) => {
      const o = outcome.get(name)!
      if (!('partitions' in o)) return failed(name, o.code, o.message)
      let topicId: Buffer = randomBytes(16)
      if (!validateOnly) {
        let created
        try {
          created = md.createTopic(name, o.partitions, o.configs)
        } catch (e) {
          // the controller refused the write (KAFKA_STORAGE_ERROR on a full disk): this topic only
          if (!(e instanceof KafkaError)) throw e
          return failed(name, e.code, e.message)
        }
        topicId = Buffer.from(created.topicId, 'base64')
        broker.log(`created topic ${name} with ${o.partitions.length} partition(s)`)
      }
      return {
        name,
        topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        numPartitions: o.partitions.length,
        replicationFactor: o.partitions[0]?.replicas.length ?? -1,
        configs: broker.config.topicConfigs(o.configs, broker.nodeId).map((r) => ({
          name: r.name,
          value: r.def.sensitive ? null : r.value,
          readOnly: !!r.def.readOnly,
          configSource: ConfigSource[r.source],
          isSensitive: !!r.def.sensitive,
        })),
      }
    })
    return { throttleTimeMs: 0, topics }
  },
})
