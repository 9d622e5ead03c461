/**
 * The LZ4 frame format (what Kafka's LZ4 codec carries since magic 1), read with an output bound.
 *
 * Layout (lz4 frame spec): magic 0x184D2204 (LE), FLG, BD, [content size u64], [dict id u32],
 * header checksum byte; then blocks [u32 LE size, high bit = stored uncompressed][data]
 * [block checksum u32 if FLG bit 4], ended by a zero size; then [content checksum u32 if FLG bit 2].
 * BD bits 4-6 give the largest block a compressor may emit, so the blocks bound the output before
 * any of them is decoded; a frame whose blocks could pass the bound is decoded here, block by
 * block, into one buffer that is never larger than the bound (blocks may refer back into earlier
 * ones, which one contiguous output allows).
 */
import { CompressionError, DecompressedTooLarge } from './decompress-errors.js'

const MAGIC = 0x184d2204
const BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024]

export interface Lz4Block {
  start: number
  size: number
  stored: boolean
}

export interface Lz4FrameLayout {
  blocks: Lz4Block[]
  /** Largest output the blocks can produce (stored blocks exactly, compressed ones at most the block maximum). */
  bound: number
  /** Bytes of the frame (the input may hold more: further frames are not part of a Kafka batch). */
  end: number
}

/** Walks the frame's headers (no decoding). Throws CompressionError for a malformed frame. */
export function lz4FrameLayout(data: Buffer): Lz4FrameLayout {
  if (data.length < 7 || data.readUInt32LE(0) !== MAGIC) throw new CompressionError('not an LZ4 frame')
  const flg = data[4]!
  const bd = data[5]!
  if (flg >> 6 !== 1) throw new CompressionError(`unsupported LZ4 frame version ${flg >> 6}`)
  const blockMax = BLOCK_MAX[(bd >> 4) & 7]!
  if (blockMax === 0) throw new CompressionError('invalid LZ4 block maximum size')
  const blockChecksum = (flg & 0x10) !== 0
  const contentChecksum = (flg & 0x04) !== 0
  let p = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1
  const blocks: Lz4Block[] = []
  let bound = 0
  for (;;) {
    if (p + 4 > data.length) throw new CompressionError('truncated LZ4 frame')
    const word = data.readUInt32LE(p)
    p += 4
    if (word === 0) break
    const stored = (word & 0x80000000) !== 0
    const size = word & 0x7fffffff
    if (size > blockMax || p + size > data.length) throw new CompressionError('invalid LZ4 block size')
    blocks.push({ start: p, size, stored })
    bound += stored ? size : blockMax
    p += size + (blockChecksum ? 4 : 0)
  }
  if (contentChecksum) p += 4
  if (p > data.length) throw new CompressionError('truncated LZ4 frame')
  return { blocks, bound, end: p }
}

/** Decodes a frame, refusing with DecompressedTooLarge as soon as the output would pass maxBytes. */
export function lz4FrameDecode(data: Buffer, layout: Lz4FrameLayout, maxBytes: number): Buffer {
  const out = Buffer.allocUnsafe(Math.min(layout.bound, maxBytes))
  return out.subarray(0, lz4DecodeBlocks(data, layout.blocks, out, 0, maxBytes))
}

/** Decodes blocks into out from position o (earlier blocks already there); returns the new end. */
export function lz4DecodeBlocks(data: Buffer, blocks: Lz4Block[], out: Buffer, o: number, maxBytes: number): number {
  for (const b of blocks) {
    if (b.stored) {
      if (o + b.size > out.length) throw new DecompressedTooLarge(maxBytes)
      data.copy(out, o, b.start, b.start + b.size)
      o += b.size
    } else {
      o = lz4BlockDecode(data, b.start, b.start + b.size, out, o, maxBytes)
    }
  }
  return o
}

/**
 * One LZ4 block (sequences of token, literals, 2-byte offset, match) appended to out at o;
 * returns the new output end. The output may not pass out.length.
 */
export function lz4BlockDecode(src: Buffer, start: number, end: number, out: Buffer, o: number, maxBytes: number): number {
  let p = start
  for (;;) {
    if (p >= end) throw new CompressionError('truncated LZ4 block')
    const token = src[p++]!
    let lit = token >> 4
    if (lit === 15) {
      let b: number
      do {
        if (p >= end) throw new CompressionError('truncated LZ4 literal length')
        b = src[p++]!
        lit += b
      } while (b === 255)
    }
    if (p + lit > end) throw new CompressionError('LZ4 literals run past the block')
    if (o + lit > out.length) throw new DecompressedTooLarge(maxBytes)
    src.copy(out, o, p, p + lit)
    p += lit
    o += lit
    if (p === end) return o // the last sequence has literals only
    if (p + 2 > end) throw new CompressionError('truncated LZ4 match offset')
    const offset = src[p]! | (src[p + 1]! << 8)
    p += 2
    if (offset === 0 || offset > o) throw new CompressionError('invalid LZ4 match offset')
    let len = (token & 15) + 4
    if ((token & 15) === 15) {
      let b: number
      do {
        if (p >= end) throw new CompressionError('truncated LZ4 match length')
        b = src[p++]!
        len += b
      } while (b === 255)
    }
    if (o + len > out.length) throw new DecompressedTooLarge(maxBytes)
    // An overlapping match (offset < length) repeats the last `offset` bytes: copy what is already
    // there, doubling each time, rather than byte by byte.
    const from = o - offset
    while (len > 0) {
      const n = Math.min(len, o - from)
      out.copy(out, o, from, from + n)
      o += n
      len -= n
    }
  }
}
