/**
 * Decompression of untrusted record batches with an output limit (message.max.bytes /
 * max.message.bytes applied to the decompressed size). Every codec stops at the limit instead of
 * producing what a bomb asks for: gzip through zlib's maxOutputLength; snappy by the uncompressed
 * length every raw block declares up front (xerial chunks summed); lz4 and zstd by walking their
 * block headers first (lz4-frame.ts, zstd-frame.ts) and decoding with a running bound.
 *
 * The async form keeps large work off the event loop that every client of every broker shares:
 * gzip, snappy and bounded lz4 run on libuv's thread pool; lz4 and zstd decoded here in JS are
 * cut into pieces of about 1 MiB of output with a turn of the event loop between them.
 */
import zlib from 'node:zlib'
import { promisify } from 'node:util'
import snappy from 'snappy'
import { decompressFrame, decompressFrameSync } from 'lz4-napi'
import { Decompress as ZstdStream, decompress as fzstdDecompress } from 'fzstd'
import { CompressionError, DecompressedTooLarge } from './decompress-errors.js'
import { lz4DecodeBlocks, lz4FrameLayout } from './lz4-frame.js'
import { CUT_BOUND, zstdLayout } from './zstd-frame.js'

export { CompressionError, DecompressedTooLarge }

const GZIP = 1
const SNAPPY = 2
const LZ4 = 3
const ZSTD = 4

type ZlibSync = (data: Buffer, opts?: zlib.ZlibOptions) => Buffer
type ZlibAsync = (data: Buffer, opts: zlib.ZlibOptions, cb: (e: Error | null, out: Buffer) => void) => void
const nativeZstd = zlib as unknown as { zstdDecompressSync?: ZlibSync; zstdDecompress?: ZlibAsync }
const gunzipAsync = promisify(zlib.gunzip) as (data: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Decompresses `data` of codec `type`; throws DecompressedTooLarge past maxBytes, CompressionError when undecodable. */
export function decompressBounded(type: number, data: Buffer, maxBytes: number): Buffer {
  try {
    switch (type) {
      case 0:
        if (data.length > maxBytes) throw new DecompressedTooLarge(maxBytes)
        return data
      case GZIP:
        return zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) })
      case SNAPPY:
        return snappyBounded(data, maxBytes, (block) => toBuffer(snappy.uncompressSync(block)))
      case LZ4: {
        const layout = lz4FrameLayout(data)
        // Native decoding when the blocks cannot pass the limit (only the walked frame is handed over).
        if (layout.bound <= maxBytes) return decompressFrameSync(data.subarray(0, layout.end))
        const out = Buffer.allocUnsafe(maxBytes)
        return out.subarray(0, lz4DecodeBlocks(data, layout.blocks, out, 0, maxBytes))
      }
      case ZSTD: {
        const layout = zstdLayout(data, maxBytes)
        if (nativeZstd.zstdDecompressSync) return nativeZstd.zstdDecompressSync(data, { maxOutputLength: Math.max(1, maxBytes) })
        if (layout.bound <= maxBytes) return toBuffer(fzstdDecompress(data))
        const z = zstdStream(maxBytes)
        z.stream.push(data, true)
        return z.result()
      }
    }
  } catch (e) {
    throw classify(e, type, maxBytes)
  }
  throw new CompressionError(`unknown compression type ${type}`)
}

