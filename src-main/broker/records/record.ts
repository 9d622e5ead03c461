/**
 * Records as objects: decoding a batch's records (console, tests, compaction, internal topics)
 * and building v2 batches (internal topics such as __consumer_offsets, control markers, tests).
 * The produce/fetch hot path never goes through here.
 */
import {
  BATCH_HEADER_SIZE,
  RECORDS_OFFSET,
  CONTROL_MASK,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_MASK,
  NO_PRODUCER_ID,
  NO_PRODUCER_EPOCH,
  NO_SEQUENCE,
  NO_PARTITION_LEADER_EPOCH,
  readBatchHeader,
  writeInt64,
  writeCrc,
  type BatchHeader,
} from './batch.js'
import { compress, decompress, compressionType, type CompressionName, type CompressionType } from './compression.js'
import { cursor, readVarint, readVarlong, sizeOfVarint, writeVarint } from './varint.js'

export interface RecordHeader {
  key: string
  value: Buffer | null
}

export interface Record {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

export interface DecodedBatch extends BatchHeader {
  records: Record[]
}

/** Decodes every record of one batch (decompressing if needed). Throws on malformed input. */
export function decodeBatch(batch: Buffer): DecodedBatch {
  const header = readBatchHeader(batch)
  return { ...header, records: decodeRecords(batch, header) }
}

/** Decodes the records of one batch. Record timestamps follow the batch's timestamp type. */
export function decodeRecords(batch: Buffer, header: BatchHeader = readBatchHeader(batch)): Record[] {
  const data = header.compression === 0 ? batch.subarray(0, header.size) : decompress(header.compression, batch.subarray(RECORDS_OFFSET, header.size))
  let p = header.compression === 0 ? RECORDS_OFFSET : 0
  const end = data.length
  const records: Record[] = new Array(Math.max(0, header.recordsCount))
  for (let i = 0; i < header.recordsCount; i++) {
    cursor.pos = p
    const len = readVarint(data, end)
    const recEnd = cursor.pos + len
    if (len < 1 || recEnd > end) throw new Error('invalid record length')
    cursor.pos += 1 // attributes
    const tsDelta = readVarlong(data, recEnd)
    const offsetDelta = readVarint(data, recEnd)
    const key = readBytes(data, recEnd)
    const value = readBytes(data, recEnd)
    const n = readVarint(data, recEnd)
    if (n < 0) throw new Error('invalid header count')
    const headers: RecordHeader[] = new Array(n)
    for (let h = 0; h < n; h++) {
      const k = readBytes(data, recEnd)
      if (k === null) throw new Error('null header key')
      headers[h] = { key: k.toString('utf8'), value: readBytes(data, recEnd) }
    }
    if (cursor.pos !== recEnd) throw new Error('record length mismatch')
    records[i] = {
      offset: header.baseOffset + offsetDelta,
      timestamp: header.logAppendTime ? header.maxTimestamp : header.baseTimestamp + tsDelta,
      key,
      value,
      headers,
    }
    p = recEnd
  }
  return records
}

function readBytes(data: Buffer, end: number): Buffer | null {
  const len = readVarint(data, end)
  if (len < 0) return null
  const start = cursor.pos
  if (start + len > end) throw new Error('field runs past the record')
  cursor.pos = start + len
  return data.subarray(start, start + len)
}

/** Timestamp and offset of each record, for index/timestamp lookups (decompresses if needed). */
export function recordTimestamps(batch: Buffer): Array<{ offset: number; timestamp: number }> {
  return decodeRecords(batch).map((r) => ({ offset: r.offset, timestamp: r.timestamp }))
}

// ---- building ----
export type Bytes = Buffer | string | null | undefined

export interface BuildRecord {
  key?: Bytes
  value?: Bytes
  headers?: Array<{ key: string; value?: Bytes }>
  /** Defaults to the batch's `timestamp` option, else Date.now(). */
  timestamp?: number
}

export interface BuildBatchOptions {
  records: BuildRecord[]
  compression?: CompressionName | CompressionType
  baseOffset?: number
  partitionLeaderEpoch?: number
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  transactional?: boolean
  control?: boolean
  /** Default timestamp of records that have none. */
  timestamp?: number
  /** With LogAppendTime, maxTimestamp is `logAppendTime` and the timestamp-type bit is set. */
  timestampType?: 'CreateTime' | 'LogAppendTime'
  logAppendTime?: number
}

function toBytes(b: Bytes): Buffer | null {
  if (b === null || b === undefined) return null
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : b
}

/** Builds a valid record batch v2 (CRC computed). */
export function buildBatch(opts: BuildBatchOptions): Buffer {
  const codec = compressionType(opts.compression ?? 'none')
  const defaultTs = opts.timestamp ?? Date.now()
  const n = opts.records.length
  const timestamps = opts.records.map((r) => r.timestamp ?? defaultTs)
  const baseTimestamp = n > 0 ? timestamps[0]! : defaultTs
  let maxTs = n > 0 ? Math.max(...timestamps) : defaultTs
  // encode records
  const encoded: Array<{ key: Buffer | null; value: Buffer | null; headers: Array<{ k: Buffer; v: Buffer | null }>; bodySize: number }> = []
  let total = 0
  for (let i = 0; i < n; i++) {
    const r = opts.records[i]!
    const key = toBytes(r.key)
    const value = toBytes(r.value)
    const headers = (r.headers ?? []).map((h) => ({ k: Buffer.from(h.key, 'utf8'), v: toBytes(h.value) }))
    let body = 1 + sizeOfVarint(timestamps[i]! - baseTimestamp) + sizeOfVarint(i)
    body += sizeOfVarint(key ? key.length : -1) + (key ? key.length : 0)
    body += sizeOfVarint(value ? value.length : -1) + (value ? value.length : 0)
    body += sizeOfVarint(headers.length)
    for (const h of headers) body += sizeOfVarint(h.k.length) + h.k.length + sizeOfVarint(h.v ? h.v.length : -1) + (h.v ? h.v.length : 0)
    encoded.push({ key, value, headers, bodySize: body })
    total += sizeOfVarint(body) + body
  }
  const raw = Buffer.alloc(total)
  let p = 0
  for (let i = 0; i < n; i++) {
    const e = encoded[i]!
    p = writeVarint(raw, p, e.bodySize)
    raw[p++] = 0
    p = writeVarint(raw, p, timestamps[i]! - baseTimestamp)
    p = writeVarint(raw, p, i)
    p = writeField(raw, p, e.key)
    p = writeField(raw, p, e.value)
    p = writeVarint(raw, p, e.headers.length)
    for (const h of e.headers) {
      p = writeField(raw, p, h.k)
      p = writeField(raw, p, h.v)
    }
  }
  const payload = codec === 0 ? raw : compress(codec, raw)
  const buf = Buffer.alloc(BATCH_HEADER_SIZE + payload.length)
  let attrs = codec
  if (opts.timestampType === 'LogAppendTime') {
    attrs |= TIMESTAMP_TYPE_MASK
    maxTs = opts.logAppendTime ?? maxTs
  }
  if (opts.transactional) attrs |= TRANSACTIONAL_MASK
  if (opts.control) attrs |= CONTROL_MASK
  writeInt64(buf, 0, opts.baseOffset ?? 0)
  buf.writeInt32BE(buf.length - 12, 8)
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, 12)
  buf.writeInt8(2, 16)
  buf.writeInt16BE(attrs, 21)
  buf.writeInt32BE(Math.max(0, n - 1), 23)
  writeInt64(buf, 27, baseTimestamp)
  writeInt64(buf, 35, maxTs)
  writeInt64(buf, 43, opts.producerId ?? NO_PRODUCER_ID)
  buf.writeInt16BE(opts.producerEpoch ?? NO_PRODUCER_EPOCH, 51)
  buf.writeInt32BE(opts.baseSequence ?? NO_SEQUENCE, 53)
  buf.writeInt32BE(n, 57)
  payload.copy(buf, RECORDS_OFFSET)
  writeCrc(buf)
  return buf
}

