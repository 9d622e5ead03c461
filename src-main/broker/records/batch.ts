/**
 * Record batch v2 ("magic 2") header access, splitting, in-place edits and validation.
 * Everything works on the bytes as received: no copies, no per-record objects.
 *
 * baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 * attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
 * producerId int64 | producerEpoch int16 | baseSequence int32 | recordsCount int32 | records…
 * The CRC-32C covers attributes..end; baseOffset and partitionLeaderEpoch are outside it.
 */
import { crc32c } from '@node-rs/crc32'
import { decompress, CompressionError } from './compression.js'
import { decompressBounded, DecompressedTooLarge } from './bounded-decompress.js'
import { cursor, readVarint, skipVarlong, VarintError } from './varint.js'

export const BASE_OFFSET_OFFSET = 0
export const BATCH_LENGTH_OFFSET = 8
export const PARTITION_LEADER_EPOCH_OFFSET = 12
export const MAGIC_OFFSET = 16
export const CRC_OFFSET = 17
export const ATTRIBUTES_OFFSET = 21
export const LAST_OFFSET_DELTA_OFFSET = 23
export const BASE_TIMESTAMP_OFFSET = 27
export const MAX_TIMESTAMP_OFFSET = 35
export const PRODUCER_ID_OFFSET = 43
export const PRODUCER_EPOCH_OFFSET = 51
export const BASE_SEQUENCE_OFFSET = 53
export const RECORDS_COUNT_OFFSET = 57
export const RECORDS_OFFSET = 61
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12
/** Size of a batch header (an empty batch). */
export const BATCH_HEADER_SIZE = RECORDS_OFFSET
export const CURRENT_MAGIC = 2

export const COMPRESSION_MASK = 0x07
export const TIMESTAMP_TYPE_MASK = 0x08
export const TRANSACTIONAL_MASK = 0x10
export const CONTROL_MASK = 0x20
export const DELETE_HORIZON_MASK = 0x40

export const NO_PRODUCER_ID = -1
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
export const NO_TIMESTAMP = -1
export const NO_PARTITION_LEADER_EPOCH = -1

/** Kafka error names batch validation can produce. */
export type BatchError = 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'UNSUPPORTED_FOR_MESSAGE_FORMAT' | 'MESSAGE_TOO_LARGE'

const TWO_32 = 0x100000000

/** int64 as a JS number (exact within ±2^53). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4)
}

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4)
}

// ---- header field readers: (buf, pos of the batch) ----
export const baseOffset = (b: Buffer, p = 0): number => readInt64(b, p + BASE_OFFSET_OFFSET)
export const batchLength = (b: Buffer, p = 0): number => b.readInt32BE(p + BATCH_LENGTH_OFFSET)
/** Total size of the batch in bytes (batchLength + 12). */
export const batchSize = (b: Buffer, p = 0): number => b.readInt32BE(p + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
export const partitionLeaderEpoch = (b: Buffer, p = 0): number => b.readInt32BE(p + PARTITION_LEADER_EPOCH_OFFSET)
export const magic = (b: Buffer, p = 0): number => b.readInt8(p + MAGIC_OFFSET)
export const crc = (b: Buffer, p = 0): number => b.readUInt32BE(p + CRC_OFFSET)
export const attributes = (b: Buffer, p = 0): number => b.readInt16BE(p + ATTRIBUTES_OFFSET)
export const compressionOf = (b: Buffer, p = 0): number => b[p + ATTRIBUTES_OFFSET + 1]! & COMPRESSION_MASK
export const isLogAppendTime = (b: Buffer, p = 0): boolean => (b[p + ATTRIBUTES_OFFSET + 1]! & TIMESTAMP_TYPE_MASK) !== 0
export const isTransactional = (b: Buffer, p = 0): boolean => (b[p + ATTRIBUTES_OFFSET + 1]! & TRANSACTIONAL_MASK) !== 0
export const isControl = (b: Buffer, p = 0): boolean => (b[p + ATTRIBUTES_OFFSET + 1]! & CONTROL_MASK) !== 0
export const lastOffsetDelta = (b: Buffer, p = 0): number => b.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET)
export const lastOffset = (b: Buffer, p = 0): number => baseOffset(b, p) + lastOffsetDelta(b, p)
export const baseTimestamp = (b: Buffer, p = 0): number => readInt64(b, p + BASE_TIMESTAMP_OFFSET)
export const maxTimestamp = (b: Buffer, p = 0): number => readInt64(b, p + MAX_TIMESTAMP_OFFSET)
export const producerId = (b: Buffer, p = 0): number => readInt64(b, p + PRODUCER_ID_OFFSET)
export const producerEpoch = (b: Buffer, p = 0): number => b.readInt16BE(p + PRODUCER_EPOCH_OFFSET)
export const baseSequence = (b: Buffer, p = 0): number => b.readInt32BE(p + BASE_SEQUENCE_OFFSET)
export const recordsCount = (b: Buffer, p = 0): number => b.readInt32BE(p + RECORDS_COUNT_OFFSET)

