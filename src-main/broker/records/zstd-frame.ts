/**
 * Walks zstd frames (RFC 8878) without decoding them, to bound their output before any work:
 * raw and RLE blocks declare their exact size, a compressed block yields at most
 * min(window, 128 KiB), a declared frame content size is exact, and the window size says how
 * much memory a decoder allocates. A 32 KB frame of RLE blocks that expands to 1 GiB is seen
 * for what it is from its headers alone.
 */
import { CompressionError, DecompressedTooLarge } from './decompress-errors.js'

const MAGIC = 0xfd2fb528
const BLOCK_MAX = 128 * 1024
/** The window every zstd decoder is expected to support (RFC 8878 recommends at least 8 MiB). */
export const ZSTD_WINDOW_FLOOR = 8 * 1024 * 1024

export interface ZstdLayout {
  /** Largest output the frames can produce. */
  bound: number
  /** Largest window of any frame (what a decoder allocates). */
  window: number
  /**
   * Input positions at block ends, about every CUT_BOUND bytes of output bound: pieces a
   * streaming decoder can take one at a time, yielding in between. The last is the input's end.
   */
  cuts: number[]
}

/** Output bound between two cuts: small enough that one piece costs a few milliseconds. */
export const CUT_BOUND = 1024 * 1024

/** Throws CompressionError for malformed headers and DecompressedTooLarge when the frames declare more than maxBytes. */
export function zstdLayout(data: Buffer, maxBytes: number): ZstdLayout {
  let p = 0
  let bound = 0
  let window = 0
  // Output the headers make certain (raw and RLE blocks, declared content sizes): past the
  // limit, the batch is refused without walking further.
  let exact = 0
  let lastCutBound = 0
  const cuts: number[] = []
  while (p < data.length) {
    if (p + 4 > data.length) throw new CompressionError('truncated zstd frame')
    const magic = data.readUInt32LE(p)
    if (magic >>> 4 === 0x184d2a5) {
      // Skippable frame: magic, u32 size, user data.
      if (p + 8 > data.length) throw new CompressionError('truncated zstd skippable frame')
      p += 8 + data.readUInt32LE(p + 4)
      if (p > data.length) throw new CompressionError('truncated zstd skippable frame')
      continue
    }
    if (magic !== MAGIC) throw new CompressionError('not a zstd frame')
    p += 4
    if (p >= data.length) throw new CompressionError('truncated zstd frame header')
    const fhd = data[p++]!
    if (fhd & 0x08) throw new CompressionError('reserved bit set in zstd frame header')
    const single = (fhd & 0x20) !== 0
    const checksum = (fhd & 0x04) !== 0
    const dictBytes = [0, 1, 2, 4][fhd & 3]!
    const fcsFlag = fhd >> 6
    const fcsBytes = fcsFlag === 0 ? (single ? 1 : 0) : 1 << fcsFlag
    let ws = 0
    if (!single) {
      if (p >= data.length) throw new CompressionError('truncated zstd frame header')
      const wd = data[p++]!
      const base = 2 ** (10 + (wd >> 3))
      ws = base + (base / 8) * (wd & 7)
    }
    p += dictBytes
    if (p + fcsBytes > data.length) throw new CompressionError('truncated zstd frame header')
    let fcs = -1
    if (fcsBytes === 1) fcs = data[p]!
    else if (fcsBytes === 2) fcs = data.readUInt16LE(p) + 256
    else if (fcsBytes === 4) fcs = data.readUInt32LE(p)
    else if (fcsBytes === 8) fcs = data.readUInt32LE(p) + data.readUInt32LE(p + 4) * 2 ** 32
    p += fcsBytes
    if (single) ws = fcs
    // A declared content size is exact: more than the limit is refused before decoding.
    if (fcs > maxBytes) throw new DecompressedTooLarge(maxBytes)
    if (ws > Math.max(maxBytes, ZSTD_WINDOW_FLOOR)) throw new DecompressedTooLarge(maxBytes)
    window = Math.max(window, ws)
    const frameStart = exact
    const blockMax = Math.min(ws || BLOCK_MAX, BLOCK_MAX)
    for (;;) {
      if (p + 3 > data.length) throw new CompressionError('truncated zstd block header')
      const h = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16)
      p += 3
      const last = (h & 1) !== 0
      const type = (h >> 1) & 3
      const size = h >>> 3
      if (type === 3) throw new CompressionError('reserved zstd block type')
      if (type === 1) {
        bound += size
        exact += size
        p += 1
      } else {
        if (size > BLOCK_MAX) throw new CompressionError('zstd block larger than 128 KiB')
        bound += type === 0 ? size : blockMax
        if (type === 0) exact += size
        p += size
      }
      if (exact > maxBytes) throw new DecompressedTooLarge(maxBytes)
      if (p > data.length) throw new CompressionError('truncated zstd block')
      if (last) break
      if (bound - lastCutBound >= CUT_BOUND) {
        cuts.push(p)
        lastCutBound = bound
      }
    }
    if (checksum) p += 4
    if (p > data.length) throw new CompressionError('truncated zstd frame checksum')
    if (fcs >= 0) exact = frameStart + Math.max(exact - frameStart, fcs)
    if (exact > maxBytes) throw new DecompressedTooLarge(maxBytes)
  }
  cuts.push(data.length)
  return { bound, window, cuts }
}
