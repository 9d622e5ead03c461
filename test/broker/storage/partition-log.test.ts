import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PartitionLog } from '../../../src-main/broker/storage/partition-log.js'
import { logConfigFrom } from '../../../src-main/broker/storage/log-config.js'
import { baseOffset, partitionLeaderEpoch, splitBatches, validateBatch, isLogAppendTime, maxTimestamp } from '../../../src-main/broker/records/batch.js'
import { buildBatch } from '../../../src-main/broker/records/record.js'
import { batchOf, recordsIn, tempDir } from './helpers.js'

const small = logConfigFrom({ 'segment.bytes': 2000, 'index.interval.bytes': 300, 'retention.ms': -1 })

function fill(log: PartitionLog, batches: number, perBatch = 3, ts = (i: number) => 1_000_000 + i * 10): void {
  for (let i = 0; i < batches; i++) {
    const res = log.append(batchOf(perBatch, `b${i}`, { ts: ts(i) }), { now: 2_000_000 })
    if (res.error) throw new Error(res.error)
  }
}

describe('PartitionLog append/read', () => {
  it('assigns offsets in place, stores the bytes as received and rolls segments at segment.bytes', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, small)
    const b = batchOf(3, 'first')
    const res = log.append(b, { leaderEpoch: 4, now: 2_000_000 })
    expect(res).toMatchObject({ baseOffset: 0, lastOffset: 2, logAppendTime: -1, maxTimestamp: 1_000_000, logStartOffset: 0 })
    expect(baseOffset(b)).toBe(0)
    expect(partitionLeaderEpoch(b)).toBe(4)
    fill(log, 60)
    expect(log.logEndOffset).toBe(3 + 180)
    expect(log.highWatermark).toBe(log.logEndOffset)
    const bases = log.segmentBaseOffsets()
    expect(bases.length).toBeGreaterThan(3)
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()
    expect(files).toEqual(bases.map((o) => `${String(o).padStart(20, '0')}.log`))
    for (const f of files) {
      expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(2000)
      expect(existsSync(join(dir, f.replace('.log', '.index')))).toBe(true)
      expect(existsSync(join(dir, f.replace('.log', '.timeindex')))).toBe(true)
    }
    // the first segment's file holds the first batch byte for byte
    const seg0 = readFileSync(join(dir, files[0]!))
    expect(seg0.subarray(0, b.length).equals(b)).toBe(true)
    // sparse offset index: 8-byte entries pointing at batch starts
    const idx = readFileSync(join(dir, files[0]!.replace('.log', '.index')))
    expect(idx.length % 8).toBe(0)
    expect(idx.length).toBeGreaterThan(0)
    for (let i = 0; i < idx.length; i += 8) {
      const pos = idx.readInt32BE(i + 4)
      const rel = idx.readInt32BE(i)
      const batch = seg0.subarray(pos)
      expect(baseOffset(batch) + batch.readInt32BE(23)).toBe(rel) // entry = last offset of the batch at pos
    }
    log.close()
  })

  it('reads whole batches from the batch containing the fetch offset, in every segment', () => {
    const log = PartitionLog.open(tempDir(), small)
    fill(log, 80)
    for (const off of [0, 1, 2, 3, 50, 100, 151, 200, 239]) {
      const r = log.read(off, 10_000)
      expect(r.error).toBeUndefined()
      const recs = recordsIn(r.records)
      expect(recs.length).toBeGreaterThan(0)
      // starts with the batch containing `off`
      expect(recs[0]!.offset).toBe(off - (off % 3))
      expect(recs.some((x) => x.offset === off)).toBe(true)
      expect(recs.map((x) => x.value).find((_, i) => recs[i]!.offset === off)).toBe(`b${Math.floor(off / 3)}-${off % 3}`)
      // contiguous offsets, single segment
      recs.forEach((x, i) => {
        expect(x.offset).toBe(recs[0]!.offset + i)
      })
      expect(r.size).toBe(r.records.reduce((n, c) => n + c.length, 0))
    }
    log.close()
  })

  it('honours maxBytes with whole batches, minOneBatch, maxOffset and OFFSET_OUT_OF_RANGE', () => {
    const log = PartitionLog.open(tempDir(), logConfigFrom({ 'index.interval.bytes': 100 }))
    const sizes: number[] = []
    for (let i = 0; i < 10; i++) {
      const b = batchOf(2, `v${i}`)
      sizes.push(b.length)
      log.append(b, { now: 2_000_000 })
    }
    const two = log.read(0, sizes[0]! + sizes[1]! + 5)
    expect(recordsIn(two.records).map((r) => r.offset)).toEqual([0, 1, 2, 3])
    const tiny = log.read(4, 10)
    expect(recordsIn(tiny.records).map((r) => r.offset)).toEqual([4, 5])
    expect(log.read(4, 10, { minOneBatch: false }).records).toEqual([])
    const capped = log.read(0, 1_000_000, { maxOffset: 6 })
    expect(recordsIn(capped.records).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5])
    expect(log.read(6, 1_000_000, { maxOffset: 6 }).records).toEqual([])
    const atEnd = log.read(20, 1000)
    expect(atEnd.error).toBeUndefined()
    expect(atEnd.records).toEqual([])
    expect(log.read(21, 1000).error).toBe('OFFSET_OUT_OF_RANGE')
    expect(log.read(-1, 1000).error).toBe('OFFSET_OUT_OF_RANGE')
    log.close()
  })

  it('rejects invalid batches with Kafka error names and appends nothing', () => {
    const log = PartitionLog.open(tempDir(), logConfigFrom({ 'max.message.bytes': 500 }))
    const bad = batchOf(2, 'x')
    bad[bad.length - 1] ^= 1
    expect(log.append(bad).error).toBe('CORRUPT_MESSAGE')
    expect(log.append(batchOf(50, 'big'), { now: 2_000_000 }).error).toBe('MESSAGE_TOO_LARGE')
    expect(log.append(batchOf(1, 'future', { ts: 2_000_000 + 3_600_001 }), { now: 2_000_000 }).error).toBe('INVALID_TIMESTAMP')
    const marker = buildBatch({ records: [{ key: Buffer.alloc(4), value: Buffer.alloc(6) }], control: true, producerId: 1, producerEpoch: 0 })
    expect(log.append(marker).error).toBe('INVALID_RECORD')
    expect(log.logEndOffset).toBe(0)
    expect(log.append(marker, { origin: 'coordinator' }).error).toBeUndefined()
    expect(log.logEndOffset).toBe(1)
    log.close()
  })

  it('LogAppendTime topics stamp maxTimestamp and keep the CRC valid', () => {
    const log = PartitionLog.open(tempDir(), logConfigFrom({ 'message.timestamp.type': 'LogAppendTime' }))
    const b = batchOf(2, 'x', { ts: 5 })
    const res = log.append(b, { logAppendTime: 123_456 })
    expect(res).toMatchObject({ baseOffset: 0, logAppendTime: 123_456, maxTimestamp: 123_456 })
    const [stored] = splitBatches(log.read(0, 1000).records[0]!).batches
    expect(isLogAppendTime(stored!)).toBe(true)
    expect(maxTimestamp(stored!)).toBe(123_456)
    expect(validateBatch(stored!)).toBeNull()
    expect(recordsIn([stored!]).map((r) => r.timestamp)).toEqual([123_456, 123_456])
    expect(log.offsetForTimestamp(100_000)).toEqual({ offset: 0, timestamp: 123_456 })
    log.close()
  })

  it('stores compressed batches as received', () => {
    const log = PartitionLog.open(tempDir())
    for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const b = batchOf(4, compression, { compression })
      log.append(b, { now: 2_000_000 })
    }
    const recs = recordsIn(log.read(0, 1 << 20).records)
    expect(recs.map((r) => r.value)).toEqual(['gzip', 'snappy', 'lz4', 'zstd'].flatMap((c) => [0, 1, 2, 3].map((i) => `${c}-${i}`)))
    expect(recs.map((r) => r.offset)).toEqual([...Array(16).keys()])
    log.close()
  })

  it('appendAsFollower keeps the given offsets and rejects going backwards', () => {
    const leader = PartitionLog.open(tempDir(), small)
    fill(leader, 20)
    const follower = PartitionLog.open(tempDir(), small)
    let off = 0
    while (off < leader.logEndOffset) {
      const r = leader.read(off, 700)
      const res = follower.appendAsFollower(r.records[0]!)
      if ('error' in res) throw new Error(res.message)
      off = res.lastOffset + 1
    }
    expect(follower.logEndOffset).toBe(leader.logEndOffset)
    expect(recordsIn(follower.read(30, 100_000).records)[0]!.offset).toBe(30)
    const again = follower.appendAsFollower(leader.read(0, 700).records[0]!)
    expect('error' in again && again.error).toBe('OFFSET_OUT_OF_RANGE')
    leader.close()
    follower.close()
  })
})

