// The leader epochs of a partition log and the offset each began at, persisted as Kafka's
// `leader-epoch-checkpoint` file: a version line (0), a count line, then "epoch startOffset"
// lines. Followers and clients use it to find where their copy diverged from the leader's
// (OffsetForLeaderEpoch, Fetch's lastFetchedEpoch → DivergingEpoch).
import { closeSync, constants, existsSync, ftruncateSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFully } from './file-io'

export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint'
const CHECKPOINT_VERSION = 0

export interface EpochEntry {
  epoch: number
  startOffset: number
}

export interface EpochEndOffset {
  /** -1 when unknown. */
  epoch: number
  /** -1 when unknown. */
  endOffset: number
}

export class LeaderEpochCache {
  private entries: EpochEntry[] = []

  private constructor(private readonly file: string | null) {}

  /** Reads the checkpoint in `dir` (none → empty cache); a malformed file counts as empty. */
  static load(dir: string): LeaderEpochCache {
    const c = new LeaderEpochCache(join(dir, LEADER_EPOCH_CHECKPOINT_FILE))
    c.entries = readCheckpoint(c.file!) ?? []
    return c
  }

  /** A cache that is never written (tests). */
  static inMemory(): LeaderEpochCache {
    return new LeaderEpochCache(null)
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE))
  }

  all(): readonly EpochEntry[] {
    return this.entries
  }

  /** The newest epoch, or -1. */
  latestEpoch(): number {
    return this.entries.at(-1)?.epoch ?? -1
  }

  /**
   * Records that `epoch` starts at `startOffset`. Only a newer epoch is added; entries it
   * contradicts (same or newer epoch, or starting at or after it) are dropped first, as Kafka does.
   */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0) return
    const last = this.entries.at(-1)
    if (last && last.epoch === epoch && last.startOffset <= startOffset) return
    if (last && last.epoch > epoch && last.startOffset <= startOffset) return
    this.entries = this.entries.filter((e) => e.epoch < epoch && e.startOffset < startOffset)
    this.entries.push({ epoch, startOffset })
    this.flush()
  }

  /**
   * Kafka's endOffsetFor: the largest epoch ≤ `requested` and the offset where the next epoch
   * starts (the log end offset for the latest epoch). (-1, -1) when the epoch is newer than
   * any known or the cache is empty.
   */
  endOffsetFor(requested: number, logEndOffset: number): EpochEndOffset {
    if (requested < 0 || this.entries.length === 0) return { epoch: -1, endOffset: -1 }
    const latest = this.entries.at(-1)!
    if (requested === latest.epoch) return { epoch: latest.epoch, endOffset: logEndOffset }
    const higher = this.entries.find((e) => e.epoch > requested)
    if (!higher) return { epoch: -1, endOffset: -1 }
    let floor: EpochEntry | undefined
    for (const e of this.entries) if (e.epoch <= requested) floor = e
    // An epoch older than the first known one ends where the first known one starts.
    return { epoch: floor ? floor.epoch : requested, endOffset: higher.startOffset }
  }

  /**
   * The epoch the record at `offset` was written in (Kafka's epochForOffset): that of the last
   * epoch starting at or before it; -1 when it precedes every known epoch.
   */
  epochForOffset(offset: number): number {
    let found = -1
    for (const e of this.entries) {
      if (e.startOffset > offset) break
      found = e.epoch
    }
    return found
  }

  /** Drops the epochs starting at or after `endOffset` (the log was truncated there). */
  truncateFromEnd(endOffset: number): void {
    const kept = this.entries.filter((e) => e.startOffset < endOffset)
    if (kept.length === this.entries.length) return
    this.entries = kept
    this.flush()
  }

  /** The log now starts at `startOffset`: older epochs go, the one containing it starts there. */
  truncateFromStart(startOffset: number): void {
    let i = 0
    while (i + 1 < this.entries.length && this.entries[i + 1]!.startOffset <= startOffset) i++
    const first = this.entries[i]
    if (i === 0 && (!first || first.startOffset >= startOffset)) return
    this.entries = this.entries.slice(i)
    if (first && first.startOffset < startOffset) this.entries[0] = { epoch: first.epoch, startOffset }
    this.flush()
  }

  clear(): void {
    if (this.entries.length === 0) return
    this.entries = []
    this.flush()
  }

  private flush(): void {
    if (!this.file) return
    const lines = [String(CHECKPOINT_VERSION), String(this.entries.length), ...this.entries.map((e) => `${e.epoch} ${e.startOffset}`)]
    const body = Buffer.from(`${lines.join('\n')}\n`)
    // Rewritten in place, not through a temporary file and a rename: a broker leading 50,000
    // partitions writes 50,000 checkpoints when it starts, and a rename costs ~5x an in-place
    // write. One write from offset 0 is not torn by a process crash, and until the ftruncate an
    // older, longer tail is ignored by readCheckpoint (it reads only the count line's entries).
    // A write the disk refuses (full) must not undo a leadership the controller has already
    // recorded: the cache in memory stays right, and the next flush writes the whole of it again.
    // Until then a restart finds the previous checkpoint, as after a crash before this write.
    try {
      const fd = openSync(this.file, constants.O_RDWR | constants.O_CREAT, 0o600)
      try {
        writeFully(fd, body, 0, this.file)
        ftruncateSync(fd, body.length)
      } finally {
        closeSync(fd)
      }
      this.unwritten = null
    } catch (e) {
      this.unwritten = e as Error
    }
  }

  /** Why the latest entries are not on disk (the last flush failed), or null. */
  unwritten: Error | null = null
}

function readCheckpoint(file: string): EpochEntry[] | null {
  if (!existsSync(file)) return null
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  if (lines[0] !== String(CHECKPOINT_VERSION)) return null
  const n = Number(lines[1])
  if (!Number.isInteger(n) || n < 0 || lines.length - 2 < n) return null
  const out: EpochEntry[] = []
  for (const l of lines.slice(2, 2 + n)) {
    const [e, o] = l.split(/\s+/).map(Number)
    if (!Number.isInteger(e) || !Number.isInteger(o)) return null
    out.push({ epoch: e!, startOffset: o! })
  }
  return out
}
