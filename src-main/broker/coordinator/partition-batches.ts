// Both coordinators load their state by reading a partition of their internal topic whole, in
// order, when this broker becomes its leader. This is that walk over the batches.
import { readBatchHeader, splitBatches, type BatchHeader } from '../records/batch'
import type { PartitionLog } from '../storage/partition-log'

/**
 * Calls `fn` with each batch of the log from its start to its end, in offset order. A batch `fn`
 * throws on (one it cannot decode) goes to `onError` and the walk goes on with the next one.
 */
export function forEachBatch(log: PartitionLog, fn: (batch: Buffer, header: BatchHeader) => void, onError?: (e: Error) => void): void {
  let offset = log.logStartOffset
  const end = log.logEndOffset
  while (offset < end) {
    const read = log.read(offset, 1 << 20, { minOneBatch: true })
    if (read.records.length === 0) break
    let next = offset
    for (const chunk of read.records) {
      for (const b of splitBatches(chunk).batches) {
        const h = readBatchHeader(b)
        next = Math.max(next, h.lastOffset + 1)
        try {
          fn(b, h)
        } catch (e) {
          onError?.(e as Error)
        }
      }
    }
    // a read that does not move forward would loop for ever
    if (next <= offset) break
    offset = next
  }
}