describe('PartitionLog reads at the end of the log', () => {
  // Offsets 0-2, 10-12, 20-22, … : a follower's copy of a compacted log has gaps like these.
  const gapped = (log: PartitionLog, batches: number) => {
    for (let i = 0; i < batches; i++) {
      const res = log.appendAsFollower(batchOf(3, `g${i}`, { baseOffset: i * 10 }))
      if ('error' in res) throw new Error(res.message)
    }
  }
  const firstOffsets = (log: PartitionLog, from: number[]) => from.map((o) => recordsIn(log.read(o, 1).records)[0]?.offset ?? null)

  it('finds the batch holding or following an offset from the latest appends as the index and a file scan would', () => {
    const dir = tempDir()
    const big = logConfigFrom({ 'segment.bytes': 1_000_000, 'index.interval.bytes': 300, 'retention.ms': -1 })
    const log = PartitionLog.open(dir, big)
    gapped(log, 50) // more batches than a segment remembers, so early offsets take the index path
    const probes = [0, 1, 5, 12, 13, 255, 400, 455, 470, 481, 488, 490, 492]
    const fromAppends = firstOffsets(log, probes)
    // whole batches: the first record read is the base offset of the batch found
    expect(fromAppends).toEqual([0, 0, 10, 10, 20, 260, 400, 460, 470, 480, 490, 490, 490])
    log.close()
    const reopened = PartitionLog.open(dir, big)
    expect(firstOffsets(reopened, probes)).toEqual(fromAppends)
    reopened.close()
  })

  it('forgets the latest appends it truncates away', () => {
    const log = PartitionLog.open(tempDir(), small)
    gapped(log, 5)
    log.truncateTo(30)
    expect(log.logEndOffset).toBe(30)
    expect(log.read(30, 1000).records).toEqual([])
    const res = log.appendAsFollower(batchOf(2, 'after', { baseOffset: 30 }))
    if ('error' in res) throw new Error(res.message)
    expect(recordsIn(log.read(22, 1000).records).map((r) => [r.offset, r.value])).toEqual([
      [20, 'g2-0'],
      [21, 'g2-1'],
      [22, 'g2-2'],
      [30, 'after-0'],
      [31, 'after-1'],
    ])
    log.close()
  })
})

