/**
 * One cleaning of one compacted log (Kafka's Cleaner.doClean):
 *
 *  1. the cleanable range: from the first dirty offset (the cleaner checkpoint) to the first
 *     uncleanable offset — the active segment's base, the last stable offset (which is at most
 *     the high watermark), and the first segment younger than min.compaction.lag.ms;
 *  2. the offset map: the latest offset of every key in that range (transaction markers and
 *     records of aborted transactions, known from the segments' .txnindex files, do not count);
 *     if the map fills up, cleaning stops at the
 *     record that did not fit and the rest waits for the next cleaning;
 *  3. every segment from the start of the log up to the end of the map is rewritten, in groups
 *     of at most segment.bytes, keeping a record only if no later record has its key, dropping
 *     tombstones and empty transactions' markers whose delete horizon has passed (a retained one
 *     gets a horizon of now + delete.retention.ms, KIP-534) and records of aborted transactions.
 *     The active segment is never touched. Kept records keep their offsets; a batch whose
 *     records all go but which is its producer's last batch stays as an empty batch so the
 *     producer's sequence and epoch survive (Kafka's RETAIN_EMPTY).
 *  4. each group replaces its old segments atomically (segment-swap.ts).
 *
 * It runs on the event loop in slices of at most `sliceMs` and yields in between, so produce
 * and fetch go on while a log is cleaned; the log can change meanwhile (appends, rolls,
 * retention, truncation, deletion): the swap then finds its old segments gone and the group's
 * work is dropped.
 */
