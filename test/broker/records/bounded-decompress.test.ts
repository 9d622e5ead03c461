// Decompression with an output limit: every codec gives back valid data within the limit, and
// stops a bomb at the limit quickly instead of producing what it asks for.
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import zlib from 'node:zlib'
import snappy from 'snappy'
import { compressFrameSync } from 'lz4-napi'
import { decompressBounded, decompressBoundedAsync, DecompressedTooLarge, CompressionError } from '../../../src-main/broker/records/bounded-decompress'
import { xerialSnappyCompress, zstdRawFrame } from '../../../src-main/broker/records/compression'
import { lz4FrameDecode, lz4FrameLayout } from '../../../src-main/broker/records/lz4-frame'
import { buildBatch } from '../../../src-main/broker/records/record'
import { validateBatch } from '../../../src-main/broker/records/batch'
import { checkProducedRecords } from '../../../src-main/broker/records/produced-check'
import { CODECS, MiB, batchAround, bomb, lz4Bomb, type CodecName } from './bombs'

/** Compressible but not trivial: a 1 KiB random pattern repeated, with a counter. */
function sample(bytes: number): Buffer {
  const pattern = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7919) % 251))
  const out = Buffer.alloc(bytes)
  for (let p = 0; p < bytes; p += 1024) pattern.copy(out, p)
  for (let p = 0; p < bytes; p += 4096) out.writeUInt32BE(p, Math.min(p, bytes - 4))
  return out
}

/** zstd with real compressed blocks, from the zstd tool (Node 20 has no zstd encoder); streamed so no content size is declared. */
function zstdTool(data: Buffer): Buffer {
  return execFileSync('zstd', ['-q', '-c', '-3', '--no-check'], { input: data, maxBuffer: 64 * MiB })
}

const encoders: Record<string, (d: Buffer) => Buffer> = {
  gzip: (d) => zlib.gzipSync(d),
  snappy: (d) => snappy.compressSync(d),
  'snappy-xerial': (d) => xerialSnappyCompress(d, 64 * 1024),
  lz4: (d) => compressFrameSync(d),
  'zstd-raw': (d) => zstdRawFrame(d),
  zstd: zstdTool,
}
const codecOf = (name: string): number => CODECS[name.split('-')[0] as CodecName]

describe('bounded decompression', () => {
  const data = sample(700 * 1024)
  for (const [name, encode] of Object.entries(encoders)) {
    it(`${name}: gives the data back within the limit and refuses one byte less`, async () => {
      const packed = encode(data)
      const codec = codecOf(name)
      expect(decompressBounded(codec, packed, data.length).equals(data)).toBe(true)
      expect((await decompressBoundedAsync(codec, packed, data.length)).equals(data)).toBe(true)
      expect(() => decompressBounded(codec, packed, data.length - 1)).toThrow(DecompressedTooLarge)
      await expect(decompressBoundedAsync(codec, packed, data.length - 1)).rejects.toThrow(DecompressedTooLarge)
    })
  }

  for (const codec of Object.keys(CODECS) as CodecName[]) {
    it(`${codec}: a bomb is stopped at a 1 MiB limit within 100 ms, in both forms`, async () => {
      const b = bomb(codec)
      const t0 = performance.now()
      expect(() => decompressBounded(CODECS[codec], b, MiB)).toThrow(DecompressedTooLarge)
      const syncMs = performance.now() - t0
      const t1 = performance.now()
      await expect(decompressBoundedAsync(CODECS[codec], b, MiB)).rejects.toThrow(DecompressedTooLarge)
      const asyncMs = performance.now() - t1
      expect(syncMs).toBeLessThan(100)
      expect(asyncMs).toBeLessThan(100)
    })
  }

  it('zstd: compressed blocks without a declared size are stopped while streaming', async () => {
    const packed = zstdTool(sample(24 * MiB))
    expect(packed.length).toBeLessThan(MiB)
    expect(() => decompressBounded(4, packed, 2 * MiB)).toThrow(DecompressedTooLarge)
    await expect(decompressBoundedAsync(4, packed, 2 * MiB)).rejects.toThrow(DecompressedTooLarge)
    expect(decompressBounded(4, packed, 24 * MiB).equals(sample(24 * MiB))).toBe(true)
  })

  it('lz4: the bounded JS decoder agrees with the native one and stops mid-frame', () => {
    const small = lz4Bomb(3)
    const layout = lz4FrameLayout(small)
    expect(layout.bound).toBe(12 * MiB)
    const js = lz4FrameDecode(small, layout, 12 * MiB)
    expect(js.length).toBe(12 * MiB)
    expect(js.every((x) => x === 0)).toBe(true)
    expect(() => lz4FrameDecode(small, layout, 5 * MiB)).toThrow(DecompressedTooLarge)
    // Frame with a limit between the real output and the blocks' bound: decoded in JS, exactly.
    const packed = compressFrameSync(data)
    expect(decompressBounded(3, packed, data.length + 1).equals(data)).toBe(true)
  })

  it('answers CompressionError for garbage in every codec', async () => {
    const junk = Buffer.from('definitely not compressed data, just some bytes to chew on')
    for (const codec of [1, 2, 3, 4]) {
      expect(() => decompressBounded(codec, junk, MiB)).toThrow(CompressionError)
      await expect(decompressBoundedAsync(codec, junk, MiB)).rejects.toThrow(CompressionError)
    }
  })
})

describe('produced batches are checked against the decompressed size', () => {
  const records = [{ key: 'k', value: Buffer.alloc(2 * MiB, 1) }]
  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`${compression}: a batch decompressing past max.message.bytes is MESSAGE_TOO_LARGE, within it is valid`, async () => {
      const batch = buildBatch({ records, compression })
      expect(validateBatch(batch)).toBeNull()
      expect(validateBatch(batch, { maxDecompressedBytes: MiB })).toBe('MESSAGE_TOO_LARGE')
      expect(validateBatch(batch, { maxDecompressedBytes: 3 * MiB })).toBeNull()
      // Inline for small batches under 4 MiB limits, off the event loop otherwise: same answers.
      expect(await checkProducedRecords(batch, { maxMessageBytes: MiB, requireKeys: false })).toMatchObject({ error: 'MESSAGE_TOO_LARGE' })
      expect(await checkProducedRecords(batch, { maxMessageBytes: 2 * MiB - 1000, requireKeys: false })).toMatchObject({ error: 'MESSAGE_TOO_LARGE' })
      const big = checkProducedRecords(batch, { maxMessageBytes: 64 * MiB, requireKeys: false })
      expect(big).toBeInstanceOf(Promise)
      expect(await big).toBeNull()
    })
  }

  for (const codec of Object.keys(CODECS) as CodecName[]) {
    it(`${codec} bomb in a batch: MESSAGE_TOO_LARGE inline and offloaded`, async () => {
      const batch = batchAround(CODECS[codec], bomb(codec))
      expect(validateBatch(batch, { maxDecompressedBytes: 1048588 })).toBe('MESSAGE_TOO_LARGE')
      const pending = checkProducedRecords(batch, { maxMessageBytes: 16 * MiB, requireKeys: false })
      expect(pending).toBeInstanceOf(Promise)
      expect(await pending).toMatchObject({ error: 'MESSAGE_TOO_LARGE' })
    })
  }
})