describe('PartitionLog timestamps', () => {
  it('offsetForTimestamp finds the first offset with timestamp ≥ target across segments', () => {
    const log = PartitionLog.open(tempDir(), small)
    // batch i: 3 records at 1000*i + [5, 1, 9] (not monotonic inside the batch)
    for (let i = 0; i < 50; i++) log.append(batchOf(3, `b${i}`, { ts: [1000 * i + 5, 1000 * i + 1, 1000 * i + 9] }), { now: 100_000 })
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(2)
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 5 })
    expect(log.offsetForTimestamp(6)).toEqual({ offset: 2, timestamp: 9 })
    expect(log.offsetForTimestamp(10)).toEqual({ offset: 3, timestamp: 1005 })
    expect(log.offsetForTimestamp(37_002)).toEqual({ offset: 37 * 3, timestamp: 37_005 })
    expect(log.offsetForTimestamp(37_006)).toEqual({ offset: 37 * 3 + 2, timestamp: 37_009 })
    expect(log.offsetForTimestamp(49_009)).toEqual({ offset: 149, timestamp: 49_009 })
    expect(log.offsetForTimestamp(49_010)).toBeNull()
    // same answers after a clean reopen (indexes loaded from disk)
    const dir = log.dir
    log.close()
    const again = PartitionLog.open(dir, small)
    expect(again.offsetForTimestamp(37_002)).toEqual({ offset: 111, timestamp: 37_005 })
    expect(again.offsetForTimestamp(49_010)).toBeNull()
    again.close()
  })

  it('maxTimestampOffset returns the record with the largest timestamp', () => {
    const log = PartitionLog.open(tempDir(), small)
    expect(log.maxTimestampOffset()).toEqual({ offset: -1, timestamp: -1 })
    for (let i = 0; i < 30; i++) {
      const t = i === 7 ? [100, 90_000, 200] : [i * 10, i * 10 + 1, i * 10 + 2]
      log.append(batchOf(3, `b${i}`, { ts: t }), { now: 100_000 })
    }
    expect(log.maxTimestampOffset()).toEqual({ offset: 22, timestamp: 90_000 })
    log.close()
  })

  it('rolls on segment.ms measured from the first batch timestamp', () => {
    const log = PartitionLog.open(tempDir(), logConfigFrom({ 'segment.ms': 1000 }))
    log.append(batchOf(1, 'a', { ts: 10_000 }), { now: 20_000 })
    log.append(batchOf(1, 'b', { ts: 10_900 }), { now: 20_000 })
    expect(log.segmentBaseOffsets()).toEqual([0])
    log.append(batchOf(1, 'c', { ts: 11_001 }), { now: 20_000 })
    expect(log.segmentBaseOffsets()).toEqual([0, 2])
    log.close()
  })
})