/** As decompressBounded, with the work off the event loop or cut into short turns of it. */
export async function decompressBoundedAsync(type: number, data: Buffer, maxBytes: number): Promise<Buffer> {
  try {
    switch (type) {
      case GZIP:
        // Large chunks: fewer hand-offs from the thread pool back to the event loop.
        return await gunzipAsync(data, { maxOutputLength: Math.max(1, maxBytes), chunkSize: 256 * 1024 })
      case SNAPPY: {
        const blocks: Buffer[] = []
        snappyBounded(data, maxBytes, (block) => {
          blocks.push(block)
          return block
        })
        const parts = await Promise.all(blocks.map(async (b) => toBuffer(await snappy.uncompress(b))))
        return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
      }
      case LZ4: {
        const layout = lz4FrameLayout(data)
        if (layout.bound <= maxBytes) return await decompressFrame(data.subarray(0, layout.end))
        const out = Buffer.allocUnsafe(maxBytes)
        let o = 0
        let from = 0
        while (from < layout.blocks.length) {
          // About CUT_BOUND of output per turn: blocks are at most 4 MiB, usually 64 KiB.
          let to = from
          let bound = 0
          while (to < layout.blocks.length && (to === from || bound < CUT_BOUND)) bound += layout.blocks[to++]!.size * 255
          o = lz4DecodeBlocks(data, layout.blocks.slice(from, to), out, o, maxBytes)
          from = to
          if (from < layout.blocks.length) await yieldToLoop()
        }
        return out.subarray(0, o)
      }
      case ZSTD: {
        const layout = zstdLayout(data, maxBytes)
        const nativeAsync = nativeZstd.zstdDecompress
        if (nativeAsync) {
          return await new Promise<Buffer>((resolve, reject) =>
            nativeAsync(data, { maxOutputLength: Math.max(1, maxBytes) }, (e, out) => (e ? reject(e) : resolve(out))),
          )
        }
        const z = zstdStream(maxBytes)
        let from = 0
        for (const cut of layout.cuts) {
          z.stream.push(data.subarray(from, cut), cut === data.length)
          from = cut
          if (cut < data.length) await yieldToLoop()
        }
        return z.result()
      }
      default:
        return decompressBounded(type, data, maxBytes)
    }
  } catch (e) {
    throw classify(e, type, maxBytes)
  }
}

/** Checks the uncompressed length every raw snappy block declares, then decodes the blocks. */
function snappyBounded(data: Buffer, maxBytes: number, decode: (block: Buffer) => Buffer): Buffer {
  const blocks: Buffer[] = []
  let total = 0
  const take = (block: Buffer): void => {
    total += snappyDeclaredLength(block)
    if (total > maxBytes) throw new DecompressedTooLarge(maxBytes)
    blocks.push(block)
  }
  if (isXerial(data)) {
    let p = XERIAL_HEADER
    while (p < data.length) {
      if (p + 4 > data.length) throw new CompressionError('truncated xerial snappy chunk header')
      const len = data.readInt32BE(p)
      p += 4
      if (len < 0 || p + len > data.length) throw new CompressionError('truncated xerial snappy chunk')
      take(data.subarray(p, p + len))
      p += len
    }
  } else take(data)
  const parts = blocks.map(decode)
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
}

/** The varint preamble of a raw snappy block: its uncompressed length. */
function snappyDeclaredLength(block: Buffer): number {
  let n = 0
  for (let i = 0; i < 5; i++) {
    if (i >= block.length) break
    const b = block[i]!
    n += (b & 0x7f) * 2 ** (7 * i)
    if ((b & 0x80) === 0) return n
  }
  throw new CompressionError('invalid snappy length preamble')
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER = 16
const isXerial = (d: Buffer): boolean => d.length >= XERIAL_HEADER && d.subarray(0, 8).equals(XERIAL_MAGIC)

/** fzstd's streaming decoder with a running count that stops it at the limit (it hands out at most a block of 128 KiB at a time). */
function zstdStream(maxBytes: number): { stream: ZstdStream; result: () => Buffer } {
  const parts: Uint8Array[] = []
  let total = 0
  const stream = new ZstdStream((chunk) => {
    total += chunk.length
    if (total > maxBytes) throw new DecompressedTooLarge(maxBytes)
    // fzstd reuses its window buffer for later blocks: keep a copy.
    parts.push(Uint8Array.prototype.slice.call(chunk))
  })
  return { stream, result: () => Buffer.concat(parts, total) }
}

function toBuffer(u: Buffer | string | Uint8Array): Buffer {
  if (typeof u === 'string') return Buffer.from(u)
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength)
}

function classify(e: unknown, type: number, maxBytes: number): Error {
  if (e instanceof DecompressedTooLarge || e instanceof CompressionError) return e
  if (e instanceof RangeError && (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return new DecompressedTooLarge(maxBytes)
  const name = ['none', 'gzip', 'snappy', 'lz4', 'zstd'][type] ?? String(type)
  return new CompressionError(`cannot decompress ${name}: ${e instanceof Error ? e.message : String(e)}`)
}
