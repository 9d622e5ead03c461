// ElectLeaders (kafka-leader-election --election-type preferred|unclean): forwarded to the
// controller, which elects the first replica when it is live and in sync (preferred), or any
// live replica of a partition without a leader (unclean), bumping the leader epoch.
import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, type ErrorName } from '../errors'

export default defineApi(ApiKey.ElectLeaders, {
  handle(req, ctx) {
    const type = ctx.apiVersion >= 1 ? (req.electionType ?? 0) : 0
    if (type !== 0 && type !== 1) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] }
    }
    const wanted = req.topicPartitions === null ? null : req.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })))
    let results = ctx.broker.metadata.electLeaders(type, wanted)
    // All partitions asked for: as Kafka, report only those an election was tried on.
    if (wanted === null) results = results.filter((r) => r.error !== 'ELECTION_NOT_NEEDED')
    const byTopic = new Map<string, { partitionId: number; errorCode: number; errorMessage: string | null }[]>()
    for (const r of results) {
      const list = byTopic.get(r.topic) ?? []
      list.push({ partitionId: r.partition, errorCode: r.error ? ErrorCode[r.error as ErrorName] : ErrorCode.NONE, errorMessage: r.message })
      byTopic.set(r.topic, list)
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      replicaElectionResults: [...byTopic].map(([topic, partitionResult]) => ({ topic, partitionResult })),
    }
  },
})
