/**
 * Compression codecs of record batch v2 (attributes bits 0-2). All synchronous: they run inside
 * batch validation and building.
 *
 * - gzip: node:zlib.
 * - snappy: raw snappy blocks (librdkafka, kafkajs); the xerial framed form the Java client writes
 *   is detected on decompress. We always compress to raw snappy, which every client reads.
 * - lz4: the LZ4 frame format (what Kafka uses for magic ≥ 1), via lz4-napi.
 * - zstd: decompression through node:zlib when the runtime has it (Node ≥ 22.15), else fzstd.
 *   Compression through node:zlib when available; otherwise we emit a valid zstd frame made of
 *   raw (stored) blocks. Node 20 has no zstd encoder and there is no pure-JS encoder among our
 *   dependencies; the broker only compresses its own internal batches, so "zstd without
 *   entropy coding" is correct (any zstd decoder reads it) at the cost of no size reduction.
 */
import zlib from 'node:zlib'
import snappy from 'snappy'
import { compressFrameSync, decompressFrameSync } from 'lz4-napi'
import { decompress as fzstdDecompress } from 'fzstd'
import { CompressionError } from './decompress-errors.js'

export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const
export type CompressionType = (typeof Compression)[keyof typeof Compression]
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

const NAMES: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

export function compressionName(type: number): CompressionName | undefined {
  return NAMES[type]
}

export function compressionType(name: CompressionName | CompressionType): CompressionType {
  if (typeof name === 'number') return name
  const i = NAMES.indexOf(name)
  if (i < 0) throw new Error(`unknown compression ${String(name)}`)
  return i as CompressionType
}

/** Thrown for unknown codecs and undecodable input. */
export { CompressionError }

export function compress(type: CompressionType, data: Buffer): Buffer {
  switch (type) {
    case Compression.NONE:
      return data
    case Compression.GZIP:
      return zlib.gzipSync(data)
    case Compression.SNAPPY:
      return snappy.compressSync(data)
    case Compression.LZ4:
      return compressFrameSync(data)
    case Compression.ZSTD:
      return zstdCompress(data)
    default:
      throw new CompressionError(`unknown compression type ${String(type)}`)
  }
}

export function decompress(type: number, data: Buffer): Buffer {
  try {
    switch (type) {
      case Compression.NONE:
        return data
      case Compression.GZIP:
        return zlib.gunzipSync(data)
      case Compression.SNAPPY:
        return isXerialSnappy(data) ? xerialSnappyDecompress(data) : toBuffer(snappy.uncompressSync(data))
      case Compression.LZ4:
        return decompressFrameSync(data)
      case Compression.ZSTD:
        return zstdDecompress(data)
    }
  } catch (e) {
    if (e instanceof CompressionError) throw e
    throw new CompressionError(`cannot decompress ${compressionName(type) ?? type}: ${(e as Error).message}`)
  }
  throw new CompressionError(`unknown compression type ${type}`)
}

function toBuffer(u: Buffer | string | Uint8Array): Buffer {
  if (typeof u === 'string') return Buffer.from(u)
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength)
}

// ---- xerial snappy framing (snappy-java's SnappyOutputStream) ----
// header: 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, int32 version, int32 compatible version,
// then repeated [int32 big-endian compressed length][raw snappy block].
export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_SIZE = 16

export function isXerialSnappy(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC)
}

export function xerialSnappyDecompress(data: Buffer): Buffer {
  const parts: Buffer[] = []
  let p = XERIAL_HEADER_SIZE
  while (p < data.length) {
    if (p + 4 > data.length) throw new CompressionError('truncated xerial snappy chunk header')
    const len = data.readInt32BE(p)
    p += 4
    if (len < 0 || p + len > data.length) throw new CompressionError('truncated xerial snappy chunk')
    parts.push(toBuffer(snappy.uncompressSync(data.subarray(p, p + len))))
    p += len
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
}

/** Writes the xerial framed form (as the Java client does); used by tests and tools. */
export function xerialSnappyCompress(data: Buffer, blockSize = 32 * 1024): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_SIZE)
  XERIAL_MAGIC.copy(header, 0)
  header.writeInt32BE(1, 8)
  header.writeInt32BE(1, 12)
  const parts: Buffer[] = [header]
  for (let p = 0; p < data.length; p += blockSize) {
    const block = snappy.compressSync(data.subarray(p, Math.min(data.length, p + blockSize)))
    const len = Buffer.alloc(4)
    len.writeInt32BE(block.length, 0)
    parts.push(len, block)
  }
  return Buffer.concat(parts)
}

// ---- zstd ----
type ZstdSync = (data: Buffer) => Buffer
const zlibAny = zlib as unknown as { zstdCompressSync?: ZstdSync; zstdDecompressSync?: ZstdSync }

function zstdDecompress(data: Buffer): Buffer {
  if (zlibAny.zstdDecompressSync) return zlibAny.zstdDecompressSync(data)
  return toBuffer(fzstdDecompress(data))
}

function zstdCompress(data: Buffer): Buffer {
  if (zlibAny.zstdCompressSync) return zlibAny.zstdCompressSync(data)
  return zstdRawFrame(data)
}

const ZSTD_MAX_BLOCK = 128 * 1024

/**
 * A zstd frame (RFC 8878) holding the data in raw blocks: magic 0xFD2FB528, frame header
 * descriptor 0xE0 (single segment, 8-byte frame content size, no checksum, no dictionary),
 * the content size, then blocks with a 3-byte header (last flag, type 0 = raw, size ≤ 128 KiB).
 */
export function zstdRawFrame(data: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / ZSTD_MAX_BLOCK))
  const out = Buffer.alloc(4 + 1 + 8 + blocks * 3 + data.length)
  out.writeUInt32LE(0xfd2fb528, 0)
  out[4] = 0xe0
  out.writeUInt32LE(data.length % 0x100000000, 5)
  out.writeUInt32LE(Math.floor(data.length / 0x100000000), 9)
  let p = 13
  for (let i = 0; i < blocks; i++) {
    const start = i * ZSTD_MAX_BLOCK
    const size = Math.min(ZSTD_MAX_BLOCK, data.length - start)
    const last = i === blocks - 1 ? 1 : 0
    const h = last | (0 << 1) | (size << 3)
    out[p] = h & 0xff
    out[p + 1] = (h >>> 8) & 0xff
    out[p + 2] = (h >>> 16) & 0xff
    p += 3
    data.copy(out, p, start, start + size)
    p += size
  }
  return out
}
