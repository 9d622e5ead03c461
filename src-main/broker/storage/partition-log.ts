/**
 * The log of one partition, in Kafka's on-disk shape: `<dataDir>/<topic>-<partition>/` holding
 * segments `<20-digit base offset>.log|.index|.timeindex`, producer state snapshots, a
 * `log-start-offset` checkpoint and a clean-shutdown marker.
 *
 * Batches are stored exactly as received (baseOffset, partitionLeaderEpoch and, for
 * LogAppendTime, maxTimestamp+CRC are patched in place); fetch serves byte ranges of whole batches.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  forEachBatch,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  validateBatch,
  validateBatchHeader,
  baseOffset as batchBaseOffset,
  type BatchHeader,
} from '../records/batch.js'
import { controlRecordType, decodeRecords } from '../records/record.js'
import { defaultLogConfig, hasDeletePolicy, type LogConfig } from './log-config.js'
import { LogSegment } from './log-segment.js'
import { ProducerStateManager, type ProducerBatchMetadata, type ProducerHeader } from './producer-state.js'
import { TransactionIndex, txnIndexPath, type AbortedTxn } from './transaction-index.js'
import { StorageError, toStorageError } from './storage-error.js'
import { completeCleanerSwaps } from './cleaner/segment-swap.js'

export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown'
export const LOG_START_OFFSET_FILE = 'log-start-offset'
const LOG_FILE_RE = /^(\d{20})\.log$/

export type FollowerAppendError = 'CORRUPT_MESSAGE' | 'UNSUPPORTED_FOR_MESSAGE_FORMAT' | 'OFFSET_OUT_OF_RANGE' | 'KAFKA_STORAGE_ERROR'

export type AppendError =
  | 'CORRUPT_MESSAGE'
  | 'INVALID_RECORD'
  | 'UNSUPPORTED_FOR_MESSAGE_FORMAT'
  | 'MESSAGE_TOO_LARGE'
  | 'INVALID_TIMESTAMP'
  | 'INVALID_PRODUCER_EPOCH'
  | 'OUT_OF_ORDER_SEQUENCE_NUMBER'
  | 'KAFKA_STORAGE_ERROR'

/** Partition directories are private to the user running the broker. */
export const DIR_MODE = 0o700
export const FILE_MODE = 0o600

export interface AppendOptions {
  /** Broker time used for LogAppendTime topics (defaults to now). */
  logAppendTime?: number
  /** Written into partitionLeaderEpoch when given. */
  leaderEpoch?: number
  /** 'client' (default) gets every check; 'coordinator' may write control batches. */
  origin?: 'client' | 'coordinator'
  /** Skip validateBatch (the caller already ran it). */
  validated?: boolean
  now?: number
}

export interface AppendInfo {
  error?: undefined
  baseOffset: number
  lastOffset: number
  /** -1 for CreateTime topics, else the broker time written into the batch. */
  logAppendTime: number
  maxTimestamp: number
  logStartOffset: number
  /**
   * Set when the batch was a retry of one already in the log: nothing was appended and this is
   * the original batch's baseOffset (the Produce answer is success with it).
   */
  duplicateOf?: number
  /** The original batch's metadata, for duplicates. */
  duplicate?: ProducerBatchMetadata
}

export type AppendResult = AppendInfo | { error: AppendError; message: string }

export interface ReadOptions {
  /** Return the first batch even if it is larger than maxBytes (Kafka: first partition of a fetch). Default true. */
  minOneBatch?: boolean
  /** Exclusive upper bound: only batches starting below it (e.g. high watermark / LSO). Default log end offset. */
  maxOffset?: number
}

export interface ReadResult {
  /** Set when fetchOffset is outside [logStartOffset, logEndOffset]; records is then empty. */
  error?: 'OFFSET_OUT_OF_RANGE'
  /**
   * Whole batches as byte ranges of the log (currently at most one range, from one segment, as
   * Kafka reads); empty when there is nothing to return.
   */
  records: Buffer[]
  /** Total bytes in records. */
  size: number
  logStartOffset: number
  logEndOffset: number
  highWatermark: number
}

export interface TimestampAndOffset {
  timestamp: number
  offset: number
}

