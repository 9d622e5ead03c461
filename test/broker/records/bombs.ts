// Compression bombs of each codec, built small: what a hostile producer sends to make a broker
// decompress far more than message.max.bytes. Shared by the records tests, the fuzz test and the bench.
import zlib from 'node:zlib'
import snappy from 'snappy'
import { xerialSnappyCompress } from '../../../src-main/broker/records/compression'
import { RECORDS_OFFSET, writeCrc, writeInt64 } from '../../../src-main/broker/records/batch'

export const MiB = 1024 * 1024
export const CODECS = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const
export type CodecName = keyof typeof CODECS

/** gzip: concatenated members of 1 MiB of zeros (~1 KB each; gunzip reads them all). */
export function gzipBomb(expandedMiB: number): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(MiB), { level: 9 })
  return Buffer.concat(Array.from({ length: expandedMiB }, () => member))
}

/** snappy: one raw block whose preamble declares the whole expansion (~48 KB per MiB, so kept to a few MiB). */
export function snappyBomb(expandedMiB: number, xerial = false): Buffer {
  const data = Buffer.alloc(expandedMiB * MiB)
  return xerial ? xerialSnappyCompress(data, MiB) : snappy.compressSync(data)
}

/**
 * lz4: a frame of 4 MiB blocks (BD 0x70), each one literal zero then one overlapping match
 * copying it to the block's end, then 5 literals (~16 KB per block: match lengths are coded in 255s).
 */
export function lz4Bomb(blocks: number): Buffer {
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x70, 0x00])
  header[6] = lz4HeaderChecksum(header.subarray(4, 6))
  const blockSize = 4 * MiB
  const matchLen = blockSize - 6
  const ext: number[] = []
  let rest = matchLen - 4 - 15
  while (rest >= 255) {
    ext.push(255)
    rest -= 255
  }
  ext.push(rest)
  const body = Buffer.from([(1 << 4) | 15, 0, 1, 0, ...ext, 5 << 4, 0, 0, 0, 0, 0])
  const size = Buffer.alloc(4)
  size.writeUInt32LE(body.length)
  const parts: Buffer[] = [header]
  for (let i = 0; i < blocks; i++) parts.push(size, body)
  parts.push(Buffer.alloc(4))
  return Buffer.concat(parts)
}

/** The lz4 frame header checksum: second byte of xxh32(descriptor, seed 0). */
function lz4HeaderChecksum(d: Buffer): number {
  const P1 = 2654435761,
    P2 = 2246822519,
    P3 = 3266489917,
    P5 = 374761393
  const mul = (a: number, b: number): number => Math.imul(a, b) >>> 0
  const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0
  let h = (P5 + d.length) >>> 0
  for (const byte of d) h = mul(rotl((h + mul(byte, P5)) >>> 0, 11), P1)
  h = mul(h ^ (h >>> 15), P2)
  h = mul(h ^ (h >>> 13), P3)
  h = (h ^ (h >>> 16)) >>> 0
  return (h >>> 8) & 0xff
}

/** zstd: a frame with no content size and a 128 KiB window, made of RLE blocks of 128 KiB (4 bytes each). */
export function zstdBomb(expandedMiB: number): Buffer {
  const blocks = expandedMiB * 8
  const out = Buffer.alloc(6 + blocks * 4)
  out.writeUInt32LE(0xfd2fb528, 0)
  out[4] = 0x00 // no content size, not single segment, no checksum, no dictionary
  out[5] = 7 << 3 // window 2^(10+7) = 128 KiB
  let p = 6
  for (let i = 0; i < blocks; i++) {
    const h = (i === blocks - 1 ? 1 : 0) | (1 << 1) | ((128 * 1024) << 3)
    out[p] = h & 0xff
    out[p + 1] = (h >>> 8) & 0xff
    out[p + 2] = (h >>> 16) & 0xff
    out[p + 3] = 0x61
    p += 4
  }
  return out
}

export function bomb(codec: CodecName, size: 'small' | 'large' = 'large'): Buffer {
  const big = size === 'large'
  switch (codec) {
    case 'gzip':
      return gzipBomb(big ? 960 : 64)
    case 'snappy':
      return snappyBomb(big ? 16 : 4)
    case 'lz4':
      return lz4Bomb(big ? 60 : 16)
    case 'zstd':
      return zstdBomb(big ? 1024 : 64)
  }
}

/** A record batch v2 of one record whose records section is `compressed` with `codec` (valid CRC). */
export function batchAround(codec: number, compressed: Buffer): Buffer {
  const b = Buffer.alloc(RECORDS_OFFSET + compressed.length)
  writeInt64(b, 0, 0)
  b.writeInt32BE(b.length - 12, 8)
  b.writeInt32BE(-1, 12)
  b[16] = 2
  b.writeInt16BE(codec, 21)
  b.writeInt32BE(0, 23)
  writeInt64(b, 27, Date.now())
  writeInt64(b, 35, Date.now())
  writeInt64(b, 43, -1)
  b.writeInt16BE(-1, 51)
  b.writeInt32BE(-1, 53)
  b.writeInt32BE(1, 57)
  compressed.copy(b, RECORDS_OFFSET)
  writeCrc(b)
  return b
}
