/**
 * Sparse time index (`.timeindex`): entries of timestamp int64 + relative offset int32.
 * Timestamps strictly increase: an entry (T, o) says the largest timestamp among offsets ≤ o is T.
 */
import { IndexFile } from './index-file.js'
import { readInt64, writeInt64 } from '../records/batch.js'

export interface TimestampOffset {
  timestamp: number
  offset: number
}

export class TimeIndex extends IndexFile {
  constructor(path: string, baseOffset: number) {
    super(path, baseOffset, 12)
  }

  timestampAt(i: number): number {
    return readInt64(this.mem, i * 12)
  }

  offsetAt(i: number): number {
    return this.baseOffset + this.mem.readInt32BE(i * 12 + 8)
  }

  lastEntry(): TimestampOffset | null {
    const n = this.entries
    return n === 0 ? null : { timestamp: this.timestampAt(n - 1), offset: this.offsetAt(n - 1) }
  }

  /** Appends only if the timestamp is larger than the last entry's. */
  maybeAppend(timestamp: number, offset: number): void {
    if (timestamp < 0) return
    const last = this.lastEntry()
    if (last && (timestamp <= last.timestamp || offset < last.offset)) return
    const e = Buffer.alloc(12)
    writeInt64(e, 0, timestamp)
    e.writeInt32BE(offset - this.baseOffset, 8)
    this.appendEntry(e)
  }

  /**
   * An offset from which a scan for the first record with timestamp ≥ target may start: the
   * offset of the last entry whose timestamp is < target (every record up to it is older), else
   * the segment's base offset.
   */
  lookupBefore(target: number): number {
    let lo = 0
    let hi = this.entries - 1
    let ans = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.timestampAt(mid) < target) {
        ans = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return ans < 0 ? this.baseOffset : this.offsetAt(ans)
  }

  truncateTo(offset: number): void {
    let n = this.entries
    while (n > 0 && this.offsetAt(n - 1) >= offset) n--
    this.truncateEntries(n)
  }
}