export interface OpenOptions {
  /** Clock (tests). */
  now?: () => number
  /** Where I/O problems that do not fail a request are reported (shutdown, snapshots). */
  log?: (line: string) => void
}

export class PartitionLog {
  private segments: LogSegment[] = []
  logStartOffset = 0
  private leo = 0
  /** For a single broker this follows the log end offset after each append (autoHighWatermark). */
  highWatermark = 0
  autoHighWatermark = true
  readonly producerState = new ProducerStateManager()
  /** Aborted-transaction indexes (.txnindex) by segment base offset, opened on use. */
  private readonly txnIndexes = new Map<number, TransactionIndex>()
  /** Bytes dropped from a torn or corrupt tail when the log was opened. */
  recoveredBytes = 0
  private closed = false
  /** The log end offset when opened: a clean close of an unchanged log keeps its snapshot. */
  private leoAtOpen = -1
  private readonly now: () => number
  private readonly logLine: (line: string) => void

  private constructor(
    readonly dir: string,
    public config: LogConfig,
    opts: OpenOptions,
  ) {
    this.now = opts.now ?? Date.now
    this.logLine = opts.log ?? ((l) => process.stderr.write(`${l}\n`))
  }

  get logEndOffset(): number {
    return this.leo
  }

  /**
   * Last stable offset: the first offset of the oldest ongoing transaction, capped by the high
   * watermark (read_committed consumers read below it).
   */
  get lastStableOffset(): number {
    const fuo = this.producerState.firstUnstableOffset()
    return fuo === null ? this.highWatermark : Math.min(fuo, this.highWatermark)
  }

  /** Opens (creating if needed) the partition directory, recovering after an unclean shutdown. */
  static open(dir: string, config: LogConfig = defaultLogConfig, opts: OpenOptions = {}): PartitionLog {
    const log = new PartitionLog(dir, config, opts)
    log.load()
    return log
  }

  private load(): void {
    mkdirSync(this.dir, { recursive: true, mode: DIR_MODE })
    const marker = join(this.dir, CLEAN_SHUTDOWN_FILE)
    const clean = existsSync(marker)
    if (clean) unlinkSync(marker)
    const checkpoint = this.readLogStartOffset()
    // a cleaning interrupted by a crash is finished or undone before the segments are listed
    for (const line of completeCleanerSwaps(this.dir)) this.logLine(`${this.dir}: ${line}`)
    const bases: number[] = []
    for (const f of readdirSync(this.dir)) {
      const m = LOG_FILE_RE.exec(f)
      if (m) bases.push(Number(m[1]))
      else if (f.endsWith('.tmp')) unlinkSync(join(this.dir, f))
    }
    bases.sort((a, b) => a - b)
    const now = this.now()
    for (let i = 0; i < bases.length; i++) {
      const isActive = i === bases.length - 1
      const { segment, truncatedBytes } = LogSegment.open(this.dir, bases[i]!, this.config['index.interval.bytes'], isActive && !clean, now)
      this.recoveredBytes += truncatedBytes
      this.segments.push(segment)
    }
    if (this.segments.length === 0) this.segments.push(LogSegment.create(this.dir, checkpoint, this.config['index.interval.bytes'], now))
    this.logStartOffset = Math.max(checkpoint, this.segments[0]!.baseOffset)
    this.leo = Math.max(this.active.nextOffset, this.logStartOffset)
    this.highWatermark = this.leo
    // a crash may have left index entries for markers the recovered log no longer holds
    if (!clean) this.txnIndex(this.active.baseOffset).truncateTo(this.leo)
    this.loadProducerState()
    this.leoAtOpen = this.leo
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!
  }

  private readLogStartOffset(): number {
    const f = join(this.dir, LOG_START_OFFSET_FILE)
    if (!existsSync(f)) return 0
    const n = Number(readFileSync(f, 'utf8').trim())
    return Number.isSafeInteger(n) && n >= 0 ? n : 0
  }

  private writeLogStartOffset(): void {
    const f = join(this.dir, LOG_START_OFFSET_FILE)
    writeFileSync(`${f}.tmp`, `${this.logStartOffset}\n`, { mode: FILE_MODE })
    renameSync(`${f}.tmp`, f)
  }

