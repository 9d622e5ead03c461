import { defineApi } from './registry'
import { ErrorCode, KafkaError } from '../errors'
import { validateReplicaList } from '../controller/topics'
import type { PartitionAssignment } from '../controller/metadata'

interface CreatePartitionsTopic {
  name: string
  count: number
  assignments: { brokerIds: number[] }[] | null
}

export default defineApi({
  key: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  handle(req: { topics: CreatePartitionsTopic[]; validateOnly: boolean }, ctx) {
    const { broker } = ctx
    const md = broker.metadata
    const counts = new Map<string, number>()
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
    const seen = new Set<string>()
    const results = []
    for (const t of req.topics) {
      if (seen.has(t.name)) continue
      seen.add(t.name)
      try {
        if (counts.get(t.name)! > 1) throw new KafkaError('INVALID_REQUEST', 'Duplicate topic name.')
        const topic = md.topics.get(t.name)
        if (!topic) {
          results.push({ name: t.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null })
          continue
        }
        const current = topic.partitions.length
        if (t.count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`)
        if (t.count < current) throw new KafkaError('INVALID_PARTITIONS', `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`)
        const additional = t.count - current
        const rf = topic.partitions[0]?.replicas.length ?? 1
        let added: PartitionAssignment[]
        if (t.assignments) {
          if (t.assignments.length !== additional) {
            throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Attempted to add ${additional} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`)
          }
          added = t.assignments.map((a, i) => {
            validateReplicaList(md, a.brokerIds, rf)
            return { partition: current + i, leader: a.brokerIds[0], leaderEpoch: 0, partitionEpoch: 0, replicas: [...a.brokerIds], isr: [...a.brokerIds] }
          })
        } else {
          const live = md.liveBrokerIds().length
          if (rf > live) throw new KafkaError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${live} broker(s) are registered.`)
          added = md.assign(additional, rf, current)
        }
        if (!req.validateOnly) {
          md.addPartitions(t.name, added)
          broker.log(`topic ${t.name} now has ${t.count} partition(s)`)
        }
        results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null })
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e
        results.push({ name: t.name, errorCode: e.code, errorMessage: e.message })
      }
    }
    return { throttleTimeMs: 0, results }
  },
})
