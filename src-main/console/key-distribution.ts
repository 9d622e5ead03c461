// Key distribution of a topic: messages per partition, top keys, distinct keys, and a skew
// score that flags hot partitions and keys — Kafka's partitioning advice made visible: records
// with the same key go to the same partition (murmur2(key) % partitions), so a few heavy keys or
// fewer distinct keys than partitions leave partitions (and the consumers owning them) hot.
//
// Thresholds (documented here and in the UI):
// - partitionSkew = max / mean of per-partition message counts (log end − log start).
//   A partition is hot when it holds ≥ 1.5 × the mean (only with ≥ 2 partitions).
// - topKeyShare = share of the sampled keyed records taken by the most frequent key.
//   A key is hot when its share is ≥ 1 / partitions and ≥ 5 % (it alone fills more than one
//   partition's fair share).
// - level: 'hot' when partitionSkew ≥ 3 or topKeyShare ≥ 0.5; 'warning' when partitionSkew ≥
//   1.5, topKeyShare ≥ 0.2, or there are fewer distinct keys than partitions; else 'ok'.
// - score in [0, 1] = max((partitionSkew − 1) / (partitions − 1), topKeyShare): 0 when even,
//   1 when everything is on one partition or one key.
// Keys are sampled from the end of each partition (the most recent records); the distinct-key
// count is exact within the sample, and marked as an estimate because the sample may not cover
// the whole log.
import type { KeyDistribution, RequestOf } from '../ipc/contract'
import type { Session } from './connections'
import { Fetcher } from './fetcher'
import { partitionOffsets } from './topics'

export const HOT_PARTITION_FACTOR = 1.5
export const HOT_KEY_MIN_SHARE = 0.05

export async function keyDistribution(s: Session, req: RequestOf<'keys.distribution'>): Promise<KeyDistribution> {
  const offsets = await partitionOffsets(s, req.topic)
  const parts = [...offsets.keys()].sort((a, b) => a - b)
  const fetcher = new Fetcher(s, req.topic)
  const keys = new Map<string, { count: number; partitions: Set<number> }>()
  const perPartition: KeyDistribution['partitions'] = []
  let scanned = 0
  let nullKeys = 0
  for (const p of parts) {
    const { low, high } = offsets.get(p)!
    const start = Math.max(low, high - req.samplePerPartition)
    let offset = start
    let sampled = 0
    let nulls = 0
    const distinct = new Set<string>()
    while (offset < high) {
      const r = await fetcher.readRange(p, offset, high, Math.min(50_000, high - offset))
      if (!r.records.length) break
      for (const rec of r.records) {
        sampled++
        if (rec.key === null) {
          nulls++
          continue
        }
        const k = rec.key.toString('base64')
        distinct.add(k)
        let e = keys.get(k)
        if (!e) keys.set(k, (e = { count: 0, partitions: new Set() }))
        e.count++
        e.partitions.add(p)
      }
      offset = r.next
    }
    scanned += sampled
    nullKeys += nulls
    perPartition.push({ partition: p, messages: Math.max(0, high - low), sampled, distinctKeys: distinct.size, nullKeys: nulls, hot: false })
  }

  const n = parts.length
  const counts = perPartition.map((p) => p.messages)
  const total = counts.reduce((a, b) => a + b, 0)
  const mean = n ? total / n : 0
  const max = counts.length ? Math.max(...counts) : 0
  const partitionSkew = mean > 0 ? max / mean : 1
  const hotPartitions: number[] = []
  if (n >= 2 && mean > 0)
    for (const p of perPartition)
      if (p.messages >= HOT_PARTITION_FACTOR * mean) {
        p.hot = true
        hotPartitions.push(p.partition)
      }

  const keyed = scanned - nullKeys
  const sorted = [...keys.entries()].sort((a, b) => b[1].count - a[1].count)
  const display = (b64: string) => {
    const b = Buffer.from(b64, 'base64')
    const t = b.toString('utf8')
    return t.includes('\uFFFD') || /[\u0000-\u0008\u000E-\u001F]/.test(t) ? `0x${b.toString('hex')}` : t
  }
  const hotShare = Math.max(HOT_KEY_MIN_SHARE, n ? 1 / n : 1)
  const topKeys = sorted.slice(0, req.topN).map(([k, v]) => {
    const share = keyed ? v.count / keyed : 0
    return { key: display(k), count: v.count, share, partitions: [...v.partitions].sort((a, b) => a - b), hot: n >= 2 && share >= hotShare }
  })
  const hotKeys = topKeys.filter((k) => k.hot).map((k) => k.key)
  const topKeyShare = topKeys[0]?.share ?? 0
  const score = Math.min(1, Math.max(n > 1 ? (partitionSkew - 1) / (n - 1) : 0, n > 1 ? topKeyShare : 0))
  const fewKeys = keys.size > 0 && keys.size < n
  const level: KeyDistribution['skew']['level'] =
    partitionSkew >= 3 || (n > 1 && topKeyShare >= 0.5)
      ? 'hot'
      : partitionSkew >= HOT_PARTITION_FACTOR || (n > 1 && topKeyShare >= 0.2) || fewKeys
        ? 'warning'
        : 'ok'

  const advice: string[] = []
  if (hotPartitions.length)
    advice.push(
      `Partition${hotPartitions.length > 1 ? 's' : ''} ${hotPartitions.join(', ')} hold ≥ ${HOT_PARTITION_FACTOR}× the average: the consumers that own them will lag first.`,
    )
  if (hotKeys.length)
    advice.push(
      `Key${hotKeys.length > 1 ? 's' : ''} ${hotKeys
        .slice(0, 5)
        .map((k) => JSON.stringify(k))
        .join(
          ', ',
        )} alone exceed a partition's fair share; records with the same key always go to the same partition. Consider a more specific key (e.g. add a sub-key) if per-key ordering allows.`,
    )
  if (fewKeys) advice.push(`Only ${keys.size} distinct key(s) for ${n} partitions: some partitions can never receive keyed data.`)
  if (keyed === 0 && scanned > 0)
    advice.push('No records have keys: producers spread them across partitions (sticky/round-robin) and there is no per-key ordering.')
  if (!advice.length && scanned > 0) advice.push('Keys and partitions are evenly used.')

  return {
    topic: req.topic,
    scanned,
    partitions: perPartition,
    topKeys,
    distinctKeyEstimate: keys.size,
    nullKeys,
    skew: { partitionSkew, topKeyShare, score, level },
    hotPartitions,
    hotKeys,
    advice,
  }
}