import { closeSync, existsSync, fsync, openSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { open as openAsync } from 'node:fs/promises'
import {
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  LOG_OVERHEAD,
  lastOffset as batchLastOffset,
  maxTimestamp as batchMaxTimestamp,
  readBatchHeader,
  type BatchHeader,
} from '../../records/batch.js'
import { deleteHorizonOf, rebuildBatch, recordSpans, recordsData, type RecordSpan } from '../../records/batch-rewrite.js'
import { writeFully } from '../file-io.js'
import { LogSegment, viewBatch, type ScannedBatch } from '../log-segment.js'
import { OffsetIndex } from '../offset-index.js'
import { indexBatch } from '../sparse-index.js'
import { TimeIndex } from '../time-index.js'
import { decodeAbortedTxns, txnIndexPath, type AbortedTxn } from '../transaction-index.js'
import type { PartitionLog } from '../partition-log.js'
import { OffsetMap } from './offset-map.js'
import { CLEANED_SUFFIX, commitCleaned, deleteRetired, discardCleaned, finishSwap, fsyncDirAsync, retireSegmentFiles, segmentPath } from './segment-swap.js'

/** Points of a cleaning where a test may stop it as a crash would (see segment-swap.ts). */
export type CleanStep = 'cleaned-written' | 'swap-committed' | 'old-deleted' | 'swapped'

export class CleaningAborted extends Error {}

export interface CleanOptions {
  now: number
  /** The cleaner checkpoint of this log (undefined: never cleaned). */
  checkpoint?: number
  mapCapacity: number
  /** Longest stretch of work before yielding to the event loop; Infinity runs in one go. */
  sliceMs?: number
  /** log.cleaner.io.max.bytes.per.second: reading faster than this sleeps at the next yield. */
  maxBytesPerSecond?: number
  /** Checked at every yield: true stops the cleaning (CleaningAborted). */
  shouldAbort?: () => boolean
  /** Test hook, called at each step of a group's swap. */
  onStep?: (step: CleanStep, groupBase: number) => void
}

export interface CleanableRange {
  firstDirtyOffset: number
  firstUncleanableOffset: number
  cleanBytes: number
  dirtyBytes: number
  /** dirty / (clean + dirty); 0 for an empty log. */
  dirtyRatio: number
  /** max.compaction.lag.ms has passed for the oldest dirty record. */
  needCompactionNow: boolean
}

export interface CleanResult {
  /** The new first dirty offset (the cleaner checkpoint). */
  endOffset: number
  bytesRead: number
  bytesWritten: number
  recordsRead: number
  recordsKept: number
  groups: number
  /** Largest delete horizon written or kept, -1 if none: the log needs cleaning again once it passes. */
  latestDeleteHorizon: number
  /** A group was dropped because the log changed under the cleaner. */
  interrupted: boolean
}

export function isCompacted(log: PartitionLog): boolean {
  return log.config['cleanup.policy'].split(',').some((p) => p.trim() === 'compact')
}

/** Where cleaning would start and stop now, and how dirty the log is (Kafka's cleanableOffsets). */
export function cleanableRange(log: PartitionLog, checkpoint: number | undefined, now: number): CleanableRange {
  const segs = log.segmentList
  const active = segs[segs.length - 1]!
  let firstDirty = checkpoint ?? log.logStartOffset
  // a checkpoint below the log start (retention, DeleteRecords) or past the end (truncation) is stale
  if (firstDirty < log.logStartOffset || firstDirty > log.logEndOffset) firstDirty = log.logStartOffset
  let uncleanable = Math.min(active.baseOffset, log.lastStableOffset)
  const minLag = log.config['min.compaction.lag.ms']
  let firstDirtyTimestamp = -1
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i]!
    if (s.nextOffset <= firstDirty || s.size === 0) continue
    if (firstDirtyTimestamp < 0) firstDirtyTimestamp = s.firstBatchTimestamp >= 0 ? s.firstBatchTimestamp : s.largestTimestamp()
    if (minLag > 0 && s.largestTimestamp() > now - minLag) {
      uncleanable = Math.min(uncleanable, s.baseOffset)
      break
    }
  }
  uncleanable = Math.max(uncleanable, firstDirty)
  let cleanBytes = 0
  let dirtyBytes = 0
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i]!
    if (s.nextOffset <= firstDirty) cleanBytes += s.size
    else if (s.baseOffset < uncleanable) dirtyBytes += s.size
  }
  const total = cleanBytes + dirtyBytes
  const maxLag = log.config['max.compaction.lag.ms']
  const needCompactionNow = dirtyBytes > 0 && firstDirtyTimestamp >= 0 && maxLag < Number.MAX_SAFE_INTEGER && firstDirtyTimestamp < now - maxLag
  return {
    firstDirtyOffset: firstDirty,
    firstUncleanableOffset: uncleanable,
    cleanBytes,
    dirtyBytes,
    dirtyRatio: total === 0 ? 0 : dirtyBytes / total,
    needCompactionNow,
  }
}

/** Yields to the event loop once `sliceMs` of work have passed, and keeps the read rate under its limit. */
class Slicer {
  private started = performance.now()
  private readonly t0 = performance.now()
  bytes = 0

  constructor(
    private readonly sliceMs: number,
    private readonly shouldAbort: () => boolean,
    private readonly maxBytesPerSecond = Number.MAX_VALUE,
  ) {}

  get expired(): boolean {
    return performance.now() - this.started >= this.sliceMs
  }

  async yield(): Promise<void> {
    const ahead = (this.bytes / this.maxBytesPerSecond) * 1000 - (performance.now() - this.t0)
    if (ahead >= 1) await new Promise<void>((r) => setTimeout(r, Math.min(ahead, 1000)))
    else await new Promise<void>((r) => setImmediate(r))
    if (this.shouldAbort()) throw new CleaningAborted('cleaning aborted')
    this.started = performance.now()
  }
}

const READ_CHUNK = 256 * 1024

/**
 * Visits the batches of a segment (as far as it reached when the visit began) with whole batches
 * in hand, yielding between slices. The file is read with asynchronous reads on its own
 * descriptor: a read that has to wait for the disk does not hold the event loop, as a
 * synchronous read would while other I/O keeps the disk busy.
 */
