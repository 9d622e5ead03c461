/**
 * How cleaned segments replace the old ones so that a crash at any moment leaves the log either
 * as it was or as cleaned, never both or neither (Kafka's `.cleaned` → `.swap` scheme):
 *
 *  1. the cleaned group is written to `<base>.log.cleaned` with its `.index.cleaned`,
 *     `.timeindex.cleaned` (and `.txnindex.cleaned`), and fsynced;
 *  2. the index files are renamed to `.swap`, then `.log.cleaned` → `.log.swap`: this last
 *     rename is the commit point;
 *  3. the old segments of the group are renamed to `….deleted` (quick; the files are unlinked
 *     later, off the request path, as Kafka deletes asynchronously);
 *  4. `.log.swap` → `.log`, then the index `.swap` files take their final names.
 *
 * completeCleanerSwaps() runs before a partition directory is loaded and finishes or undoes
 * whatever a crash interrupted: `.cleaned` files are dropped (not committed); a `.log.swap`
 * replaces its base segment and every old segment starting inside its offset range, then takes
 * its final name; an index `.swap` is kept only when its log was committed; `.deleted` files go.
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs'
import { open as openAsync, unlink as unlinkAsync } from 'node:fs/promises'
import { join } from 'node:path'
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, lastOffset as batchLastOffset, validateBatchHeader } from '../../records/batch.js'
import { segmentFileName } from '../log-segment.js'

export const CLEANED_SUFFIX = '.cleaned'
export const SWAP_SUFFIX = '.swap'
export const DELETED_SUFFIX = '.deleted'
/** Files of a segment that the swap replaces. */
const SEGMENT_EXTS = ['.log', '.index', '.timeindex', '.txnindex']
/** Files that go with a segment's log file: renamed with it, kept only if it was committed. */
const INDEX_EXTS = ['.index', '.timeindex', '.txnindex']

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

/** fsync of a directory off the event loop (makes the renames in it durable). */
export async function fsyncDirAsync(dir: string): Promise<void> {
  const h = await openAsync(dir, 'r')
  try {
    await h.sync()
  } catch {
    // as fsyncDir
  } finally {
    await h.close()
  }
}

/** Step 2: commits the cleaned files of the group at `base` (the log's rename is the commit). */
export function commitCleaned(dir: string, base: number): void {
  for (const ext of INDEX_EXTS) {
    const f = segmentPath(dir, base, ext, CLEANED_SUFFIX)
    if (existsSync(f)) renameSync(f, segmentPath(dir, base, ext, SWAP_SUFFIX))
  }
  renameSync(segmentPath(dir, base, '.log', CLEANED_SUFFIX), segmentPath(dir, base, '.log', SWAP_SUFFIX))
}

/** Step 4: gives the committed files of `base` their final names, the log first. */
export function finishSwap(dir: string, base: number): void {
  renameSync(segmentPath(dir, base, '.log', SWAP_SUFFIX), segmentPath(dir, base, '.log'))
  for (const ext of INDEX_EXTS) {
    const f = segmentPath(dir, base, ext, SWAP_SUFFIX)
    if (existsSync(f)) renameSync(f, segmentPath(dir, base, ext))
  }
}

/** Drops the uncommitted output of a cleaning of the group at `base`. */
export function discardCleaned(dir: string, base: number): void {
  for (const ext of SEGMENT_EXTS) unlinkIfExists(segmentPath(dir, base, ext, CLEANED_SUFFIX))
}

/** Deletes every file of the segment at `base` (crash recovery of a swap). */
export function deleteSegmentFiles(dir: string, base: number): void {
  for (const ext of SEGMENT_EXTS) unlinkIfExists(segmentPath(dir, base, ext))
}

/**
 * Step 3: renames the files of a replaced segment to `….deleted` and returns their new paths.
 * A rename costs nothing while unlinking a large file frees its blocks, so the caller unlinks them
 * later off the request path (deleteRetired); a crash leaves them for completeCleanerSwaps.
 */
export function retireSegmentFiles(dir: string, base: number): string[] {
  const out: string[] = []
  for (const ext of SEGMENT_EXTS) {
    const f = segmentPath(dir, base, ext)
    if (!existsSync(f)) continue
    renameSync(f, `${f}${DELETED_SUFFIX}`)
    out.push(`${f}${DELETED_SUFFIX}`)
  }
  return out
}

export async function deleteRetired(paths: string[]): Promise<void> {
  for (const p of paths) await unlinkAsync(p).catch(() => undefined)
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
  const retired = files.filter((f) => f.endsWith(DELETED_SUFFIX))
  for (const f of retired) unlinkIfExists(join(dir, f))
  if (found.size === 0) return retired.length > 0 ? [`removed ${retired.length} files of replaced segments`] : []
  const done: string[] = []
  const logBases = files
    .map((f) => /^(\d{20})\.log$/.exec(f))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]))
  for (const [base, kinds] of [...found].sort((a, b) => a[0] - b[0])) {
    if (kinds.has(`.log${SWAP_SUFFIX}`)) {
      const last = lastOffsetOfFile(segmentPath(dir, base, '.log', SWAP_SUFFIX), base)
      for (const old of logBases) if (old === base || (old > base && old <= last)) deleteSegmentFiles(dir, old)
      finishSwap(dir, base)
      done.push(`completed the swap of cleaned segment ${base} (offsets up to ${last})`)
    } else {
      // index swaps whose log already took its final name belong to it; otherwise they were not committed
      const committed = !kinds.has(`.log${CLEANED_SUFFIX}`) && existsSync(segmentPath(dir, base, '.log'))
      for (const ext of INDEX_EXTS) {
        if (!kinds.has(`${ext}${SWAP_SUFFIX}`)) continue
        if (committed) renameSync(segmentPath(dir, base, ext, SWAP_SUFFIX), segmentPath(dir, base, ext))
        else unlinkIfExists(segmentPath(dir, base, ext, SWAP_SUFFIX))
      }
    }
    if ([...kinds].some((k) => k.endsWith(CLEANED_SUFFIX))) {
      discardCleaned(dir, base)
      done.push(`dropped the unfinished cleaning of segment ${base}`)
    }
  }
  fsyncDir(dir)
  return done
}