function writeField(buf: Buffer, p: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, p, -1)
  p = writeVarint(buf, p, b.length)
  b.copy(buf, p)
  return p + b.length
}

// ---- control records (transaction markers) ----
export const ControlType = { ABORT: 0, COMMIT: 1 } as const

export interface ControlMarkerOptions {
  type: 'COMMIT' | 'ABORT'
  producerId: number
  producerEpoch: number
  coordinatorEpoch: number
  timestamp?: number
  baseOffset?: number
  partitionLeaderEpoch?: number
}

/** Builds an end-transaction marker batch: key = version int16 0 + type int16, value = version int16 0 + coordinatorEpoch int32. */
export function buildControlBatch(o: ControlMarkerOptions): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0)
  key.writeInt16BE(ControlType[o.type], 2)
  const value = Buffer.alloc(6)
  value.writeInt16BE(0, 0)
  value.writeInt32BE(o.coordinatorEpoch, 2)
  return buildBatch({
    records: [{ key, value, timestamp: o.timestamp }],
    producerId: o.producerId,
    producerEpoch: o.producerEpoch,
    transactional: true,
    control: true,
    baseOffset: o.baseOffset,
    partitionLeaderEpoch: o.partitionLeaderEpoch,
    timestamp: o.timestamp,
  })
}

/** Reads a control record's key: 'COMMIT', 'ABORT', or null for other/unknown control types. */
export function controlRecordType(key: Buffer | null): 'COMMIT' | 'ABORT' | null {
  if (!key || key.length < 4) return null
  const t = key.readInt16BE(2)
  return t === 1 ? 'COMMIT' : t === 0 ? 'ABORT' : null
}