  /** Producer state from the newest snapshot ≤ LEO, then the batch headers after it. */
  private loadProducerState(): void {
    ProducerStateManager.deleteSnapshotsAbove(this.dir, this.leo)
    const from = this.producerState.loadLatestSnapshot(this.dir, this.leo)
    this.replayProducerState(Math.max(from, 0))
    this.producerState.truncateHead(this.logStartOffset)
  }

  private replayProducerState(fromOffset: number): void {
    if (fromOffset >= this.leo) return
    for (const seg of this.segments) {
      if (seg.nextOffset <= fromOffset) continue
      const start = seg.baseOffset >= fromOffset ? 0 : seg.offsetIndex.lookup(fromOffset).position
      seg.scan(start, {}, (b) => {
        if (b.baseOffset < fromOffset) return
        const h = readBatchHeader(b.buf, b.off)
        if (h.producerId >= 0) this.trackProducer(h, b.buf.subarray(b.off, b.off + b.size), h.baseOffset, h.lastOffset, h.maxTimestamp, seg.baseOffset)
      })
    }
  }

  // ---- append ----

  /**
   * Appends one batch from a producer (or an internal writer): validates it, applies the
   * idempotent-producer checks, assigns offsets by writing baseOffset into `batch` in place and
   * writes the bytes as received. A duplicate retry returns `duplicateOf` and appends nothing.
   */
  append(batch: Buffer, opts: AppendOptions = {}): AppendResult {
    this.ensureOpen()
    const origin = opts.origin ?? 'client'
    if (!opts.validated) {
      const compacted = this.config['cleanup.policy'].split(',').some((x) => x.trim() === 'compact')
      const err = validateBatch(batch, { requireKeys: compacted })
      if (err)
        return {
          error: err,
          message: compacted && err === 'INVALID_RECORD' ? 'invalid record batch (compacted topics need keys on every record)' : `invalid record batch: ${err}`,
        }
    }
    if (batch.length > this.config['max.message.bytes']) {
      return { error: 'MESSAGE_TOO_LARGE', message: `batch of ${batch.length} bytes exceeds max.message.bytes ${this.config['max.message.bytes']}` }
    }
    const h = readBatchHeader(batch)
    if (h.control && origin === 'client') return { error: 'INVALID_RECORD', message: 'clients may not write control batches' }
    const now = opts.now ?? this.now()
    const logAppendTime = this.config['message.timestamp.type'] === 'LogAppendTime'
    if (!logAppendTime && !h.control) {
      if (h.maxTimestamp - now > this.config['message.timestamp.after.max.ms'] || now - h.baseTimestamp > this.config['message.timestamp.before.max.ms']) {
        return { error: 'INVALID_TIMESTAMP', message: `timestamp out of range (message.timestamp.after/before.max.ms)` }
      }
    }
    if (h.producerId >= 0) {
      const check = this.producerState.check(h)
      if (check?.error) return { error: check.error, message: check.message }
      if (check?.duplicate) {
        const d = check.duplicate
        return {
          baseOffset: d.baseOffset,
          lastOffset: d.lastOffset,
          logAppendTime: -1,
          maxTimestamp: d.timestamp,
          logStartOffset: this.logStartOffset,
          duplicateOf: d.baseOffset,
          duplicate: d,
        }
      }
    }
    let appendTime = -1
    if (logAppendTime) {
      appendTime = opts.logAppendTime ?? now
      setLogAppendTime(batch, appendTime)
    }
    const base = this.leo
    setBaseOffset(batch, base)
    if (opts.leaderEpoch !== undefined) setPartitionLeaderEpoch(batch, opts.leaderEpoch)
    const last = base + h.lastOffsetDelta
    const maxTs = logAppendTime ? appendTime : h.maxTimestamp
    try {
      this.maybeRoll(batch.length, maxTs, last, now)
      this.active.append(batch, last, maxTs)
    } catch (e) {
      // Kafka takes the whole log dir offline on an IOException until a restart. Here the segment
      // has already undone the failed write (file cut back, indexes and offsets unchanged), so
      // only this append fails with KAFKA_STORAGE_ERROR: reads keep being served and the next
      // append tries again, which succeeds as soon as space returns, without a restart.
      if (e instanceof StorageError) return { error: 'KAFKA_STORAGE_ERROR', message: `storage error: ${e.message}` }
      throw e
    }
    h.baseOffset = base
    h.lastOffset = last
    this.trackProducer(h, batch, base, last, maxTs, this.active.baseOffset)
    this.leo = last + 1
    if (this.autoHighWatermark) this.highWatermark = this.leo
    return { baseOffset: base, lastOffset: last, logAppendTime: appendTime, maxTimestamp: maxTs, logStartOffset: this.logStartOffset }
  }

