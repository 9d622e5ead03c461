/**
 * How cleaned segments replace the old ones so that a crash at any moment leaves the log either
 * as it was or as cleaned, never both or neither (Kafka's `.cleaned` → `.swap` scheme):
 *
 *  1. the cleaned group is written to `<base>.log.cleaned` (and `<base>.txnindex.cleaned`) and
 *     fsynced;
 *  2. `.txnindex.cleaned` → `.txnindex.swap`, then `.log.cleaned` → `.log.swap`: this last rename
 *     is the commit point (the directory is fsynced after it);
 *  3. the old segments of the group are deleted (log, indexes, txn index);
 *  4. `.log.swap` → `.log`, then `.txnindex.swap` → `.txnindex`; the offset and time indexes of
 *     the new segment are rebuilt from its batches when it is opened.
 *
 * completeCleanerSwaps() runs before a partition directory is loaded and finishes or undoes
 * whatever a crash interrupted: `.cleaned` files are dropped (not committed); a `.log.swap`
 * replaces its base segment and every old segment starting inside its offset range, then takes
 * its final name; a `.txnindex.swap` is kept only when its log was committed.
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, lastOffset as batchLastOffset, validateBatchHeader } from '../../records/batch.js'
import { segmentFileName } from '../log-segment.js'

export const CLEANED_SUFFIX = '.cleaned'
export const SWAP_SUFFIX = '.swap'
/** Files of a segment that the swap replaces (the indexes are rebuilt, the txn index carried over). */
const SEGMENT_EXTS = ['.log', '.index', '.timeindex', '.txnindex']

export function segmentPath(dir: string, base: number, ext: string, suffix = ''): string {
  return join(dir, `${segmentFileName(base, ext)}${suffix}`)
}

function unlinkIfExists(path: string): void {
  if (existsSync(path)) unlinkSync(path)
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } catch {
    // some filesystems refuse fsync on a directory; the renames are still ordered by the kernel
  } finally {
    closeSync(fd)
  }
}

/** Step 2: commits the cleaned files of the group at `base`. */
export function commitCleaned(dir: string, base: number): void {
  const txn = segmentPath(dir, base, '.txnindex', CLEANED_SUFFIX)
  if (existsSync(txn)) renameSync(txn, segmentPath(dir, base, '.txnindex', SWAP_SUFFIX))
  renameSync(segmentPath(dir, base, '.log', CLEANED_SUFFIX), segmentPath(dir, base, '.log', SWAP_SUFFIX))
  fsyncDir(dir)
}

/** Step 4: gives the committed files of `base` their final names. */
export function finishSwap(dir: string, base: number): void {
  renameSync(segmentPath(dir, base, '.log', SWAP_SUFFIX), segmentPath(dir, base, '.log'))
  const txn = segmentPath(dir, base, '.txnindex', SWAP_SUFFIX)
  if (existsSync(txn)) renameSync(txn, segmentPath(dir, base, '.txnindex'))
}

/** Drops the uncommitted output of a cleaning of the group at `base`. */
export function discardCleaned(dir: string, base: number): void {
  unlinkIfExists(segmentPath(dir, base, '.log', CLEANED_SUFFIX))
  unlinkIfExists(segmentPath(dir, base, '.txnindex', CLEANED_SUFFIX))
}

/** Deletes every file of the segment at `base` (the old segments replaced by a swap). */
export function deleteSegmentFiles(dir: string, base: number): void {
  for (const ext of SEGMENT_EXTS) unlinkIfExists(segmentPath(dir, base, ext))
}

/** Last offset of the complete batches of a log file (its base − 1 when it holds none). */
function lastOffsetOfFile(path: string, base: number): number {
  const buf = readFileSync(path)
  let last = base - 1
  let p = 0
  while (buf.length - p >= BATCH_HEADER_SIZE) {
    const size = buf.readInt32BE(p + 8) + LOG_OVERHEAD
    if (size < BATCH_HEADER_SIZE || p + size > buf.length || validateBatchHeader(buf, p, size) !== null) break
    last = batchLastOffset(buf, p)
    p += size
  }
  return last
}

const NAME_RE = /^(\d{20})(\.[a-z]+)(\.cleaned|\.swap)$/

/**
 * Finishes or undoes an interrupted cleaning in a partition directory (see the file comment).
 * Returns what it did, one line per swap, for the broker's log.
 */
export function completeCleanerSwaps(dir: string): string[] {
  if (!existsSync(dir)) return []
  const files = readdirSync(dir)
  const found = new Map<number, Set<string>>()
  for (const f of files) {
    const m = NAME_RE.exec(f)
    if (!m) continue
    const base = Number(m[1])
    let s = found.get(base)
    if (!s) found.set(base, (s = new Set()))
    s.add(`${m[2]}${m[3]}`)
  }
  if (found.size === 0) return []
  const done: string[] = []
  const logBases = files.map((f) => /^(\d{20})\.log$/.exec(f)).filter((m) => m !== null).map((m) => Number(m[1]))
  for (const [base, kinds] of [...found].sort((a, b) => a[0] - b[0])) {
    if (kinds.has(`.log${SWAP_SUFFIX}`)) {
      const last = lastOffsetOfFile(segmentPath(dir, base, '.log', SWAP_SUFFIX), base)
      for (const old of logBases) if (old === base || (old > base && old <= last)) deleteSegmentFiles(dir, old)
      finishSwap(dir, base)
      done.push(`completed the swap of cleaned segment ${base} (offsets up to ${last})`)
    } else if (kinds.has(`.txnindex${SWAP_SUFFIX}`)) {
      const committed = !kinds.has(`.log${CLEANED_SUFFIX}`) && existsSync(segmentPath(dir, base, '.log'))
      if (committed) renameSync(segmentPath(dir, base, '.txnindex', SWAP_SUFFIX), segmentPath(dir, base, '.txnindex'))
      else unlinkIfExists(segmentPath(dir, base, '.txnindex', SWAP_SUFFIX))
    }
    if (kinds.has(`.log${CLEANED_SUFFIX}`) || kinds.has(`.txnindex${CLEANED_SUFFIX}`)) {
      discardCleaned(dir, base)
      done.push(`dropped the unfinished cleaning of segment ${base}`)
    }
    for (const k of kinds) {
      // index swaps are never written (indexes are rebuilt); anything else left over goes
      if (k.startsWith('.index') || k.startsWith('.timeindex')) unlinkIfExists(join(dir, `${segmentFileName(base, '')}${k}`))
    }
  }
  fsyncDir(dir)
  return done
}
