import { describe, expect, it } from 'vitest'
import snappy from 'snappy'
import {
  batchSize,
  baseOffset,
  computeCrc,
  crc,
  isLogAppendTime,
  lastOffset,
  lastSequence,
  maxTimestamp,
  partitionLeaderEpoch,
  readBatchHeader,
  recordsCount,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  splitBatches,
  validateBatch,
  writeCrc,
  writeInt64,
  RECORDS_OFFSET,
} from '../../../src-main/broker/records/batch.js'
import { compress, decompress, xerialSnappyCompress, zstdRawFrame, Compression, type CompressionName } from '../../../src-main/broker/records/compression.js'
import { buildBatch, buildControlBatch, controlRecordType, decodeBatch, decodeRecords } from '../../../src-main/broker/records/record.js'
import { sizeOfVarint, writeVarint, readVarint, readVarlong, cursor } from '../../../src-main/broker/records/varint.js'
import { decompress as fzstd } from 'fzstd'

const codecs: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

function sample(n: number, t0 = 1_700_000_000_000) {
  return Array.from({ length: n }, (_, i) => ({
    key: i % 3 === 0 ? null : `key-${i}`,
    value: i % 5 === 4 ? null : `value-${i}-${'x'.repeat(i * 7)}`,
    headers:
      i % 2
        ? [
            { key: 'h1', value: `hv${i}` },
            { key: 'nullh', value: null },
          ]
        : [],
    timestamp: t0 + (i % 4) * 1000 - 500,
  }))
}

describe('varint', () => {
  it('roundtrips zig-zag varints and varlongs incl. negatives and large timestamps', () => {
    const values = [0, 1, -1, 63, -64, 64, 300, -300, 2 ** 31 - 1, -(2 ** 31), 1_700_000_000_000, -1_700_000_000_000]
    for (const v of values) {
      const buf = Buffer.alloc(10)
      const end = writeVarint(buf, 0, v)
      expect(end).toBe(sizeOfVarint(v))
      cursor.pos = 0
      expect(readVarlong(buf, end)).toBe(v)
      if (Math.abs(v) < 2 ** 31) {
        cursor.pos = 0
        expect(readVarint(buf, end)).toBe(v)
      }
    }
    // protobuf zig-zag: -1 → 1, 1 → 2
    const b = Buffer.alloc(2)
    writeVarint(b, 0, -1)
    expect(b[0]).toBe(1)
    writeVarint(b, 0, 1)
    expect(b[0]).toBe(2)
  })
})

describe('record batch v2 build/parse', () => {
  for (const codec of codecs) {
    it(`roundtrips records with ${codec}`, () => {
      const recs = sample(25)
      const batch = buildBatch({ records: recs, compression: codec, baseOffset: 100, producerId: 7, producerEpoch: 2, baseSequence: 40 })
      expect(validateBatch(batch)).toBeNull()
      const h = readBatchHeader(batch)
      expect(h.magic).toBe(2)
      expect(h.compression).toBe(codecs.indexOf(codec))
      expect(h.size).toBe(batch.length)
      expect(h.baseOffset).toBe(100)
      expect(h.lastOffset).toBe(124)
      expect(h.recordsCount).toBe(25)
      expect(h.producerId).toBe(7)
      expect(h.producerEpoch).toBe(2)
      expect(h.baseSequence).toBe(40)
      expect(h.baseTimestamp).toBe(recs[0]!.timestamp)
      expect(h.maxTimestamp).toBe(Math.max(...recs.map((r) => r.timestamp)))
      const decoded = decodeBatch(batch)
      expect(decoded.records).toHaveLength(25)
      decoded.records.forEach((r, i) => {
        expect(r.offset).toBe(100 + i)
        expect(r.timestamp).toBe(recs[i]!.timestamp)
        expect(r.key?.toString() ?? null).toBe(recs[i]!.key)
        expect(r.value?.toString() ?? null).toBe(recs[i]!.value)
        expect(r.headers.map((x) => [x.key, x.value?.toString() ?? null])).toEqual(recs[i]!.headers.map((x) => [x.key, x.value]))
      })
    })
  }

  it('builds an empty-key/empty-value record distinct from null', () => {
    const b = buildBatch({
      records: [
        { key: '', value: Buffer.alloc(0) },
        { key: null, value: null },
      ],
    })
    const [a, c] = decodeRecords(b)
    expect(a!.key).toEqual(Buffer.alloc(0))
    expect(a!.value).toEqual(Buffer.alloc(0))
    expect(c!.key).toBeNull()
    expect(c!.value).toBeNull()
  })

  it('control batches carry the marker type', () => {
    const b = buildControlBatch({ type: 'COMMIT', producerId: 5, producerEpoch: 1, coordinatorEpoch: 3, timestamp: 10 })
    const h = readBatchHeader(b)
    expect(h.control).toBe(true)
    expect(h.transactional).toBe(true)
    const [r] = decodeRecords(b)
    expect(controlRecordType(r!.key)).toBe('COMMIT')
    expect(r!.value!.readInt32BE(2)).toBe(3)
    expect(validateBatch(b)).toBeNull()
  })
})