async function scanSegment(seg: LogSegment, slicer: Slicer, fn: (b: ScannedBatch) => boolean | void): Promise<void> {
  const size = seg.size
  const fh = await openAsync(seg.logPath, 'r')
  try {
    const view: ScannedBatch = { buf: Buffer.alloc(0), off: 0, position: 0, size: 0, baseOffset: 0, lastOffset: 0, maxTimestamp: 0 }
    let chunk = Buffer.alloc(0)
    let chunkStart = 0
    let pos = 0
    while (pos < size) {
      if (size - pos < BATCH_HEADER_SIZE) throw new Error(`segment ${seg.logPath} ends in a partial batch at position ${pos}`)
      let off = pos - chunkStart
      if (off + BATCH_HEADER_SIZE > chunk.length || off + chunk.readInt32BE(off + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD > chunk.length) {
        // the next batch is not all in the chunk: read from it on (at least the whole batch)
        const head = Buffer.allocUnsafe(BATCH_HEADER_SIZE)
        await fh.read(head, 0, BATCH_HEADER_SIZE, pos)
        const batchBytes = head.readInt32BE(BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
        if (batchBytes < BATCH_HEADER_SIZE || pos + batchBytes > size) throw new Error(`segment ${seg.logPath} has a bad batch at position ${pos}`)
        chunk = Buffer.allocUnsafe(Math.min(Math.max(READ_CHUNK, batchBytes), size - pos))
        const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos)
        if (bytesRead < chunk.length) throw new Error(`segment ${seg.logPath} is shorter than expected (${pos + bytesRead} < ${pos + chunk.length})`)
        chunkStart = pos
        off = 0
      }
      const batchBytes = chunk.readInt32BE(off + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
      slicer.bytes += batchBytes
      if (fn(viewBatch(view, chunk, off, pos, batchBytes)) === false) return
      pos += batchBytes
      if (slicer.expired) await slicer.yield()
    }
  } finally {
    await fh.close()
  }
}

/**
 * The aborted transactions of the log, from the segments' aborted-transaction indexes
 * (.txnindex, Kafka's AbortedTxn entries): a transactional data batch of a producer lying between
 * an entry's first offset and its ABORT marker was aborted. Kafka's cleaner reads the same index.
 */
class AbortedTransactions {
  private readonly byProducer = new Map<number, AbortedTxn[]>()

  static read(log: PartitionLog): AbortedTransactions {
    const a = new AbortedTransactions()
    for (const seg of log.segmentList) {
      const path = txnIndexPath(log.dir, seg.baseOffset)
      if (!existsSync(path)) continue
      for (const t of decodeAbortedTxns(readFileSync(path))) {
        let l = a.byProducer.get(t.producerId)
        if (!l) a.byProducer.set(t.producerId, (l = []))
        l.push(t)
      }
    }
    for (const l of a.byProducer.values()) l.sort((x, y) => x.firstOffset - y.firstOffset)
    return a
  }

  /** True when the transactional batch [baseOffset, lastOffset] of `producerId` was aborted. */
  aborted(producerId: number, baseOffset: number, lastOffset: number): boolean {
    const l = this.byProducer.get(producerId)
    if (!l) return false
    // the last entry starting at or before the batch
    let lo = 0
    let hi = l.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (l[mid]!.firstOffset <= baseOffset) lo = mid + 1
      else hi = mid
    }
    const t = l[lo - 1]
    return t !== undefined && lastOffset < t.lastOffset
  }
}

/** The batch's records, or null when they cannot be read (a corrupt batch is kept as it is). */
function spansOf(b: ScannedBatch, h: BatchHeader): { batch: Buffer; rd: ReturnType<typeof recordsData>; spans: RecordSpan[] } | null {
  const batch = b.buf.subarray(b.off, b.off + b.size)
  try {
    const rd = recordsData(batch, h)
    return { batch, rd, spans: recordSpans(h, rd) }
  } catch {
    return null
  }
}

/**
 * Buffered sequential writer of a group's `.log.cleaned`, building its `.index.cleaned` and
 * `.timeindex.cleaned` as LogSegment does on append (an entry every index.interval.bytes, and the
 * time index's closing entry), so the swapped-in segment opens from its indexes without a scan.
 */
class CleanedWriter {
  private readonly fd: number
  private buf = Buffer.allocUnsafe(1 << 20)
  private used = 0
  /** Bytes in the file (written or buffered). */
  size = 0
  private flushed = 0
  // the running figures of sparse-index.ts, as LogSegment keeps them
  readonly offsetIndex: OffsetIndex
  readonly timeIndex: TimeIndex
  maxTimestamp = -1
  offsetOfMaxTimestamp = -1
  bytesSinceLastIndexEntry = 0

  constructor(
    private readonly dir: string,
    private readonly base: number,
    readonly indexIntervalBytes: number,
  ) {
    this.fd = openSync(segmentPath(dir, base, '.log', CLEANED_SUFFIX), 'w', 0o600)
    this.offsetIndex = new OffsetIndex(segmentPath(dir, base, '.index', CLEANED_SUFFIX), base)
    this.timeIndex = new TimeIndex(segmentPath(dir, base, '.timeindex', CLEANED_SUFFIX), base)
    this.offsetIndex.reset()
    this.timeIndex.reset()
  }

  write(batch: Buffer): void {
    indexBatch(this, this.size, batch.length, batchLastOffset(batch), batchMaxTimestamp(batch))
    this.size += batch.length
    if (this.used + batch.length > this.buf.length) this.drain()
    if (batch.length > this.buf.length) {
      writeFully(this.fd, batch, this.flushed, segmentPath(this.dir, this.base, '.log', CLEANED_SUFFIX))
      this.flushed += batch.length
      return
    }
    batch.copy(this.buf, this.used)
    this.used += batch.length
  }

  private drain(): void {
    if (this.used === 0) return
    writeFully(this.fd, this.buf.subarray(0, this.used), this.flushed, segmentPath(this.dir, this.base, '.log', CLEANED_SUFFIX))
    this.flushed += this.used
    this.used = 0
  }

  /** Writes what is buffered and makes the files durable; the fsync of the log runs off the event loop. */
  async finish(): Promise<void> {
    this.drain()
    await new Promise<void>((resolve, reject) => fsync(this.fd, (e) => (e ? reject(e) : resolve())))
    closeSync(this.fd)
    this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
    this.offsetIndex.writePending()
    this.timeIndex.writePending()
    this.offsetIndex.close()
    this.timeIndex.close()
    // the index files are fsynced off the event loop too (a synchronous fsync waits on the disk)
    for (const path of [this.offsetIndex.path, this.timeIndex.path]) {
      const h = await openAsync(path, 'r+')
      try {
        await h.sync()
      } finally {
        await h.close()
      }
    }
  }

  abandon(): void {
    try {
      closeSync(this.fd)
    } catch {
      // already closed
    }
    this.offsetIndex.close()
    this.timeIndex.close()
  }
}

/** Groups the segments to clean so each group fits one segment (segment.bytes, 32-bit relative offsets). */
function groupSegments(segs: readonly LogSegment[], maxBytes: number): LogSegment[][] {
  const groups: LogSegment[][] = []
  let cur: LogSegment[] = []
  let size = 0
  for (const s of segs) {
    const fits = cur.length > 0 && size + s.size <= maxBytes && s.nextOffset - 1 - cur[0]!.baseOffset <= 0x7fffffff
    if (!fits && cur.length > 0) {
      groups.push(cur)
      cur = []
      size = 0
    }
    cur.push(s)
    size += s.size
  }
  if (cur.length > 0) groups.push(cur)
  return groups
}

/** Cleans `log` once (see the file comment). Throws CleaningAborted when asked to stop. */
export async function cleanLog(log: PartitionLog, opts: CleanOptions): Promise<CleanResult> {
  const now = opts.now
  const slicer = new Slicer(opts.sliceMs ?? 10, opts.shouldAbort ?? (() => false), opts.maxBytesPerSecond)
  const range = cleanableRange(log, opts.checkpoint, now)
  const result: CleanResult = {
    endOffset: range.firstDirtyOffset,
    bytesRead: 0,
    bytesWritten: 0,
    recordsRead: 0,
    recordsKept: 0,
    groups: 0,
    latestDeleteHorizon: -1,
    interrupted: false,
  }
  const segs = log.segmentList.slice(0, -1) // never the active segment

  const aborted = AbortedTransactions.read(log)

  // 2. the offset map of the dirty range
  const map = new OffsetMap(opts.mapCapacity)
  let endOffset = range.firstUncleanableOffset
  let mapFull = false
  for (const seg of segs) {
    if (mapFull || seg.baseOffset >= range.firstUncleanableOffset) break
    if (seg.nextOffset <= range.firstDirtyOffset) continue
    await scanSegment(seg, slicer, (b) => {
      if (b.lastOffset < range.firstDirtyOffset) return
      if (b.baseOffset >= range.firstUncleanableOffset) return false
      const h = readBatchHeader(b.buf, b.off)
      if (h.control || (h.transactional && aborted.aborted(h.producerId, h.baseOffset, h.lastOffset))) return
      const r = spansOf(b, h)
      if (!r) return
      for (const s of r.spans) {
        const offset = h.baseOffset + s.offsetDelta
        if (offset < range.firstDirtyOffset || offset >= range.firstUncleanableOffset || !s.key) continue
        if (!map.put(s.key, offset)) {
          endOffset = offset
          mapFull = true
          return false
        }
      }
    })
  }
  result.endOffset = Math.max(endOffset, range.firstDirtyOffset)

  // 3. rewrite every segment up to the end of the map
  const lastBatchOfProducer = new Map<number, number>()
  for (const [pid, e] of log.producerState.producers) lastBatchOfProducer.set(pid, e.lastDataOffset)
  const toClean = segs.filter((s) => s.baseOffset < result.endOffset)
  const txnHasData = new Map<number, boolean>()
  const deleteRetentionMs = log.config['delete.retention.ms']
  const noteHorizon = (hz: number): void => {
    if (hz > result.latestDeleteHorizon) result.latestDeleteHorizon = hz
  }
  for (const group of groupSegments(toClean, log.config['segment.bytes'])) {
    const base = group[0]!.baseOffset
    const out = new CleanedWriter(log.dir, base, log.config['index.interval.bytes'])
    try {
      for (const seg of group) {
        await scanSegment(seg, slicer, (b) => {
          result.bytesRead += b.size
          const h = readBatchHeader(b.buf, b.off)
          const kept = filterBatch(b, h)
          if (kept) {
            out.write(kept)
            result.bytesWritten += kept.length
          }
        })
      }
      await out.finish()
    } catch (e) {
      out.abandon()
      discardCleaned(log.dir, base)
      throw e
    }
    // the group's aborted-transaction index entries go with it (a superset is harmless: their data is gone)
    const txn = group
      .map((s) => segmentPath(log.dir, s.baseOffset, '.txnindex'))
      .filter((p) => existsSync(p))
      .map((p) => readFileSync(p))
    if (txn.length > 0) writeFileSync(segmentPath(log.dir, base, '.txnindex', CLEANED_SUFFIX), Buffer.concat(txn), { mode: 0o600 })
    // as Kafka does, the cleaned file keeps the newest file time of the group: retention of a
    // compact,delete log dates a segment with no records left by it
    const mtime = Math.max(...group.map((s) => statSync(s.logPath).mtimeMs))
    utimesSync(segmentPath(log.dir, base, '.log', CLEANED_SUFFIX), mtime / 1000, mtime / 1000)
    opts.onStep?.('cleaned-written', base)
    if (opts.shouldAbort?.()) {
      discardCleaned(log.dir, base)
      throw new CleaningAborted('cleaning aborted')
    }
    // the swap itself is renames only, done in one go so no request sees the log half swapped
    const retired: string[] = []
    const swapped = log.replaceSegments(group, () => {
      commitCleaned(log.dir, base)
      opts.onStep?.('swap-committed', base)
      for (const s of group) {
        s.close()
        retired.push(...retireSegmentFiles(log.dir, s.baseOffset))
      }
      opts.onStep?.('old-deleted', base)
      finishSwap(log.dir, base)
      opts.onStep?.('swapped', base)
      return LogSegment.open(log.dir, base, log.config['index.interval.bytes'], false, now).segment
    })
    if (!swapped) {
      discardCleaned(log.dir, base)
      result.interrupted = true
      return result
    }
    await fsyncDirAsync(log.dir)
    await deleteRetired(retired)
    result.groups++
  }
  return result

  /** The bytes to keep of one batch: itself, a rewritten batch, or null to drop it. */
  function filterBatch(b: ScannedBatch, h: BatchHeader): Buffer | null {
    const original = b.buf.subarray(b.off, b.off + b.size)
    const horizon = deleteHorizonOf(h)
    const lastOfProducer = h.producerId >= 0 && lastBatchOfProducer.get(h.producerId) === h.lastOffset
    if (h.baseOffset >= result.endOffset) {
      // not compared with the map (beyond its end): kept as it is
      if (h.transactional && !h.control) txnHasData.set(h.producerId, true)
      return original
    }
    if (h.control) {
      const hadData = txnHasData.get(h.producerId) ?? false
      txnHasData.delete(h.producerId)
      if (hadData) return original
      // the marker of a transaction with nothing left: kept until its delete horizon passes
      if (horizon >= 0 && horizon <= now) return lastOfProducer ? emptyOf(b, h) : null
      if (horizon >= 0) {
        noteHorizon(horizon)
        return original
      }
      const r = spansOf(b, h)
      if (!r) return original
      const hz = now + deleteRetentionMs
      noteHorizon(hz)
      return rebuildBatch(r.batch, h, r.rd, r.spans, hz)
    }
    const isAborted = h.transactional && aborted.aborted(h.producerId, h.baseOffset, h.lastOffset)
    const r = spansOf(b, h)
    if (!r) return original
    result.recordsRead += r.spans.length
    const kept: RecordSpan[] = []
    let tombstones = false
    if (!isAborted) {
      for (const s of r.spans) {
        const offset = h.baseOffset + s.offsetDelta
        if (offset >= result.endOffset) {
          kept.push(s)
          if (s.nullValue) tombstones = true
          continue
        }
        if (!s.key) continue // compacted topics keep only keyed records (Kafka counts these as invalid)
        const latest = map.get(s.key)
        if (latest > offset) continue
        if (s.nullValue) {
          if (horizon >= 0 && horizon <= now) continue
          tombstones = true
        }
        kept.push(s)
      }
    }
    result.recordsKept += kept.length
    if (kept.length > 0 && h.transactional) txnHasData.set(h.producerId, true)
    if (kept.length === 0) return lastOfProducer ? emptyOf(b, h) : null
    const needHorizon = tombstones && horizon < 0
    if (horizon >= 0 && tombstones) noteHorizon(horizon)
    if (kept.length === r.spans.length && !needHorizon) return original
    const hz = needHorizon ? now + deleteRetentionMs : horizon
    if (needHorizon) noteHorizon(hz)
    return rebuildBatch(r.batch, h, r.rd, kept, hz)
  }

  function emptyOf(b: ScannedBatch, h: BatchHeader): Buffer {
    const batch = b.buf.subarray(b.off, b.off + b.size)
    return rebuildBatch(batch, h, { data: Buffer.alloc(0), start: 0 }, [], -1)
  }
}
