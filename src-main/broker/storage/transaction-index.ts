/**
 * The aborted-transaction index of one segment, in Kafka's `.txnindex` format: one 34-byte
 * big-endian entry per transaction aborted by a marker written into this segment:
 *
 *   version int16 (0) | producerId int64 | firstOffset int64 | lastOffset int64 | lastStableOffset int64
 *
 * firstOffset is the transaction's first data offset, lastOffset the offset of its ABORT marker
 * and lastStableOffset the partition's LSO once the marker was written. read_committed fetches
 * read it to tell consumers which data to drop. Aborts are rare, so the file is created on first
 * use, appended with plain writes and kept in memory once read.
 */
import { appendFileSync, existsSync, readFileSync, rmSync, truncateSync } from 'node:fs'
import { join } from 'node:path'

export const TXN_INDEX_SUFFIX = '.txnindex'
export const TXN_INDEX_ENTRY_SIZE = 34
const TXN_INDEX_VERSION = 0

export interface AbortedTxn {
  producerId: number
  firstOffset: number
  lastOffset: number
  lastStableOffset: number
}

export function txnIndexPath(dir: string, baseOffset: number): string {
  return join(dir, `${String(baseOffset).padStart(20, '0')}${TXN_INDEX_SUFFIX}`)
}

export function encodeAbortedTxn(t: AbortedTxn): Buffer {
  const b = Buffer.alloc(TXN_INDEX_ENTRY_SIZE)
  b.writeInt16BE(TXN_INDEX_VERSION, 0)
  b.writeBigInt64BE(BigInt(t.producerId), 2)
  b.writeBigInt64BE(BigInt(t.firstOffset), 10)
  b.writeBigInt64BE(BigInt(t.lastOffset), 18)
  b.writeBigInt64BE(BigInt(t.lastStableOffset), 26)
  return b
}

/** Entries of a .txnindex file's bytes; a torn last entry is ignored. Throws on an unknown version. */
export function decodeAbortedTxns(buf: Buffer): AbortedTxn[] {
  const out: AbortedTxn[] = []
  for (let p = 0; p + TXN_INDEX_ENTRY_SIZE <= buf.length; p += TXN_INDEX_ENTRY_SIZE) {
    const version = buf.readInt16BE(p)
    if (version !== TXN_INDEX_VERSION) throw new Error(`unknown .txnindex entry version ${version}`)
    out.push({
      producerId: Number(buf.readBigInt64BE(p + 2)),
      firstOffset: Number(buf.readBigInt64BE(p + 10)),
      lastOffset: Number(buf.readBigInt64BE(p + 18)),
      lastStableOffset: Number(buf.readBigInt64BE(p + 26)),
    })
  }
  return out
}

export class TransactionIndex {
  private entries: AbortedTxn[] | null = null

  constructor(readonly path: string) {}

  private load(): AbortedTxn[] {
    if (this.entries) return this.entries
    this.entries = existsSync(this.path) ? decodeAbortedTxns(readFileSync(this.path)) : []
    return this.entries
  }

  all(): readonly AbortedTxn[] {
    return this.load()
  }

  /**
   * Adds an entry. Entries come in marker order; one at or below the last lastOffset is already
   * here (the log replayed from a snapshot after a crash) and is skipped.
   */
  append(t: AbortedTxn): void {
    const entries = this.load()
    const last = entries[entries.length - 1]
    if (last && t.lastOffset <= last.lastOffset) return
    appendFileSync(this.path, encodeAbortedTxn(t), { mode: 0o600 })
    entries.push(t)
  }

  /** Drops entries whose marker is at or beyond `offset` (log truncation). */
  truncateTo(offset: number): void {
    const entries = this.load()
    const keep = entries.filter((e) => e.lastOffset < offset)
    if (keep.length === entries.length) return
    this.entries = keep
    if (keep.length === 0) rmSync(this.path, { force: true })
    else truncateSync(this.path, keep.length * TXN_INDEX_ENTRY_SIZE)
  }

  /**
   * Aborted transactions overlapping [fetchOffset, upperBoundOffset): Kafka's collectAbortedTxns.
   * `complete` tells the caller that a later segment cannot add any (an entry's LSO reached the bound).
   */
  collect(fetchOffset: number, upperBoundOffset: number): { found: AbortedTxn[]; complete: boolean } {
    const found: AbortedTxn[] = []
    for (const e of this.load()) {
      if (e.lastOffset >= fetchOffset && e.firstOffset < upperBoundOffset) found.push(e)
      if (e.lastStableOffset >= upperBoundOffset) return { found, complete: true }
    }
    return { found, complete: false }
  }

  delete(): void {
    this.entries = []
    rmSync(this.path, { force: true })
  }
}
