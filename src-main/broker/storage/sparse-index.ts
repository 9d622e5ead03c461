// How a segment's sparse indexes grow as batches are written, shared by the segment's own
// appends and the cleaner's writer of a cleaned segment (so a cleaned segment opens from indexes
// laid out exactly as an appended one's): an offset index entry and a time index entry once more
// than index.interval.bytes were written since the last entry, the time index keyed by the
// largest timestamp so far and the offset of the batch that carried it.
import type { OffsetIndex } from './offset-index.js'
import type { TimeIndex } from './time-index.js'

/** What a writer of a segment keeps to place its index entries. */
export interface SparseIndexState {
  readonly offsetIndex: OffsetIndex
  readonly timeIndex: TimeIndex
  readonly indexIntervalBytes: number
  /** Largest batch maxTimestamp so far (-1 if none) and the last offset of that batch. */
  maxTimestamp: number
  offsetOfMaxTimestamp: number
  bytesSinceLastIndexEntry: number
}

/** Accounts for one batch of `size` bytes written at `position`, adding index entries when due. */
export function indexBatch(s: SparseIndexState, position: number, size: number, lastOffset: number, maxTimestamp: number): void {
  if (maxTimestamp > s.maxTimestamp) {
    s.maxTimestamp = maxTimestamp
    s.offsetOfMaxTimestamp = lastOffset
  }
  if (s.bytesSinceLastIndexEntry > s.indexIntervalBytes) {
    s.offsetIndex.append(lastOffset, position)
    s.timeIndex.maybeAppend(s.maxTimestamp, s.offsetOfMaxTimestamp)
    s.bytesSinceLastIndexEntry = 0
  }
  s.bytesSinceLastIndexEntry += size
}
