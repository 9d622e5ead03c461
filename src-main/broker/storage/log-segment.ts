/**
 * One log segment: `<base>.log` (batches exactly as stored) plus its sparse `.index` and
 * `.timeindex`. Writes are synchronous positional writes (the page cache keeps them across a
 * process kill); reads are positional reads. The fds come from the process's bounded pool
 * (file-handles.ts): a segment holds no fd while idle.
 *
 * An append is all or nothing. The bytes are written in a loop until all are written; if a
 * write fails (ENOSPC, EIO…) the file is cut back to its size before the append, the indexes
 * lose the entries the append added and every in-memory field is restored, then a StorageError
 * is thrown. Only then may the caller acknowledge, so nothing acknowledged can be torn on disk.
 */
import { existsSync, rmSync, statSync, readSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import {
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  LOG_OVERHEAD,
  baseOffset as batchBaseOffset,
  lastOffsetDelta,
  maxTimestamp as batchMaxTimestamp,
  validateBatchHeader,
} from '../records/batch.js'
import { fileHandles, type PooledFile } from './file-handles.js'
import { fileIo, writeFully } from './file-io.js'
import { OffsetIndex } from './offset-index.js'
import { indexBatch } from './sparse-index.js'
import { toStorageError } from './storage-error.js'
import { TimeIndex } from './time-index.js'

export function segmentFileName(baseOffset: number, ext: string): string {
  return `${String(baseOffset).padStart(20, '0')}${ext}`
}

/** A batch found by scanning: `buf[off…]` holds its header (or all of it when scanned `full`). */
export interface ScannedBatch {
  buf: Buffer
  off: number
  position: number
  size: number
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
}

/**
 * Points a reused ScannedBatch at the batch of `size` bytes at `chunk[off…]`, found at file
 * position `position` (the segment scan and the cleaner's async scan both reuse one view).
 */
export function viewBatch(view: ScannedBatch, chunk: Buffer, off: number, position: number, size: number): ScannedBatch {
  view.buf = chunk
  view.off = off
  view.position = position
  view.size = size
  view.baseOffset = batchBaseOffset(chunk, off)
  view.lastOffset = view.baseOffset + lastOffsetDelta(chunk, off)
  view.maxTimestamp = batchMaxTimestamp(chunk, off)
  return view
}

export interface ScanResult {
  /** Position after the last batch visited. */
  end: number
  /** Why the scan stopped. */
  stop: 'eof' | 'partial' | 'corrupt' | 'callback'
}

const CHUNK = 256 * 1024
/** How many of the latest batches a segment remembers the position of (see `recent`). */
const RECENT_BATCHES = 32

/** What an append changes, kept to put back when it fails. */
interface AppendMark {
  size: number
  nextOffset: number
  maxTimestamp: number
  offsetOfMaxTimestamp: number
  firstBatchTimestamp: number
  bytesSinceLastIndexEntry: number
  indexEntries: number
  timeIndexEntries: number
}

export class LogSegment {
  readonly logPath: string
  readonly offsetIndex: OffsetIndex
  readonly timeIndex: TimeIndex
  size = 0
  /** Offset after the last batch in this segment (baseOffset when empty). */
  nextOffset: number
  /** Largest batch maxTimestamp in the segment (-1 if none) and an offset inside that batch. */
  maxTimestamp = -1
  offsetOfMaxTimestamp = -1
  /** maxTimestamp of the first batch (segment.ms rolling), -1 if none. */
  firstBatchTimestamp = -1
  readonly created: number
  /** Bytes written since the last index entry (see sparse-index.ts). */
  bytesSinceLastIndexEntry = 0
  private readonly file: PooledFile
  /** The file may hold bytes past `size` (a failed append could not be cut back). */
  private tailDirty = false
  /** Written since the last fsync. */
  private unsynced = false
  /**
   * Where the latest appended batches start. Followers and tailing consumers fetch from the
   * end of the log, i.e. from one of these, so findBatch answers them without reading the file.
   */
  private recent: Array<{ position: number; size: number; baseOffset: number; lastOffset: number }> = []

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly indexIntervalBytes: number,
    now: number,
    create: boolean,
  ) {
    this.logPath = join(dir, segmentFileName(baseOffset, '.log'))
    this.offsetIndex = new OffsetIndex(join(dir, segmentFileName(baseOffset, '.index')), baseOffset)
    this.timeIndex = new TimeIndex(join(dir, segmentFileName(baseOffset, '.timeindex')), baseOffset)
    this.nextOffset = baseOffset
    this.created = now
    this.file = fileHandles.file(this.logPath, { truncate: create })
  }

  /** Creates a new empty segment (fresh files). */
  static create(dir: string, baseOffset: number, indexIntervalBytes: number, now = Date.now()): LogSegment {
    const s = new LogSegment(dir, baseOffset, indexIntervalBytes, now, true)
    try {
      s.file.fd()
      s.offsetIndex.reset()
      s.timeIndex.reset()
    } catch (e) {
      throw toStorageError(e, s.logPath, 'create')
    }
    return s
  }

  /**
   * Opens an existing segment. With `recover` the whole log file is scanned (CRC checked), a
   * corrupt or torn tail is truncated and the indexes rebuilt. Otherwise the indexes are trusted
   * when sound and only the bytes after the last index entry are scanned; anything wrong there
   * falls back to recovery. Returns the segment and the number of bytes truncated.
   */
  static open(
    dir: string,
    baseOffset: number,
    indexIntervalBytes: number,
    recover: boolean,
    now = Date.now(),
  ): { segment: LogSegment; truncatedBytes: number } {
    const s = new LogSegment(dir, baseOffset, indexIntervalBytes, now, false)
    s.size = statSync(s.logPath).size
    if (!recover && s.loadFromIndexes()) return { segment: s, truncatedBytes: 0 }
    return { segment: s, truncatedBytes: s.recover() }
  }

  private loadFromIndexes(): boolean {
    if (!this.offsetIndex.fileLooksValid() || !this.timeIndex.fileLooksValid()) return false
    const lastIdx = this.offsetIndex.lastEntry()
    if (lastIdx && lastIdx.position >= this.size) return false
    const lastTime = this.timeIndex.lastEntry()
    if (lastTime) {
      this.maxTimestamp = lastTime.timestamp
      this.offsetOfMaxTimestamp = lastTime.offset
    }
    if (lastIdx) this.nextOffset = lastIdx.offset + 1
    const start = lastIdx ? lastIdx.position : 0
    const res = this.scan(start, { verify: true }, (b) => {
      this.nextOffset = b.lastOffset + 1
      if (b.maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = b.maxTimestamp
        this.offsetOfMaxTimestamp = b.lastOffset
      }
    })
    if (res.stop !== 'eof') return false
    this.bytesSinceLastIndexEntry = this.size - start
    this.readFirstBatchTimestamp()
    // the in-memory index of an inactive segment is loaded again on demand
    this.offsetIndex.unload()
    this.timeIndex.unload()
    return true
  }

  private readFirstBatchTimestamp(): void {
    if (this.size < BATCH_HEADER_SIZE) return
    const h = this.read(0, BATCH_HEADER_SIZE)
    this.firstBatchTimestamp = batchMaxTimestamp(h, 0)
  }

  /** Full scan with CRC checks; truncates after the last valid batch and rebuilds the indexes. */
  recover(): number {
    this.offsetIndex.reset()
    this.timeIndex.reset()
    this.nextOffset = this.baseOffset
    this.maxTimestamp = -1
    this.offsetOfMaxTimestamp = -1
    this.bytesSinceLastIndexEntry = 0
    const res = this.scan(0, { verify: true }, (b) => {
      if (b.baseOffset < this.nextOffset) return false // offsets must increase
      indexBatch(this, b.position, b.size, b.lastOffset, b.maxTimestamp)
      this.nextOffset = b.lastOffset + 1
    })
    const truncated = this.size - res.end
    if (truncated > 0) {
      fileIo().truncate(this.requireFd(), res.end)
      this.size = res.end
    }
    this.readFirstBatchTimestamp()
    return truncated
  }

  /** Appends one batch whose offsets are already set; throws a StorageError (having changed nothing) when it cannot be written whole. */
  append(batch: Buffer, lastOffset: number, maxTs: number): void {
    this.appendMany(batch, [{ off: 0, size: batch.length, lastOffset, maxTimestamp: maxTs }])
  }

  /** Appends several consecutive batches (already validated) in one write, all or nothing. */
  appendMany(bytes: Buffer, batches: Array<{ off: number; size: number; lastOffset: number; maxTimestamp: number }>): void {
    const mark = this.mark()
    const position = this.size
    try {
      if (this.tailDirty) {
        fileIo().truncate(this.requireFd(), this.size)
        this.tailDirty = false
      }
      writeFully(this.requireFd(), bytes, position, this.logPath)
      this.unsynced = true
      this.size += bytes.length
      for (const b of batches) {
        if (position + b.off === 0) this.firstBatchTimestamp = b.maxTimestamp
        indexBatch(this, position + b.off, b.size, b.lastOffset, b.maxTimestamp)
        this.nextOffset = b.lastOffset + 1
        if (this.recent.length === RECENT_BATCHES) this.recent.shift()
        this.recent.push({ position: position + b.off, size: b.size, baseOffset: batchBaseOffset(bytes, b.off), lastOffset: b.lastOffset })
      }
    } catch (e) {
      this.rollback(mark)
      throw toStorageError(e, this.logPath, 'append')
    }
  }

  private mark(): AppendMark {
    return {
      size: this.size,
      nextOffset: this.nextOffset,
      maxTimestamp: this.maxTimestamp,
      offsetOfMaxTimestamp: this.offsetOfMaxTimestamp,
      firstBatchTimestamp: this.firstBatchTimestamp,
      bytesSinceLastIndexEntry: this.bytesSinceLastIndexEntry,
      indexEntries: this.offsetIndex.entries,
      timeIndexEntries: this.timeIndex.entries,
    }
  }

  /** Puts the segment back as `m` recorded it; never throws (a file that cannot be cut stays dirty). */
  private rollback(m: AppendMark): void {
    this.recent = []
    this.size = m.size
    this.nextOffset = m.nextOffset
    this.maxTimestamp = m.maxTimestamp
    this.offsetOfMaxTimestamp = m.offsetOfMaxTimestamp
    this.firstBatchTimestamp = m.firstBatchTimestamp
    this.bytesSinceLastIndexEntry = m.bytesSinceLastIndexEntry
    this.offsetIndex.rollbackTo(m.indexEntries)
    this.timeIndex.rollbackTo(m.timeIndexEntries)
    try {
      fileIo().truncate(this.requireFd(), m.size)
      this.tailDirty = false
    } catch {
      this.tailDirty = true
    }
  }

  /** True when a failed write left bytes that could not be removed: the log must be recovered on its next open. */
  get needsRecovery(): boolean {
    return this.tailDirty || this.offsetIndex.dirty || this.timeIndex.dirty
  }

  /** Newest record time for retention: maxTimestamp, or the file's mtime when there is none. */
  largestTimestamp(): number {
    if (this.maxTimestamp >= 0) return this.maxTimestamp
    return statSync(this.logPath).mtimeMs
  }

  /** The time index's closing entry, written when the segment stops being active. */
  onBecomeInactive(): void {
    this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
  }

  /** Writes the index entries still only in memory (index-file.ts); throws a StorageError when it cannot. */
  writeIndexes(): void {
    this.offsetIndex.writePending()
    this.timeIndex.writePending()
  }

  read(position: number, length: number): Buffer {
    const len = Math.max(0, Math.min(length, this.size - position))
    const buf = Buffer.allocUnsafe(len)
    let done = 0
    while (done < len) {
      const n = readSync(this.requireFd(), buf, done, len - done, position + done)
      if (n === 0) break
      done += n
    }
    return done === len ? buf : buf.subarray(0, done)
  }

  /**
   * Visits the batches from `from` on. Only each header is guaranteed in `buf` unless `full` or
   * `verify` (CRC check) is set. Stops at the end, at a torn/corrupt batch, or when fn returns false.
   */
  scan(from: number, opts: { full?: boolean; verify?: boolean; chunkSize?: number }, fn: (b: ScannedBatch) => boolean | void): ScanResult {
    const needWhole = opts.full || opts.verify
    const chunkSize = opts.chunkSize ?? CHUNK
    let chunk: Buffer = Buffer.alloc(0)
    let chunkStart = 0
    let p = from
    const view: ScannedBatch = { buf: chunk, off: 0, position: 0, size: 0, baseOffset: 0, lastOffset: 0, maxTimestamp: 0 }
    while (p < this.size) {
      if (this.size - p < BATCH_HEADER_SIZE) return { end: p, stop: 'partial' }
      if (p < chunkStart || p + BATCH_HEADER_SIZE > chunkStart + chunk.length) {
        chunk = this.read(p, Math.max(chunkSize, BATCH_HEADER_SIZE))
        chunkStart = p
      }
      let off = p - chunkStart
      const size = chunk.readInt32BE(off + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
      if (size < BATCH_HEADER_SIZE) return { end: p, stop: 'corrupt' }
      if (p + size > this.size) return { end: p, stop: 'partial' }
      if (needWhole && off + size > chunk.length) {
        chunk = this.read(p, Math.max(chunkSize, size))
        chunkStart = p
        off = 0
      }
      if (opts.verify && validateBatchHeader(chunk, off, size) !== null) return { end: p, stop: 'corrupt' }
      if (fn(viewBatch(view, chunk, off, p, size)) === false) return { end: p, stop: 'callback' }
      p += size
    }
    return { end: p, stop: 'eof' }
  }

  /** The first batch whose last offset is ≥ `offset` (starting from the index), or null. */
  findBatch(offset: number): { position: number; size: number; baseOffset: number; lastOffset: number } | null {
    if (offset >= this.nextOffset) return null
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const b = this.recent[i]!
      if (b.baseOffset > offset) continue
      // offset inside this batch, or in an offset gap before the next one (compacted away)
      const hit = b.lastOffset >= offset ? b : this.recent[i + 1]
      if (hit) return { ...hit }
      break
    }
    const start = this.offsetIndex.lookup(offset).position
    let found: { position: number; size: number; baseOffset: number; lastOffset: number } | null = null
    // the target is about index.interval.bytes past the index entry: read small chunks
    this.scan(start, { chunkSize: Math.max(8192, 2 * this.indexIntervalBytes + BATCH_HEADER_SIZE) }, (b) => {
      if (b.lastOffset >= offset) {
        found = { position: b.position, size: b.size, baseOffset: b.baseOffset, lastOffset: b.lastOffset }
        return false
      }
    })
    return found
  }

  /** Removes every batch whose last offset is ≥ `offset`; returns the bytes removed. */
  truncateTo(offset: number): number {
    const b = this.findBatch(offset)
    if (!b) return 0
    this.recent = []
    const removed = this.size - b.position
    fileIo().truncate(this.requireFd(), b.position)
    this.size = b.position
    this.offsetIndex.truncateTo(b.baseOffset, b.position)
    this.timeIndex.truncateTo(b.baseOffset)
    this.nextOffset = b.baseOffset
    // recompute the max timestamp and index spacing from what is left after the last index entry
    const lastIdx = this.offsetIndex.lastEntry()
    const lastTime = this.timeIndex.lastEntry()
    this.maxTimestamp = lastTime ? lastTime.timestamp : -1
    this.offsetOfMaxTimestamp = lastTime ? lastTime.offset : -1
    const start = lastIdx ? lastIdx.position : 0
    this.scan(start, {}, (x) => {
      if (x.maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = x.maxTimestamp
        this.offsetOfMaxTimestamp = x.lastOffset
      }
    })
    this.bytesSinceLastIndexEntry = this.size - start
    if (this.size === 0) this.firstBatchTimestamp = -1
    return removed
  }

  private requireFd(): number {
    return this.file.fd()
  }

  /** fsync of what was written since the last flush (the log, then its indexes). */
  flush(): void {
    if (this.unsynced || this.tailDirty) {
      if (this.tailDirty) {
        fileIo().truncate(this.requireFd(), this.size)
        this.tailDirty = false
      }
      fileIo().fsync(this.requireFd())
      this.unsynced = false
    }
    this.offsetIndex.flush()
    this.timeIndex.flush()
  }

  close(): void {
    this.file.close()
    this.offsetIndex.close()
    this.timeIndex.close()
  }

  delete(): void {
    this.close()
    if (existsSync(this.logPath)) unlinkSync(this.logPath)
    this.offsetIndex.delete()
    this.timeIndex.delete()
    // the aborted-transaction index (storage/transaction-index.ts), when the segment has one
    rmSync(this.logPath.replace(/\.log$/, '.txnindex'), { force: true })
  }
}