/** The header fields of one batch as a plain object (one small allocation per batch). */
export interface BatchHeader {
  baseOffset: number
  /** Total bytes of the batch (batchLength + 12). */
  size: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  compression: number
  logAppendTime: boolean
  transactional: boolean
  control: boolean
  lastOffsetDelta: number
  lastOffset: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordsCount: number
}

/** Reads the header of the batch at `pos` (needs BATCH_HEADER_SIZE bytes there). */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  const attrs = attributes(buf, pos)
  const base = baseOffset(buf, pos)
  const delta = lastOffsetDelta(buf, pos)
  return {
    baseOffset: base,
    size: batchSize(buf, pos),
    partitionLeaderEpoch: partitionLeaderEpoch(buf, pos),
    magic: magic(buf, pos),
    crc: crc(buf, pos),
    attributes: attrs,
    compression: attrs & COMPRESSION_MASK,
    logAppendTime: (attrs & TIMESTAMP_TYPE_MASK) !== 0,
    transactional: (attrs & TRANSACTIONAL_MASK) !== 0,
    control: (attrs & CONTROL_MASK) !== 0,
    lastOffsetDelta: delta,
    lastOffset: base + delta,
    baseTimestamp: baseTimestamp(buf, pos),
    maxTimestamp: maxTimestamp(buf, pos),
    producerId: producerId(buf, pos),
    producerEpoch: producerEpoch(buf, pos),
    baseSequence: baseSequence(buf, pos),
    recordsCount: recordsCount(buf, pos),
  }
}

/** Last sequence of a batch: baseSequence + lastOffsetDelta, wrapping at 2^31-1 like Kafka. */
export function lastSequence(baseSeq: number, lastOffsetDeltaValue: number): number {
  if (baseSeq === NO_SEQUENCE) return NO_SEQUENCE
  if (baseSeq > 0x7fffffff - lastOffsetDeltaValue) return lastOffsetDeltaValue - (0x7fffffff - baseSeq) - 1
  return baseSeq + lastOffsetDeltaValue
}

export interface SplitResult {
  /** Views (subarrays) onto each complete batch. */
  batches: Buffer[]
  /** Bytes after the last complete batch (a partial batch); 0 when the blob ends cleanly. */
  partialBytes: number
  /** Set when a batch declares an impossible length; splitting stops there. */
  error?: 'CORRUPT_MESSAGE'
}

/**
 * Splits a records blob (Produce request, fetch response, log segment bytes) into batch views.
 * Stops at a trailing partial batch and reports its size.
 */
