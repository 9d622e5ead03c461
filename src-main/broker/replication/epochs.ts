// The leader-epoch cache of an open partition log: loaded from its checkpoint, or rebuilt from
// the batches' partitionLeaderEpoch when the log predates the checkpoint, and cut back to the log
// when recovery shortened it.
import { LeaderEpochCache } from '../storage/leader-epoch-cache'
import type { PartitionLog } from '../storage/partition-log'
import { forEachBatch, baseOffset as batchBaseOffset, partitionLeaderEpoch, lastOffset } from '../records/batch'

export function openEpochCache(log: PartitionLog): LeaderEpochCache {
  const existed = LeaderEpochCache.exists(log.dir)
  const cache = LeaderEpochCache.load(log.dir)
  if (!existed && log.logEndOffset > log.logStartOffset) {
    let offset = log.logStartOffset
    while (offset < log.logEndOffset) {
      const read = log.read(offset, 1 << 20)
      if (read.records.length === 0) break
      const before = offset
      for (const chunk of read.records) {
        assignEpochs(cache, chunk)
        forEachBatch(chunk, (pos) => {
          offset = Math.max(offset, lastOffset(chunk, pos) + 1)
        })
      }
      if (offset <= before) break
    }
  }
  cache.truncateFromEnd(log.logEndOffset)
  return cache
}

/** Records the epochs of fetched batches, before they are appended (Kafka assigns them on append). */
export function assignEpochs(cache: LeaderEpochCache, records: Buffer): void {
  forEachBatch(records, (pos) => {
    const e = partitionLeaderEpoch(records, pos)
    if (e >= 0 && e > cache.latestEpoch()) cache.assign(e, batchBaseOffset(records, pos))
  })
}