  /**
   * Appends batches fetched from a leader, keeping their offsets. Each batch must start at or
   * after the log end offset and pass the CRC check. A trailing partial batch is ignored. The
   * producer state follows the batches (idempotence holds on this replica once it leads). A
   * write that fails (full disk, EIO) is undone by the segment and answered KAFKA_STORAGE_ERROR,
   * with the batches before it kept: the follower fetches the rest again later.
   */
  appendAsFollower(records: Buffer): { firstOffset: number; lastOffset: number; batches: number } | { error: FollowerAppendError; message: string } {
    this.ensureOpen()
    // Every batch is checked first; the good ones before a bad one are still appended, as they
    // would be one by one. They are written a run at a time: consecutive batches that fit the
    // active segment leave in one write (a fetch usually brings several).
    const checked: { pos: number; size: number; h: BatchHeader }[] = []
    let error: { error: FollowerAppendError; message: string } | null = null
    let next = this.leo
    forEachBatch(records, (pos, size) => {
      const err = validateBatchHeader(records, pos, size)
      if (err) {
        error = { error: err === 'UNSUPPORTED_FOR_MESSAGE_FORMAT' ? err : 'CORRUPT_MESSAGE', message: `batch at ${pos}: ${err}` }
        return false
      }
      const h = readBatchHeader(records, pos)
      if (h.baseOffset < next) {
        error = { error: 'OFFSET_OUT_OF_RANGE', message: `batch base offset ${h.baseOffset} is below the log end offset ${next}` }
        return false
      }
      next = h.lastOffset + 1
      checked.push({ pos, size, h })
    })
    let firstOffset = -1
    let lastOffset = this.leo - 1
    for (let i = 0; i < checked.length; ) {
      const first = checked[i]!
      const now = this.now()
      let end = i + 1
      try {
        this.maybeRoll(first.size, first.h.maxTimestamp, first.h.lastOffset, now, first.h.baseOffset)
        const seg = this.active
        const firstTs = seg.size === 0 ? first.h.maxTimestamp : seg.firstBatchTimestamp
        let bytes = first.size
        while (end < checked.length) {
          const b = checked[end]!
          if (this.rolls(seg, seg.size + bytes, firstTs, b.size, b.h.maxTimestamp, b.h.lastOffset, now)) break
          bytes += b.size
          end++
        }
        seg.appendMany(
          records.subarray(first.pos, first.pos + bytes),
          checked.slice(i, end).map((b) => ({ off: b.pos - first.pos, size: b.size, lastOffset: b.h.lastOffset, maxTimestamp: b.h.maxTimestamp })),
        )
      } catch (e) {
        const se = toStorageError(e, this.dir, 'append')
        if (!(se instanceof StorageError)) throw se
        return { error: 'KAFKA_STORAGE_ERROR', message: `storage error: ${se.message}` }
      }
      for (let k = i; k < end; k++) {
        const { pos, size, h } = checked[k]!
        if (h.producerId >= 0) this.trackProducer(h, records.subarray(pos, pos + size), h.baseOffset, h.lastOffset, h.maxTimestamp, this.active.baseOffset)
        if (firstOffset < 0) firstOffset = h.baseOffset
        lastOffset = h.lastOffset
        this.leo = h.lastOffset + 1
      }
      i = end
    }
    if (error) return error
    return { firstOffset, lastOffset, batches: checked.length }
  }

  private maybeRoll(batchBytes: number, maxTs: number, lastOffset: number, now: number, nextBase = this.leo): void {
    const seg = this.active
    if (seg.size === 0) {
      if (seg.baseOffset === nextBase) return
      if (seg.baseOffset < nextBase && nextBase - seg.baseOffset <= 0x7fffffff && lastOffset - seg.baseOffset <= 0x7fffffff) return
      this.roll(nextBase)
      return
    }
    if (this.rolls(seg, seg.size, seg.firstBatchTimestamp, batchBytes, maxTs, lastOffset, now)) this.roll(nextBase)
  }