describe('PartitionLog deletion', () => {
  it('deleteRecordsBefore advances logStartOffset, deletes whole segments below it and persists it', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, small)
    fill(log, 60)
    const bases = log.segmentBaseOffsets()
    const target = bases[2]! + 1
    expect(log.deleteRecordsBefore(target)).toEqual({ lowWatermark: target })
    expect(log.logStartOffset).toBe(target)
    expect(log.segmentBaseOffsets()[0]).toBe(bases[2])
    expect(existsSync(join(dir, `${String(bases[0]).padStart(20, '0')}.log`))).toBe(false)
    expect(log.read(target - 1, 1000).error).toBe('OFFSET_OUT_OF_RANGE')
    expect(recordsIn(log.read(target, 1000).records).some((r) => r.offset === target)).toBe(true)
    expect(log.offsetForTimestamp(0)!.offset).toBe(target)
    expect(log.deleteRecordsBefore(target - 5)).toEqual({ lowWatermark: target }) // never moves back
    const beyond = log.deleteRecordsBefore(log.highWatermark + 1)
    expect('error' in beyond && beyond.error).toBe('OFFSET_OUT_OF_RANGE')
    log.close()
    const again = PartitionLog.open(dir, small)
    expect(again.logStartOffset).toBe(target)
    expect(again.read(target - 1, 1000).error).toBe('OFFSET_OUT_OF_RANGE')
    // deleting everything up to the end keeps the log usable
    expect(again.deleteRecordsBefore(-1)).toEqual({ lowWatermark: again.logEndOffset })
    const end = again.logEndOffset
    expect(again.append(batchOf(1, 'after'), { now: 2_000_000 })).toMatchObject({ baseOffset: end })
    again.close()
  })

  it('enforceRetention deletes old segments by retention.bytes and retention.ms, never above the high watermark', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, { ...small, 'retention.bytes': 2500 })
    fill(log, 60, 3, (i) => 1_000 * i)
    const before = log.sizeInBytes()
    const segs = log.segmentBaseOffsets().length
    expect(before).toBeGreaterThan(2500 + 2000)
    const deleted = log.enforceRetention(60_000)
    expect(deleted).toBeGreaterThan(0)
    expect(log.segmentBaseOffsets().length).toBe(segs - deleted)
    // Kafka's rule: delete oldest segments while the log stays at least retention.bytes
    expect(log.sizeInBytes()).toBeGreaterThanOrEqual(2500)
    expect(log.sizeInBytes()).toBeLessThan(2500 + 2000)
    expect(log.logStartOffset).toBe(log.segmentBaseOffsets()[0])

    log.config = { ...small, 'retention.ms': 10_000 }
    // newest record is at 59_000: at now=65_000 segments whose max timestamp < 55_000 go
    log.enforceRetention(65_000)
    // a read returns one segment: the oldest remaining one must hold a record newer than 55_000,
    // and the record just before it (deleted) was older
    const remaining = recordsIn(log.read(log.logStartOffset, 1 << 20).records)
    expect(remaining[0]!.offset).toBe(log.logStartOffset)
    expect(Math.max(...remaining.map((r) => r.timestamp))).toBeGreaterThanOrEqual(55_000)
    expect((log.logStartOffset / 3 - 1) * 1000).toBeLessThan(55_000)
    // everything expired: the active segment is rolled and removed, offsets continue
    const leo = log.logEndOffset
    log.enforceRetention(1_000_000)
    expect(log.logStartOffset).toBe(leo)
    expect(log.sizeInBytes()).toBe(0)
    expect(log.append(batchOf(1, 'x'), { now: 1_000_000 })).toMatchObject({ baseOffset: leo })
    // cleanup.policy=compact: retention does nothing
    log.config = { ...small, 'cleanup.policy': 'compact', 'retention.ms': 0 }
    expect(log.enforceRetention(10_000_000)).toBe(0)
    log.close()
  })

  it('high watermark bounds retention', () => {
    const log = PartitionLog.open(tempDir(), { ...small, 'retention.ms': 0 })
    log.autoHighWatermark = false
    fill(log, 30)
    log.highWatermark = 0
    expect(log.enforceRetention(10_000_000)).toBe(0)
    log.close()
  })

  it('truncateTo removes whole batches from the offset on and continues from there', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, small)
    fill(log, 60)
    const bases = log.segmentBaseOffsets()
    log.truncateTo(bases[2]! + 4) // inside a batch of 3: that batch goes
    const expected = bases[2]! + 4 - ((bases[2]! + 4) % 3)
    expect(log.logEndOffset).toBe(expected)
    expect(log.segmentBaseOffsets()).toEqual(bases.slice(0, 3))
    expect(log.highWatermark).toBe(expected)
    expect(log.append(batchOf(2, 'new'), { now: 2_000_000 })).toMatchObject({ baseOffset: expected })
    const recs = recordsIn(log.read(expected - 3, 10_000).records)
    expect(recs.slice(-2).map((r) => [r.offset, r.value])).toEqual([
      [expected, 'new-0'],
      [expected + 1, 'new-1'],
    ])
    log.truncateTo(bases[1]!)
    expect(log.logEndOffset).toBe(bases[1])
    expect(log.segmentBaseOffsets()).toEqual([bases[0]])
    log.close()
    const again = PartitionLog.open(dir, small)
    expect(again.logEndOffset).toBe(bases[1])
    again.close()
  })
})