describe('in-place edits', () => {
  it('baseOffset and partitionLeaderEpoch are outside the CRC', () => {
    const b = buildBatch({ records: sample(3) })
    const before = crc(b)
    setBaseOffset(b, 2 ** 40 + 5)
    setPartitionLeaderEpoch(b, 9)
    expect(baseOffset(b)).toBe(2 ** 40 + 5)
    expect(lastOffset(b)).toBe(2 ** 40 + 7)
    expect(partitionLeaderEpoch(b)).toBe(9)
    expect(crc(b)).toBe(before)
    expect(validateBatch(b)).toBeNull()
    expect(decodeRecords(b).map((r) => r.offset)).toEqual([2 ** 40 + 5, 2 ** 40 + 6, 2 ** 40 + 7])
  })

  it('LogAppendTime sets the type bit and maxTimestamp and keeps the CRC valid; records report it', () => {
    const b = buildBatch({ records: sample(3, 1000) })
    setLogAppendTime(b, 99_999)
    expect(isLogAppendTime(b)).toBe(true)
    expect(maxTimestamp(b)).toBe(99_999)
    expect(validateBatch(b)).toBeNull()
    expect(decodeRecords(b).map((r) => r.timestamp)).toEqual([99_999, 99_999, 99_999])
  })
})

describe('validateBatch', () => {
  it('rejects CRC mismatch with CORRUPT_MESSAGE', () => {
    const b = buildBatch({ records: sample(4) })
    b[b.length - 1] ^= 0xff
    expect(validateBatch(b)).toBe('CORRUPT_MESSAGE')
  })

  it('rejects a length that does not match the buffer', () => {
    const b = buildBatch({ records: sample(2) })
    expect(validateBatch(b.subarray(0, b.length - 1))).toBe('CORRUPT_MESSAGE')
    expect(validateBatch(Buffer.concat([b, Buffer.alloc(1)]))).toBe('CORRUPT_MESSAGE')
    expect(validateBatch(b.subarray(0, 30))).toBe('CORRUPT_MESSAGE')
  })

  it('rejects old message formats', () => {
    const b = buildBatch({ records: sample(2) })
    b[16] = 1
    expect(validateBatch(b)).toBe('UNSUPPORTED_FOR_MESSAGE_FORMAT')
  })

  it('rejects records count inconsistent with lastOffsetDelta', () => {
    const b = buildBatch({ records: sample(3) })
    b.writeInt32BE(5, 23)
    writeCrc(b)
    expect(validateBatch(b)).toBe('INVALID_RECORD')
    const c = buildBatch({ records: sample(3) })
    c.writeInt32BE(2, 57)
    writeCrc(c)
    expect(validateBatch(c)).toBe('INVALID_RECORD')
  })

  it('rejects non-sequential offset deltas and undecodable records', () => {
    const b = buildBatch({ records: [{ value: 'a' }, { value: 'b' }] })
    // first record: len, attrs, tsDelta(0), offsetDelta(0 → zigzag 0) at RECORDS_OFFSET+3
    expect(b[RECORDS_OFFSET + 3]).toBe(0)
    b[RECORDS_OFFSET + 3] = 4 // offsetDelta 2
    writeCrc(b)
    expect(validateBatch(b)).toBe('INVALID_RECORD')
    const c = buildBatch({ records: [{ value: 'abc' }] })
    c[RECORDS_OFFSET] = 100 // record length runs past the batch
    writeCrc(c)
    expect(validateBatch(c)).toBe('INVALID_RECORD')
  })

  it('rejects a compressed payload that does not decompress', () => {
    const b = buildBatch({ records: sample(5), compression: 'lz4' })
    b.fill(0x41, RECORDS_OFFSET + 4, RECORDS_OFFSET + 20)
    writeCrc(b)
    expect(validateBatch(b)).toBe('CORRUPT_MESSAGE')
  })
})