  /** Kafka's shouldRoll for a non-empty segment of `size` bytes: segment.bytes, segment.ms, or offsets past 32 bits of the base. */
  private rolls(seg: LogSegment, size: number, firstBatchTimestamp: number, batchBytes: number, maxTs: number, lastOffset: number, now: number): boolean {
    const waited = firstBatchTimestamp >= 0 ? maxTs - firstBatchTimestamp : now - seg.created
    return size > this.config['segment.bytes'] - batchBytes || waited > this.config['segment.ms'] || lastOffset - seg.baseOffset > 0x7fffffff
  }

  /** Starts a new active segment at `baseOffset` (default: the log end offset). */
  roll(baseOffset = this.leo): void {
    const old = this.active
    if (old.size === 0 && old.baseOffset === baseOffset) return
    if (old.size > 0) old.onBecomeInactive()
    // the new segment first: if its files cannot be created the old one stays active
    const next = LogSegment.create(this.dir, baseOffset, this.config['index.interval.bytes'], this.now())
    old.offsetIndex.unload()
    old.timeIndex.unload()
    if (old.size === 0) {
      // an empty segment is replaced rather than kept
      this.segments.pop()
      old.delete()
    }
    this.segments.push(next)
    try {
      this.producerState.writeSnapshot(this.dir, baseOffset)
    } catch (e) {
      // a snapshot only shortens recovery: without it the state is rebuilt from an older one and the log
      this.logLine(`producer state snapshot in ${this.dir} not written: ${(e as Error).message}`)
    }
  }

  // ---- transactions ----

  private txnIndex(segmentBase: number): TransactionIndex {
    let idx = this.txnIndexes.get(segmentBase)
    if (!idx) this.txnIndexes.set(segmentBase, (idx = new TransactionIndex(txnIndexPath(this.dir, segmentBase))))
    return idx
  }

  /**
   * Producer state after a batch; a marker that aborts a transaction with data in this partition
   * is added to the aborted-transaction index of the segment it was written to, with the LSO
   * once it is written (Kafka's AbortedTxn).
   */
  private trackProducer(h: ProducerHeader, batch: Buffer, base: number, last: number, maxTs: number, segmentBase: number): void {
    let marker: { type: 'COMMIT' | 'ABORT'; coordinatorEpoch: number } | undefined
    if (h.control) {
      const r = decodeRecords(batch)[0]
      const type = controlRecordType(r?.key ?? null)
      if (type) marker = { type, coordinatorEpoch: r?.value && r.value.length >= 6 ? r.value.readInt32BE(2) : -1 }
    }
    const completed = this.producerState.update(h, base, last, maxTs, marker)
    if (completed?.isAborted) {
      const lastStableOffset = this.producerState.firstUnstableOffset() ?? completed.lastOffset + 1
      this.txnIndex(segmentBase).append({
        producerId: completed.producerId,
        firstOffset: completed.firstOffset,
        lastOffset: completed.lastOffset,
        lastStableOffset,
      })
    }
  }

