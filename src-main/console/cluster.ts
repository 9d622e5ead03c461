// Cluster overview: brokers, controller, topic/partition counts, under-replicated and offline
// partitions, per-broker partition and leader counts (as kafka-topics --describe
// --under-replicated-partitions / --unavailable-partitions would list them).
import type { ClusterOverview } from '../ipc/contract'
import type { Session } from './connections'
import { fetchMetadata } from './metadata'

export function isInternalTopic(name: string): boolean {
  return name.startsWith('__')
}

export async function clusterOverview(s: Session): Promise<ClusterOverview> {
  const meta = await fetchMetadata(s, null)
  const d = { brokers: meta.brokers, controller: meta.controllerId, clusterId: meta.clusterId }
  const live = new Set(d.brokers.map((b) => b.nodeId))
  const perBroker = new Map<number, { partitions: number; leaders: number }>(d.brokers.map((b) => [b.nodeId, { partitions: 0, leaders: 0 }]))
  // A stopped broker drops out of Metadata's broker list but stays in the replica lists.
  const down = new Map<number, number>()
  const under: ClusterOverview['underReplicatedPartitions'] = []
  const offline: ClusterOverview['offlinePartitions'] = []
  let partitionCount = 0
  let internal = 0
  for (const t of meta.topics) {
    if (t.internal || isInternalTopic(t.name)) internal++
    for (const p of t.partitions) {
      partitionCount++
      for (const r of p.replicas) {
        const c = perBroker.get(r)
        if (c) c.partitions++
        else down.set(r, (down.get(r) ?? 0) + 1)
      }
      const lc = perBroker.get(p.leader)
      if (lc) lc.leaders++
      if (p.leader < 0 || !live.has(p.leader)) offline.push({ topic: t.name, partition: p.partitionId })
      else if (p.isr.length < p.replicas.length) under.push({ topic: t.name, partition: p.partitionId })
    }
  }
  return {
    clusterId: d.clusterId ?? null,
    controllerId: d.controller ?? null,
    brokers: d.brokers
      .map((b) => ({
        nodeId: b.nodeId,
        host: b.host,
        port: b.port,
        rack: b.rack,
        isController: b.nodeId === d.controller,
        ...perBroker.get(b.nodeId)!,
      }))
      .sort((a, b) => a.nodeId - b.nodeId),
    topicCount: meta.topics.length,
    internalTopicCount: internal,
    partitionCount,
    underReplicatedPartitions: under,
    offlinePartitions: offline,
    downBrokers: [...down.entries()].map(([nodeId, partitions]) => ({ nodeId, partitions })).sort((a, b) => a.nodeId - b.nodeId),
  }
}
