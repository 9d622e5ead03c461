/**
 * Rewriting a stored batch with only some of its records, as the log cleaner does (Kafka's
 * MemoryRecords.filterTo). The rewritten batch keeps the original baseOffset, lastOffsetDelta,
 * producer id/epoch, base sequence, partition leader epoch and codec, and every kept record keeps
 * its offsetDelta, so offsets never move and the producer state read back from the log is the
 * same. Record timestamps are kept exactly: their deltas are re-based on the new base timestamp,
 * which is the delete horizon when one is set (KIP-534) and the first kept record's otherwise.
 */
import {
  BATCH_HEADER_SIZE,
  DELETE_HORIZON_MASK,
  RECORDS_OFFSET,
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  RECORDS_COUNT_OFFSET,
  LOG_OVERHEAD,
  writeCrc,
  writeInt64,
  type BatchHeader,
} from './batch.js'
import { compress, decompress, type CompressionType } from './compression.js'
import { cursor, readVarint, readVarlong, sizeOfVarint, writeVarint } from './varint.js'

/** Where one record lies in a batch's (decompressed) records and what the cleaner needs of it. */
export interface RecordSpan {
  /** Start of the record (its length varint) and the byte after it. */
  start: number
  end: number
  /** Position right after the timestampDelta varlong: the rest is copied as is. */
  afterTimestamp: number
  offsetDelta: number
  /** The record's timestamp as stored (base timestamp + delta). */
  timestamp: number
  /** The key bytes (a view), null when the record has none. */
  key: Buffer | null
  /** A tombstone: the value is null. */
  nullValue: boolean
}

/** The bytes holding a batch's records: the batch itself (from RECORDS_OFFSET) or its decompressed body (from 0). */
export interface RecordsData {
  data: Buffer
  start: number
}

export function recordsData(batch: Buffer, h: BatchHeader): RecordsData {
  if (h.compression === 0) return { data: batch.subarray(0, h.size), start: RECORDS_OFFSET }
  return { data: decompress(h.compression, batch.subarray(RECORDS_OFFSET, h.size)), start: 0 }
}

/** The batch's delete horizon (KIP-534: its base timestamp when the DELETE_HORIZON bit is set), or -1. */
export function deleteHorizonOf(h: BatchHeader): number {
  return (h.attributes & DELETE_HORIZON_MASK) !== 0 ? h.baseTimestamp : -1
}

/** Lists the records of a batch without copying them. Throws on a malformed record. */
export function recordSpans(h: BatchHeader, rd: RecordsData): RecordSpan[] {
  const { data } = rd
  const end = data.length
  const out: RecordSpan[] = []
  let p = rd.start
  for (let i = 0; i < h.recordsCount; i++) {
    cursor.pos = p
    const len = readVarint(data, end)
    const bodyStart = cursor.pos
    const recEnd = bodyStart + len
    if (len < 1 || recEnd > end) throw new Error('invalid record length')
    cursor.pos = bodyStart + 1
    const tsDelta = readVarlong(data, recEnd)
    const afterTimestamp = cursor.pos
    const offsetDelta = readVarint(data, recEnd)
    const keyLen = readVarint(data, recEnd)
    let key: Buffer | null = null
    if (keyLen >= 0) {
      key = data.subarray(cursor.pos, cursor.pos + keyLen)
      cursor.pos += keyLen
    }
    const valueLen = readVarint(data, recEnd)
    out.push({ start: p, end: recEnd, afterTimestamp, offsetDelta, timestamp: h.baseTimestamp + tsDelta, key, nullValue: valueLen < 0 })
    p = recEnd
  }
  return out
}

/**
 * A new batch holding `kept` (records of `batch`, in order) at their original offsets. With
 * `deleteHorizon` ≥ 0 the DELETE_HORIZON bit is set and the base timestamp is the horizon.
 */
export function rebuildBatch(batch: Buffer, h: BatchHeader, rd: RecordsData, kept: RecordSpan[], deleteHorizon = -1): Buffer {
  const base = deleteHorizon >= 0 ? deleteHorizon : kept.length > 0 ? kept[0]!.timestamp : h.maxTimestamp
  let total = 0
  let maxTs = -1
  for (const r of kept) {
    const body = 1 + sizeOfVarint(r.timestamp - base) + (r.end - r.afterTimestamp)
    total += sizeOfVarint(body) + body
    if (r.timestamp > maxTs) maxTs = r.timestamp
  }
  const raw = Buffer.allocUnsafe(total)
  let p = 0
  for (const r of kept) {
    const tail = r.end - r.afterTimestamp
    const delta = r.timestamp - base
    p = writeVarint(raw, p, 1 + sizeOfVarint(delta) + tail)
    raw[p++] = 0 // record attributes (unused, always 0)
    p = writeVarint(raw, p, delta)
    rd.data.copy(raw, p, r.afterTimestamp, r.end)
    p += tail
  }
  const payload = h.compression === 0 || kept.length === 0 ? raw : compress(h.compression as CompressionType, raw)
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length)
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE)
  payload.copy(out, RECORDS_OFFSET)
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET)
  // an empty batch (kept for its producer state) has no codec: there is nothing to compress
  let attrs = kept.length === 0 ? h.attributes & ~0x07 : h.attributes
  if (deleteHorizon >= 0) attrs |= DELETE_HORIZON_MASK
  out.writeInt16BE(attrs, ATTRIBUTES_OFFSET)
  writeInt64(out, BASE_TIMESTAMP_OFFSET, base)
  writeInt64(out, MAX_TIMESTAMP_OFFSET, h.logAppendTime ? h.maxTimestamp : kept.length > 0 ? maxTs : h.maxTimestamp)
  out.writeInt32BE(kept.length, RECORDS_COUNT_OFFSET)
  writeCrc(out)
  return out
}
