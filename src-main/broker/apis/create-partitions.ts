import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'
import { checkClusterPartitions, clusterPartitionCount, partitionLimits, validateReplicaList, EXCESSIVE_PARTITIONS_MESSAGE } from '../controller/topics'
import { initialIsr, type MetadataStore, type PartitionAssignment } from '../controller/metadata'

interface CreatePartitionsTopic {
  name: string
  count: number
  assignments: { brokerIds: number[] }[] | null
}

/** The partitions to add to one topic; throws KafkaError. Builds nothing larger than the checked count. */
function plan(md: MetadataStore, t: CreatePartitionsTopic): PartitionAssignment[] {
  const topic = md.topics.get(t.name)
  if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION')
  const current = topic.partitions.length
  if (t.count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`)
  if (t.count < current)
    throw new KafkaError('INVALID_PARTITIONS', `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`)
  const additional = t.count - current
  const rf = topic.partitions[0]?.replicas.length ?? 1
  if (t.assignments) {
    if (t.assignments.length !== additional) {
      throw new KafkaError(
        'INVALID_REPLICA_ASSIGNMENT',
        `Attempted to add ${additional} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`,
      )
    }
    return t.assignments.map((a, i) => {
      validateReplicaList(md, a.brokerIds, rf)
      return { partition: current + i, leader: a.brokerIds[0]!, leaderEpoch: 0, partitionEpoch: 0, replicas: [...a.brokerIds], isr: initialIsr(a.brokerIds) }
    })
  }
  const live = md.liveBrokerIds().length
  if (rf > live)
    throw new KafkaError(
      'INVALID_REPLICATION_FACTOR',
      `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${live} broker(s) are registered.`,
    )
  return md.assign(additional, rf, current)
}

export default defineApi(ApiKey.CreatePartitions, {
  handle(req, ctx) {
    const { broker } = ctx
    const md = broker.metadata
    const limits = partitionLimits(broker.config)
    const names = [...new Set(req.topics.map((t) => t.name))]

    // The partitions the whole request would add are bounded before anything is built: a count
    // of 2^31-1 is refused at once. (Kafka 4.1's controller overflows its record list here and
    // answers UNKNOWN_SERVER_ERROR; we answer what its CreateTopics answers for the same cap.)
    let total = 0
    for (const t of req.topics) {
      const current = md.topics.get(t.name)?.partitions.length
      if (current !== undefined && t.count > current) total += t.count - current
    }
    if (total > limits.perRequest) {
      return { throttleTimeMs: 0, results: names.map((name) => ({ name, errorCode: ErrorCode.POLICY_VIOLATION, errorMessage: EXCESSIVE_PARTITIONS_MESSAGE })) }
    }

    const counts = new Map<string, number>()
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
    // Validate and place every topic first, then change the metadata: no topic is left half-grown.
    const existing = clusterPartitionCount(md)
    let added = 0
    const outcome = new Map<string, PartitionAssignment[] | KafkaError>()
    for (const t of req.topics) {
      if (outcome.has(t.name)) continue
      try {
        if (counts.get(t.name)! > 1) throw new KafkaError('INVALID_REQUEST', 'Duplicate topic name.')
        const more = plan(md, t)
        checkClusterPartitions(existing + added, more.length, limits)
        added += more.length
        outcome.set(t.name, more)
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e
        outcome.set(t.name, e)
      }
    }
    const results = names.map((name) => {
      const o = outcome.get(name)!
      if (o instanceof KafkaError) return { name, errorCode: o.code, errorMessage: o.errorName === 'UNKNOWN_TOPIC_OR_PARTITION' ? null : o.message }
      if (!req.validateOnly) {
        try {
          md.addPartitions(name, o)
        } catch (e) {
          // the controller refused the write (KAFKA_STORAGE_ERROR on a full disk): this topic only
          if (!(e instanceof KafkaError)) throw e
          return { name, errorCode: e.code, errorMessage: e.message }
        }
        broker.log(`topic ${name} now has ${md.topics.get(name)!.partitions.length} partition(s)`)
      }
      return { name, errorCode: ErrorCode.NONE, errorMessage: null }
    })
    return { throttleTimeMs: 0, results }
  },
})
