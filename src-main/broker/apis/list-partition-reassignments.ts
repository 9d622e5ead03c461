// ListPartitionReassignments (kafka-reassign-partitions --verify, --list): the partitions with
// replicas being added or removed, from the broker's replay of the metadata log.
import { defineApi } from './registry'
import { ErrorCode } from '../errors'

interface Req {
  timeoutMs: number
  topics: { name: string; partitionIndexes: number[] }[] | null
}

export default defineApi({
  key: 46,
  name: 'ListPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  handle(req: Req, ctx) {
    const md = ctx.broker.metadata
    const wanted = req.topics ?? [...md.topics.values()].map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((p) => p.partition) }))
    const topics = []
    for (const w of wanted) {
      const t = md.topics.get(w.name)
      if (!t) continue
      const partitions = w.partitionIndexes
        .map((i) => t.partitions[i])
        .filter((p) => p !== undefined && ((p.addingReplicas?.length ?? 0) > 0 || (p.removingReplicas?.length ?? 0) > 0))
        .map((p) => ({ partitionIndex: p!.partition, replicas: p!.replicas, addingReplicas: p!.addingReplicas ?? [], removingReplicas: p!.removingReplicas ?? [] }))
      if (partitions.length) topics.push({ name: t.name, partitions })
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics }
  },
})
