// Replica placement at topic creation, as Kafka places replicas without racks
// (AdminUtils.assignReplicasToBrokersRackUnaware): the first replica of partition p goes to
// broker (start + p) mod n, so leaders are spread evenly; followers follow at a shift that
// grows by one every n partitions, so the replicas of one broker are not all on the same peer.

export interface Placement {
  partition: number
  replicas: number[]
}

export function placeReplicas(
  brokerIds: readonly number[],
  partitions: number,
  replicationFactor: number,
  firstPartition = 0,
  startIndex?: number,
  shiftStart?: number,
  random: () => number = Math.random,
): Placement[] {
  const ids = [...brokerIds].sort((a, b) => a - b)
  const n = ids.length
  if (n === 0) throw new RangeError('no brokers to place replicas on')
  if (replicationFactor > n) throw new RangeError(`replication factor ${replicationFactor} is larger than the ${n} available broker(s)`)
  const start = startIndex ?? Math.floor(random() * n)
  let shift = shiftStart ?? Math.floor(random() * n)
  const out: Placement[] = []
  let p = firstPartition
  for (let i = 0; i < partitions; i++, p++) {
    if (p > 0 && p % n === 0) shift++
    const first = (p + start) % n
    const replicas = [ids[first]!]
    for (let j = 0; j < replicationFactor - 1; j++) replicas.push(ids[(first + 1 + ((shift + j) % (n - 1))) % n]!)
    out.push({ partition: p, replicas })
  }
  return out
}