describe('PartitionLog recovery', () => {
  function crashAfter(dir: string, batches: number): { leo: number; activeFile: string } {
    const log = PartitionLog.open(dir, small)
    fill(log, batches)
    // no close(): like a SIGKILL, the fds stay unflushed but the bytes are in the page cache
    const bases = log.segmentBaseOffsets()
    return { leo: log.logEndOffset, activeFile: join(dir, `${String(bases[bases.length - 1]).padStart(20, '0')}.log`) }
  }

  it('keeps every complete batch after garbage at the end of the active segment', () => {
    const dir = tempDir()
    const { leo, activeFile } = crashAfter(dir, 25)
    const size = statSync(activeFile).size
    appendFileSync(activeFile, Buffer.from('this is not a record batch, just garbage bytes after a crash'))
    const log = PartitionLog.open(dir, small)
    expect(log.logEndOffset).toBe(leo)
    expect(statSync(activeFile).size).toBe(size)
    expect(log.recoveredBytes).toBeGreaterThan(0)
    expect(recordsIn(log.read(leo - 3, 10_000).records).map((r) => r.value)).toEqual(['b24-0', 'b24-1', 'b24-2'])
    expect(log.append(batchOf(1, 'next'), { now: 2_000_000 })).toMatchObject({ baseOffset: leo })
    log.close()
  })

  it('drops a torn (partial) last batch and a batch with a bad CRC', () => {
    const dir = tempDir()
    const { leo, activeFile } = crashAfter(dir, 25)
    const partial = batchOf(3, 'torn')
    appendFileSync(activeFile, partial.subarray(0, partial.length - 7))
    let log = PartitionLog.open(dir, small)
    expect(log.logEndOffset).toBe(leo)
    expect(log.recoveredBytes).toBe(partial.length - 7)
    // corrupt the last stored batch in place, then crash again
    const data = readFileSync(activeFile)
    const split = splitBatches(data)
    const last = split.batches[split.batches.length - 1]!
    const lastPos = data.length - last.length
    data[data.length - 2] ^= 0xff
    writeFileSync(activeFile, data)
    log = PartitionLog.open(dir, small)
    expect(log.logEndOffset).toBe(baseOffset(last))
    expect(statSync(activeFile).size).toBe(lastPos)
    expect(log.read(0, 100).error).toBeUndefined()
    log.close()
  })

  it('even after a clean shutdown, a damaged tail is detected and recovered', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, small)
    fill(log, 25)
    const leo = log.logEndOffset
    const bases = log.segmentBaseOffsets()
    log.close()
    const activeFile = join(dir, `${String(bases[bases.length - 1]).padStart(20, '0')}.log`)
    appendFileSync(activeFile, Buffer.alloc(100, 7))
    const again = PartitionLog.open(dir, small)
    expect(again.logEndOffset).toBe(leo)
    again.close()
  })

  it('clean reopen restores offsets without recovery and writes the clean-shutdown marker', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, small)
    fill(log, 40)
    const leo = log.logEndOffset
    const bases = log.segmentBaseOffsets()
    log.close()
    expect(existsSync(join(dir, '.clean-shutdown'))).toBe(true)
    const again = PartitionLog.open(dir, small)
    expect(existsSync(join(dir, '.clean-shutdown'))).toBe(false)
    expect(again.recoveredBytes).toBe(0)
    expect(again.logEndOffset).toBe(leo)
    expect(again.segmentBaseOffsets()).toEqual(bases)
    expect(recordsIn(again.read(61, 10_000).records)[0]!.offset).toBe(60)
    expect(again.append(batchOf(1, 'z'), { now: 2_000_000 })).toMatchObject({ baseOffset: leo })
    again.close()
  })

  it('rebuilds missing indexes of an inactive segment', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, small)
    fill(log, 40)
    const bases = log.segmentBaseOffsets()
    log.close()
    const idx = join(dir, `${String(bases[1]).padStart(20, '0')}.index`)
    writeFileSync(idx, Buffer.alloc(5)) // not a whole number of entries
    const again = PartitionLog.open(dir, small)
    const off = bases[1]! + 10
    expect(recordsIn(again.read(off, 10_000).records).some((r) => r.offset === off)).toBe(true)
    expect(statSync(idx).size % 8).toBe(0)
    again.close()
  })
})

describe('maxTimestampOffset after DeleteRecords', () => {
  it('ignores records below logStartOffset', () => {
    const log = PartitionLog.open(tempDir())
    log.append(batchOf(3, 'a', { ts: [10, 500, 20] }), { now: 100_000 })
    log.append(batchOf(3, 'b', { ts: [30, 40, 300] }), { now: 100_000 })
    expect(log.maxTimestampOffset()).toEqual({ offset: 1, timestamp: 500 })
    log.deleteRecordsBefore(2)
    expect(log.maxTimestampOffset()).toEqual({ offset: 5, timestamp: 300 })
    log.close()
  })
})

describe('compacted topics', () => {
  it('reject records without a key with INVALID_RECORD', () => {
    const log = PartitionLog.open(tempDir(), logConfigFrom({ 'cleanup.policy': 'compact' }))
    expect(log.append(buildBatch({ records: [{ key: null, value: 'v' }] }), { now: 2_000_000 }).error).toBe('INVALID_RECORD')
    expect(log.append(buildBatch({ records: [{ key: 'k', value: 'v' }], timestamp: 2_000_000 }), { now: 2_000_000 })).toMatchObject({ baseOffset: 0 })
    log.close()
  })
})
