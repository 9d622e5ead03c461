// ListPartitionReassignments (kafka-reassign-partitions --verify, --list): the partitions with
// replicas being added or removed, from the broker's replay of the metadata log.
import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

export default defineApi(ApiKey.ListPartitionReassignments, {
  handle(req, ctx) {
    const md = ctx.broker.metadata
    const wanted = req.topics ?? [...md.topics.values()].map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((p) => p.partition) }))
    const topics = []
    for (const w of wanted) {
      const t = md.topics.get(w.name)
      if (!t) continue
      const partitions = w.partitionIndexes
        .map((i) => t.partitions[i])
        .filter((p) => p !== undefined && ((p.addingReplicas?.length ?? 0) > 0 || (p.removingReplicas?.length ?? 0) > 0))
        .map((p) => ({
          partitionIndex: p!.partition,
          replicas: p!.replicas,
          addingReplicas: p!.addingReplicas ?? [],
          removingReplicas: p!.removingReplicas ?? [],
        }))
      if (partitions.length) topics.push({ name: t.name, partitions })
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics }
  },
})