export function splitBatches(buf: Buffer): SplitResult {
  // A length below 5 cannot even reach the magic byte (at 16 in every message format), so old
  // formats still split far enough for validateBatch to answer UNSUPPORTED_FOR_MESSAGE_FORMAT.
  const batches: Buffer[] = []
  let p = 0
  while (p < buf.length) {
    if (buf.length - p < LOG_OVERHEAD) break
    const size = buf.readInt32BE(p + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
    if (size < LOG_OVERHEAD + 5) return { batches, partialBytes: buf.length - p, error: 'CORRUPT_MESSAGE' }
    if (p + size > buf.length) break
    batches.push(buf.subarray(p, p + size))
    p += size
  }
  return { batches, partialBytes: buf.length - p }
}

/** Calls `fn(pos, size)` for every complete batch in `buf`; returns the end of the last one. */
export function forEachBatch(buf: Buffer, fn: (pos: number, size: number) => boolean | void): number {
  let p = 0
  while (buf.length - p >= LOG_OVERHEAD) {
    const size = buf.readInt32BE(p + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
    if (size < BATCH_HEADER_SIZE || p + size > buf.length) break
    if (fn(p, size) === false) return p + size
    p += size
  }
  return p
}

// ---- in-place edits ----
export function setBaseOffset(buf: Buffer, offset: number, pos = 0): void {
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, offset)
}

export function setPartitionLeaderEpoch(buf: Buffer, epoch: number, pos = 0): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET)
}

export function computeCrc(buf: Buffer, pos = 0, size = batchSize(buf, pos)): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size)) >>> 0
}

export function writeCrc(buf: Buffer, pos = 0): void {
  buf.writeUInt32BE(computeCrc(buf, pos), pos + CRC_OFFSET)
}

/** LogAppendTime: sets the timestamp-type bit and maxTimestamp, then recomputes the CRC. */
export function setLogAppendTime(buf: Buffer, timestamp: number, pos = 0): void {
  const a = buf.readInt16BE(pos + ATTRIBUTES_OFFSET)
  buf.writeInt16BE(a | TIMESTAMP_TYPE_MASK, pos + ATTRIBUTES_OFFSET)
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, timestamp)
  writeCrc(buf, pos)
}

// ---- validation ----
export interface ValidateOptions {
  /**
   * Checks only what a broker checks for any origin (length, magic, CRC, records decode).
   * By default (client input) also: recordsCount > 0 and == lastOffsetDelta + 1, offsetDeltas 0..n-1.
   */
  trusted?: boolean
  /** Compacted topics: every record needs a non-null key (else INVALID_RECORD, as Kafka). */
  requireKeys?: boolean
  /**
   * Client input: the largest size the batch may have once its records are decompressed
   * (message.max.bytes / max.message.bytes). Decompression stops there: MESSAGE_TOO_LARGE.
   */
  maxDecompressedBytes?: number
}

/** Structural checks that need only the header and CRC (used by log recovery too). */
export function validateBatchHeader(buf: Buffer, pos = 0, available = buf.length - pos): BatchError | null {
  if (available < MAGIC_OFFSET + 1) return 'CORRUPT_MESSAGE'
  if (buf[pos + MAGIC_OFFSET] !== CURRENT_MAGIC) return 'UNSUPPORTED_FOR_MESSAGE_FORMAT'
  if (available < BATCH_HEADER_SIZE) return 'CORRUPT_MESSAGE'
  const size = batchSize(buf, pos)
  if (size < BATCH_HEADER_SIZE || size > available) return 'CORRUPT_MESSAGE'
  if (computeCrc(buf, pos, size) !== crc(buf, pos)) return 'CORRUPT_MESSAGE'
  return null
}

/**
 * Validates one batch occupying the whole of `buf`. Returns a Kafka error name or null.
 * - magic ≠ 2 → UNSUPPORTED_FOR_MESSAGE_FORMAT (older message formats are not supported)
 * - length inconsistent, CRC mismatch, undecompressible → CORRUPT_MESSAGE
 * - bad count / offset deltas / record structure → INVALID_RECORD (Kafka's InvalidRecordException)
 */
