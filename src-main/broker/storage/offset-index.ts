/**
 * Sparse offset index (`.index`): entries of relative offset int32 + file position int32, one
 * every `index.interval.bytes` of log. The offset of an entry is the last offset of the batch
 * starting at that position (as Kafka writes it).
 */
import { IndexFile } from './index-file.js'

export interface OffsetPosition {
  offset: number
  position: number
}

export class OffsetIndex extends IndexFile {
  constructor(path: string, baseOffset: number) {
    super(path, baseOffset, 8)
  }

  offsetAt(i: number): number {
    return this.baseOffset + this.mem.readInt32BE(i * 8)
  }

  positionAt(i: number): number {
    return this.mem.readInt32BE(i * 8 + 4)
  }

  lastEntry(): OffsetPosition | null {
    const n = this.entries
    return n === 0 ? null : { offset: this.offsetAt(n - 1), position: this.positionAt(n - 1) }
  }

  append(offset: number, position: number): void {
    const last = this.lastEntry()
    if (last && offset <= last.offset) return
    const e = Buffer.alloc(8)
    e.writeInt32BE(offset - this.baseOffset, 0)
    e.writeInt32BE(position, 4)
    this.appendEntry(e)
  }

  /** The entry with the largest offset ≤ target, or {baseOffset, 0}. */
  lookup(target: number): OffsetPosition {
    const i = this.floor(target)
    return i < 0 ? { offset: this.baseOffset, position: 0 } : { offset: this.offsetAt(i), position: this.positionAt(i) }
  }

  private floor(target: number): number {
    let lo = 0
    let hi = this.entries - 1
    let ans = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.offsetAt(mid) <= target) {
        ans = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return ans
  }

  /** Drops entries whose offset ≥ `offset` or whose position ≥ `position`. */
  truncateTo(offset: number, position = Infinity): void {
    let n = this.entries
    while (n > 0 && (this.offsetAt(n - 1) >= offset || this.positionAt(n - 1) >= position)) n--
    this.truncateEntries(n)
  }
}