  /**
   * Aborted transactions a read_committed fetch from `fetchOffset` must be told about, for data
   * up to `upperBoundOffset` (exclusive): those whose data overlaps that range (Kafka's
   * collectAbortedTransactions over this and the following segments' indexes).
   */
  collectAbortedTransactions(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    this.ensureOpen()
    const out: AbortedTxn[] = []
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      const { found, complete } = this.txnIndex(this.segments[i]!.baseOffset).collect(fetchOffset, upperBoundOffset)
      out.push(...found)
      if (complete) break
    }
    return out
  }

  /** Every aborted transaction still indexed, oldest first (tools, tests). */
  abortedTransactions(): AbortedTxn[] {
    this.ensureOpen()
    return this.segments.flatMap((s) => [...this.txnIndex(s.baseOffset).all()])
  }

  // ---- read ----

  /**
   * Reads whole batches from the one containing `fetchOffset`, up to `maxBytes` (but always the
   * first batch when minOneBatch), from a single segment as Kafka does. Offsets outside
   * [logStartOffset, logEndOffset] give OFFSET_OUT_OF_RANGE; fetchOffset == LEO gives no records.
   */
  read(fetchOffset: number, maxBytes: number, opts: ReadOptions = {}): ReadResult {
    this.ensureOpen()
    const meta = { logStartOffset: this.logStartOffset, logEndOffset: this.leo, highWatermark: this.highWatermark }
    const empty: ReadResult = { records: [], size: 0, ...meta }
    if (fetchOffset < this.logStartOffset || fetchOffset > this.leo) return { ...empty, error: 'OFFSET_OUT_OF_RANGE' }
    const limit = Math.min(opts.maxOffset ?? this.leo, this.leo)
    if (fetchOffset >= limit) return empty
    const minOne = opts.minOneBatch ?? true
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      const seg = this.segments[i]!
      const found = seg.findBatch(fetchOffset)
      if (!found) continue
      if (found.baseOffset >= limit) return empty
      let len = Math.min(maxBytes, seg.size - found.position)
      if (found.size > len) {
        if (!minOne) return empty
        len = found.size
      }
      const raw = seg.read(found.position, len)
      let end = 0
      forEachBatch(raw, (pos, size) => {
        if (pos > 0 && batchBaseOffset(raw, pos) >= limit) return false
        end = pos + size
      })
      return end === 0 ? empty : { records: [raw.subarray(0, end)], size: end, ...meta }
    }
    return empty
  }

  /** Index of the segment with the largest base offset ≤ offset (0 if none). */
  private segmentIndexFor(offset: number): number {
    let lo = 0
    let hi = this.segments.length - 1
    let ans = 0
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.segments[mid]!.baseOffset <= offset) {
        ans = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return ans
  }

  // ---- timestamps ----

  /**
   * ListOffsets by timestamp: the first offset (≥ logStartOffset) whose record timestamp is ≥ ts,
   * with that timestamp; null when there is none (ListOffsets answers -1).
   */
  offsetForTimestamp(ts: number): TimestampAndOffset | null {
    this.ensureOpen()
    for (const seg of this.segments) {
      if (seg.maxTimestamp < ts || seg.nextOffset <= this.logStartOffset) continue
      const startOffset = Math.max(seg.timeIndex.lookupBefore(ts), this.logStartOffset)
      const start = seg.offsetIndex.lookup(startOffset).position
      let result: TimestampAndOffset | null = null
      seg.scan(start, { full: true }, (b) => {
        if (b.lastOffset < startOffset || b.maxTimestamp < ts) return
        for (const r of decodeRecords(b.buf.subarray(b.off, b.off + b.size))) {
          if (r.timestamp >= ts && r.offset >= this.logStartOffset) {
            result = { timestamp: r.timestamp, offset: r.offset }
            return false
          }
        }
      })
      if (result) return result
    }
    return null
  }

  /** ListOffsets MAX_TIMESTAMP: the record with the largest timestamp (first such), or {-1, -1}. */
  maxTimestampOffset(): TimestampAndOffset {
    this.ensureOpen()
    let best: LogSegment | null = null
    for (const seg of this.segments) {
      if (seg.nextOffset <= this.logStartOffset) continue
      if (seg.maxTimestamp >= 0 && (!best || seg.maxTimestamp > best.maxTimestamp)) best = seg
    }
    if (!best) return { timestamp: -1, offset: -1 }
    // fast path: the segment remembers an offset inside the first batch that reached its max
    const found = best.findBatch(best.offsetOfMaxTimestamp)
    if (found) {
      for (const r of decodeRecords(best.read(found.position, found.size))) {
        if (r.timestamp === best.maxTimestamp && r.offset >= this.logStartOffset) return { timestamp: r.timestamp, offset: r.offset }
      }
    }
    // slow path (the max lies below logStartOffset): scan every record still in the log
    let result: TimestampAndOffset = { timestamp: -1, offset: -1 }
    for (const seg of this.segments) {
      if (seg.nextOffset <= this.logStartOffset) continue
      seg.scan(0, { full: true }, (b) => {
        if (b.lastOffset < this.logStartOffset || b.maxTimestamp <= result.timestamp) return
        for (const r of decodeRecords(b.buf.subarray(b.off, b.off + b.size))) {
          if (r.offset >= this.logStartOffset && r.timestamp > result.timestamp) result = { timestamp: r.timestamp, offset: r.offset }
        }
      })
    }
    return result
  }

  // ---- deletion ----

  /**
   * DeleteRecords: moves logStartOffset up to `offset` (-1 = high watermark), deletes the
   * segments entirely below it and persists it. Beyond the high watermark → OFFSET_OUT_OF_RANGE.
   */
  deleteRecordsBefore(offset: number): { lowWatermark: number } | { error: 'OFFSET_OUT_OF_RANGE'; message: string } {
    this.ensureOpen()
    const target = offset === -1 ? this.highWatermark : offset
    if (target < 0 || target > this.highWatermark)
      return { error: 'OFFSET_OUT_OF_RANGE', message: `offset ${offset} is beyond the high watermark ${this.highWatermark}` }
    if (target > this.logStartOffset) {
      this.logStartOffset = target
      this.writeLogStartOffset()
      while (this.segments.length > 1 && this.segments[1]!.baseOffset <= target) this.segments.shift()!.delete()
      this.producerState.truncateHead(target)
    }
    return { lowWatermark: this.logStartOffset }
  }

  /**
   * Retention (cleanup.policy=delete): removes the oldest segments whose newest record is older
   * than retention.ms, then while the log is larger than retention.bytes. Only data below the
   * high watermark is removed; an expired active segment is rolled first. Returns the number of
   * deleted segments.
   */
  enforceRetention(now = this.now()): number {
    this.ensureOpen()
    if (!hasDeletePolicy(this.config)) return 0
    const retentionMs = this.config['retention.ms']
    const retentionBytes = this.config['retention.bytes']
    let n = 0
    // an inactive segment the log cleaner emptied is deletable too (its file time says how old it is)
    const deletable = (seg: LogSegment): boolean => (seg.size > 0 || seg !== this.active) && seg.nextOffset <= this.highWatermark
    if (retentionMs >= 0) {
      while (n < this.segments.length && deletable(this.segments[n]!) && now - this.segments[n]!.largestTimestamp() > retentionMs) n++
    }
    if (retentionBytes >= 0) {
      let diff = this.sizeInBytes() - retentionBytes
      for (let i = 0; i < n; i++) diff -= this.segments[i]!.size
      while (n < this.segments.length && deletable(this.segments[n]!) && diff - this.segments[n]!.size >= 0) {
        diff -= this.segments[n]!.size
        n++
      }
    }
    if (n === 0) return 0
    if (n === this.segments.length) this.roll(this.leo)
    const doomed = this.segments.splice(0, n)
    for (const s of doomed) if (s !== this.active) s.delete()
    const newStart = Math.max(this.logStartOffset, this.segments[0]!.baseOffset)
    if (newStart !== this.logStartOffset) {
      this.logStartOffset = newStart
      this.writeLogStartOffset()
    }
    this.producerState.truncateHead(this.logStartOffset)
    return doomed.length
  }

  /** Drops idle producer state (producer.id.expiration.ms); call periodically with retention. */
  expireProducers(now = this.now(), expirationMs = 86_400_000): number {
    this.ensureOpen()
    return this.producerState.expireProducers(now, expirationMs)
  }

  /** Alias of enforceRetention. */
  applyRetention(now = this.now()): number {
    return this.enforceRetention(now)
  }

  /**
   * Removes everything from `offset` on (replication: a follower truncating to the leader).
   * Batches are removed whole: a batch containing `offset` goes too. Producer state is rebuilt.
   */
  truncateTo(offset: number): void {
    this.ensureOpen()
    if (offset >= this.leo) return
    if (offset < this.logStartOffset) {
      this.truncateFullyAndStartAt(offset)
      return
    }
    while (this.segments.length > 1 && this.active.baseOffset >= offset) this.segments.pop()!.delete()
    if (this.active.baseOffset >= offset) {
      const only = this.segments.pop()!
      only.delete()
      this.segments.push(LogSegment.create(this.dir, offset, this.config['index.interval.bytes'], this.now()))
    } else {
      this.active.truncateTo(offset)
    }
    this.leo = this.active.nextOffset
    if (this.highWatermark > this.leo) this.highWatermark = this.leo
    this.txnIndexes.clear()
    for (const seg of this.segments) this.txnIndex(seg.baseOffset).truncateTo(offset)
    this.loadProducerState()
  }

  /** Deletes all data and restarts the log at `offset`. */
  truncateFullyAndStartAt(offset: number): void {
    this.ensureOpen()
    for (const s of this.segments) s.delete()
    this.segments = [LogSegment.create(this.dir, offset, this.config['index.interval.bytes'], this.now())]
    this.txnIndexes.clear()
    this.txnIndex(offset).truncateTo(offset)
    this.logStartOffset = offset
    this.leo = offset
    this.highWatermark = offset
    this.writeLogStartOffset()
    ProducerStateManager.deleteSnapshotsAbove(this.dir, -1)
    this.producerState.clear()
  }

  // ---- misc ----

  sizeInBytes(): number {
    let n = 0
    for (const s of this.segments) n += s.size
    return n
  }

  /** The segments, oldest first; the last one is active. The log cleaner reads them (storage/cleaner). */
  get segmentList(): readonly LogSegment[] {
    return this.segments
  }

  /**
   * The log cleaner's swap: `old`, consecutive inactive segments of this log, are replaced by the
   * segment `install()` returns (it commits the cleaned files and opens them). Returns false, doing
   * nothing, when the log changed while it was being cleaned (closed, segments deleted by retention
   * or truncated away): the cleaned files are then dropped by the cleaner.
   */
  replaceSegments(old: readonly LogSegment[], install: () => LogSegment): boolean {
    if (this.closed || old.length === 0) return false
    const i = this.segments.indexOf(old[0]!)
    if (i < 0 || i + old.length >= this.segments.length) return false
    for (let k = 1; k < old.length; k++) if (this.segments[i + k] !== old[k]) return false
    const fresh = install()
    this.segments.splice(i, old.length, fresh)
    // the group's aborted-transaction indexes were merged into the new segment's
    for (const s of old) this.txnIndexes.delete(s.baseOffset)
    return true
  }

  /** Base offsets of the segments, oldest first. */
  segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset)
  }

  /** fsync of the active segment and its indexes. */
  flush(): void {
    this.ensureOpen()
    this.active.flush()
  }

  /**
   * Closes the log; never throws. A clean close writes the time index's closing entry, snapshots
   * producer state (unless the log is unchanged since it was opened and its snapshot is there)
   * and marks the shutdown clean so the next open skips recovery. It does not fsync: with tens
   * of thousands of partitions one fsync each made shutdowns take minutes, and Kafka's default
   * (flush.messages unset) leaves writing back to the OS as well. The page cache outlives the
   * process; after a power cut the clean path still CRC-checks each active segment from its
   * last index entry to the end and falls back to recovery on a torn tail. `clean: false` only releases the files, as a
   * crash would leave them (the embedded cluster's broker kill). When any of the clean steps
   * fails (a full disk, EIO) the error is logged and the log is left unmarked, so the next open
   * recovers it. Returns whether the log was marked clean.
   */
  close({ clean = true }: { clean?: boolean } = {}): boolean {
    if (this.closed) return false
    this.closed = true
    let marked = false
    if (clean) {
      try {
        if (this.segments.some((s) => s.needsRecovery)) throw new Error('a failed write could not be undone')
        this.active.onBecomeInactive()
        this.active.writeIndexes()
        if (this.leo !== this.leoAtOpen || !existsSync(ProducerStateManager.snapshotFile(this.dir, this.leo)))
          this.producerState.writeSnapshot(this.dir, this.leo)
        writeFileSync(join(this.dir, CLEAN_SHUTDOWN_FILE), '', { mode: FILE_MODE })
        marked = true
      } catch (e) {
        this.logLine(`log ${this.dir} not closed cleanly, it will be recovered on the next start: ${(e as Error).message}`)
      }
    }
    for (const s of this.segments) {
      try {
        s.close()
      } catch (e) {
        this.logLine(`closing a segment of ${this.dir} failed: ${(e as Error).message}`)
      }
    }
    return marked
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`log ${this.dir} is closed`)
  }
}