export function validateBatch(buf: Buffer, options: ValidateOptions = {}): BatchError | null {
  const framing = validateBatchFraming(buf, options)
  if (framing) return framing
  const codec = compressionOf(buf)
  if (codec === 0) return validateBatchRecords(buf, buf, options)
  let data: Buffer
  try {
    const body = buf.subarray(RECORDS_OFFSET)
    data =
      options.maxDecompressedBytes === undefined
        ? decompress(codec, body)
        : decompressBounded(codec, body, decompressedRecordsLimit(options.maxDecompressedBytes))
  } catch (e) {
    if (e instanceof DecompressedTooLarge) return 'MESSAGE_TOO_LARGE'
    if (e instanceof CompressionError) return 'CORRUPT_MESSAGE'
    throw e
  }
  return validateBatchRecords(buf, data, options)
}

/** The records part of a batch of at most `batchLimit` bytes. */
export function decompressedRecordsLimit(batchLimit: number): number {
  return Math.max(0, batchLimit - RECORDS_OFFSET)
}

/** The checks of validateBatch that need no decompression: header, CRC, counts. */
export function validateBatchFraming(buf: Buffer, options: ValidateOptions = {}): BatchError | null {
  const headerError = validateBatchHeader(buf, 0)
  if (headerError) return headerError
  if (batchSize(buf) !== buf.length) return 'CORRUPT_MESSAGE'
  const count = recordsCount(buf)
  const delta = lastOffsetDelta(buf)
  if (count < 0 || delta < 0) return 'INVALID_RECORD'
  if (!options.trusted && (count <= 0 || count !== delta + 1)) return 'INVALID_RECORD'
  return null
}

/** Walks the records of a batch: `data` is the batch itself when uncompressed, else its decompressed records. */
export function validateBatchRecords(buf: Buffer, data: Buffer, options: ValidateOptions = {}): BatchError | null {
  const start = data === buf ? RECORDS_OFFSET : 0
  return walkRecords(data, start, data.length, recordsCount(buf), !options.trusted, options.requireKeys === true && !isControl(buf))
}

/**
 * Walks `count` records in data[start, end) checking their structure without allocating.
 * With `strictOffsets` the offsetDeltas must be 0..count-1.
 */
export function walkRecords(data: Buffer, start: number, end: number, count: number, strictOffsets: boolean, requireKeys = false): BatchError | null {
  let p = start
  try {
    for (let i = 0; i < count; i++) {
      cursor.pos = p
      const len = readVarint(data, end)
      const recStart = cursor.pos
      const recEnd = recStart + len
      if (len < 1 || recEnd > end) return 'INVALID_RECORD'
      cursor.pos = recStart + 1 // attributes int8
      skipVarlong(data, recEnd) // timestampDelta
      const offsetDelta = readVarint(data, recEnd)
      if (strictOffsets && offsetDelta !== i) return 'INVALID_RECORD'
      const keyLen = readVarint(data, recEnd)
      if (keyLen < -1 || (requireKeys && keyLen < 0)) return 'INVALID_RECORD'
      if (keyLen > 0) cursor.pos += keyLen
      const valueLen = readVarint(data, recEnd)
      if (valueLen < -1) return 'INVALID_RECORD'
      if (valueLen > 0) cursor.pos += valueLen
      const headers = readVarint(data, recEnd)
      if (headers < 0) return 'INVALID_RECORD'
      for (let h = 0; h < headers; h++) {
        const hk = readVarint(data, recEnd)
        if (hk < 0) return 'INVALID_RECORD'
        cursor.pos += hk
        const hv = readVarint(data, recEnd)
        if (hv < -1) return 'INVALID_RECORD'
        if (hv > 0) cursor.pos += hv
      }
      if (cursor.pos !== recEnd) return 'INVALID_RECORD'
      p = recEnd
    }
  } catch (e) {
    if (e instanceof VarintError) return 'INVALID_RECORD'
    throw e
  }
  return p === end ? null : 'INVALID_RECORD'
}