describe('splitBatches', () => {
  it('splits concatenated batches and reports a trailing partial batch', () => {
    const a = buildBatch({ records: sample(2) })
    const b = buildBatch({ records: sample(3), compression: 'gzip' })
    const c = buildBatch({ records: sample(1) })
    const blob = Buffer.concat([a, b, c.subarray(0, 20)])
    const res = splitBatches(blob)
    expect(res.batches.map((x) => x.length)).toEqual([a.length, b.length])
    expect(res.batches[1]!.equals(b)).toBe(true)
    expect(res.batches[0]!.buffer).toBe(blob.buffer) // views, not copies
    expect(res.partialBytes).toBe(20)
    expect(res.error).toBeUndefined()
    expect(splitBatches(Buffer.concat([a, b])).partialBytes).toBe(0)
    expect(batchSize(res.batches[0]!)).toBe(a.length)
    expect(recordsCount(res.batches[1]!)).toBe(3)
  })

  it('flags an impossible batch length', () => {
    const a = buildBatch({ records: sample(1) })
    const bad = Buffer.alloc(20)
    bad.writeInt32BE(-5, 8)
    const res = splitBatches(Buffer.concat([a, bad]))
    expect(res.batches).toHaveLength(1)
    expect(res.error).toBe('CORRUPT_MESSAGE')
  })
})

describe('compression codecs', () => {
  const data = Buffer.from('kafkadesk '.repeat(5000) + 'tail')
  for (const codec of [Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD]) {
    it(`codec ${codec} roundtrips`, () => {
      expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true)
      expect(decompress(codec, compress(codec, Buffer.alloc(0))).length).toBe(0)
    })
  }

  it('decodes xerial-framed snappy (as the Java client writes) in several chunks', () => {
    const big = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251))
    const framed = xerialSnappyCompress(big, 32 * 1024)
    expect(framed.subarray(0, 8)).toEqual(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]))
    expect(decompress(Compression.SNAPPY, framed).equals(big)).toBe(true)
    // raw snappy still works
    expect(decompress(Compression.SNAPPY, snappy.compressSync(big)).equals(big)).toBe(true)
  })

  it('a batch whose records are xerial-framed snappy validates and decodes', () => {
    const plain = buildBatch({ records: sample(10) })
    const framed = xerialSnappyCompress(plain.subarray(RECORDS_OFFSET), 64)
    const b = Buffer.alloc(RECORDS_OFFSET + framed.length)
    plain.copy(b, 0, 0, RECORDS_OFFSET)
    framed.copy(b, RECORDS_OFFSET)
    b.writeInt32BE(b.length - 12, 8)
    b.writeInt16BE(Compression.SNAPPY, 21)
    b.writeUInt32BE(computeCrc(b), 17)
    expect(validateBatch(b)).toBeNull()
    expect(decodeRecords(b).map((r) => r.value?.toString() ?? null)).toEqual(sample(10).map((r) => r.value))
  })

  it('the raw-block zstd frame is a valid zstd frame for an independent decoder', () => {
    const big = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256))
    const frame = zstdRawFrame(big)
    expect(frame.readUInt32LE(0)).toBe(0xfd2fb528)
    expect(Buffer.from(fzstd(frame)).equals(big)).toBe(true)
    expect(Buffer.from(fzstd(zstdRawFrame(Buffer.alloc(0)))).length).toBe(0)
  })

  it('rejects corrupt input with an error, not a crash', () => {
    expect(() => decompress(Compression.GZIP, Buffer.from('nope'))).toThrow()
    expect(() => decompress(7, Buffer.from('nope'))).toThrow()
  })
})

describe('lastSequence', () => {
  it('wraps at 2^31-1 like Kafka', () => {
    expect(lastSequence(10, 4)).toBe(14)
    expect(lastSequence(2 ** 31 - 1, 0)).toBe(2 ** 31 - 1)
    expect(lastSequence(2 ** 31 - 2, 3)).toBe(1)
  })
})

describe('int64 helpers', () => {
  it('writes negative int64 (producerId -1)', () => {
    const b = Buffer.alloc(8)
    writeInt64(b, 0, -1)
    expect(b.equals(Buffer.alloc(8, 0xff))).toBe(true)
  })
})

describe('compacted topics', () => {
  it('requireKeys rejects a record without key, but not control batches', () => {
    const keyed = buildBatch({
      records: [
        { key: 'a', value: '1' },
        { key: '', value: null },
      ],
    })
    const unkeyed = buildBatch({
      records: [
        { key: 'a', value: '1' },
        { key: null, value: '2' },
      ],
    })
    expect(validateBatch(keyed, { requireKeys: true })).toBeNull()
    expect(validateBatch(unkeyed, { requireKeys: true })).toBe('INVALID_RECORD')
    expect(validateBatch(unkeyed)).toBeNull()
    const marker = buildControlBatch({ type: 'ABORT', producerId: 1, producerEpoch: 0, coordinatorEpoch: 0 })
    expect(validateBatch(marker, { requireKeys: true })).toBeNull()
  })
})
