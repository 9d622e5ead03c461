import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PartitionLog } from '../../../src-main/broker/storage/partition-log.js'
import { logConfigFrom, type LogConfig } from '../../../src-main/broker/storage/log-config.js'
import { cleanLog, cleanableRange, type CleanStep } from '../../../src-main/broker/storage/cleaner/clean-log.js'
import { LogCleaner } from '../../../src-main/broker/storage/cleaner/log-cleaner.js'
import { readCleanerCheckpoint } from '../../../src-main/broker/storage/cleaner/cleaner-checkpoint.js'
import { OffsetMap } from '../../../src-main/broker/storage/cleaner/offset-map.js'
import { buildBatch, buildControlBatch, decodeRecords } from '../../../src-main/broker/records/record.js'
import { compressionOf, readBatchHeader, splitBatches, validateBatch, DELETE_HORIZON_MASK } from '../../../src-main/broker/records/batch.js'
import type { CompressionName } from '../../../src-main/broker/records/compression.js'
import { tempDir } from './helpers.js'

const NOW = 10_000_000
const compact = (extra: Record<string, string | number> = {}): LogConfig =>
  logConfigFrom({ 'cleanup.policy': 'compact', 'segment.bytes': 1500, 'index.interval.bytes': 200, 'delete.retention.ms': 1000, ...extra })

interface Rec {
  offset: number
  key: string | null
  value: string | null
  timestamp: number
}

/** Every record of the log, read through the same path as a fetch. */
function readAll(log: PartitionLog): Rec[] {
  const out: Rec[] = []
  let next = log.logStartOffset
  while (next < log.logEndOffset) {
    const r = log.read(next, 1 << 20)
    if (r.records.length === 0) break
    for (const b of splitBatches(r.records[0]!).batches) {
      const h = readBatchHeader(b)
      expect(validateBatch(b, { trusted: true })).toBeNull()
      if (!h.control)
        for (const x of decodeRecords(b))
          out.push({ offset: x.offset, key: x.key?.toString() ?? null, value: x.value?.toString() ?? null, timestamp: x.timestamp })
      next = h.lastOffset + 1
    }
  }
  return out
}

/** Appends one batch per entry; `null` values are tombstones. Returns the offset of each write. */
function write(
  log: PartitionLog,
  entries: Array<[string, string | null]>,
  opts: { compression?: CompressionName; perBatch?: number; ts?: number; now?: number } = {},
): number[] {
  const offsets: number[] = []
  const per = opts.perBatch ?? 1
  for (let i = 0; i < entries.length; i += per) {
    const chunk = entries.slice(i, i + per)
    const res = log.append(
      buildBatch({ compression: opts.compression, timestamp: opts.ts ?? NOW - 5000, records: chunk.map(([key, value]) => ({ key, value })) }),
      { now: opts.now ?? NOW },
    )
    if (res.error) throw new Error(res.message)
    for (let k = 0; k < chunk.length; k++) offsets.push(res.baseOffset + k)
  }
  return offsets
}

/** What a compacted read must give: the last write of each key (tombstones included unless dropped). */
function latest(entries: Array<[string, string | null]>, offsets: number[], below: number): Map<string, { offset: number; value: string | null }> {
  const m = new Map<string, { offset: number; value: string | null }>()
  entries.forEach(([k, v], i) => {
    if (offsets[i]! < below) m.set(k, { offset: offsets[i]!, value: v })
  })
  return m
}

function workload(n: number, keys: number, tombstoneEvery = 7): Array<[string, string | null]> {
  return Array.from({ length: n }, (_, i) => [`key-${i % keys}`, i % tombstoneEvery === 6 ? null : `v${i}`] as [string, string | null])
}

describe('log cleaner', () => {
  it('keeps the latest record per key below the active segment, at its original offset, and never touches the active segment', async () => {
    const log = PartitionLog.open(tempDir(), compact())
    const entries = workload(300, 20)
    const offsets = write(log, entries, { perBatch: 3 })
    const active = log.segmentList[log.segmentList.length - 1]!.baseOffset
    const before = readAll(log)
    const sizeBefore = log.sizeInBytes()
    const res = await cleanLog(log, { now: NOW, mapCapacity: 1000 })
    expect(res.endOffset).toBe(active)
    expect(res.interrupted).toBe(false)
    const after = readAll(log)
    const cleaned = after.filter((r) => r.offset < active)
    const want = latest(entries, offsets, active)
    expect(new Map(cleaned.map((r) => [r.key, { offset: r.offset, value: r.value }]))).toEqual(want)
    expect(cleaned.length).toBe(want.size) // one record per key
    // the active segment's records are all still there, byte for byte the same reads
    expect(after.filter((r) => r.offset >= active)).toEqual(before.filter((r) => r.offset >= active))
    expect(log.logStartOffset).toBe(0)
    expect(log.segmentList[0]!.baseOffset).toBe(0)
    expect(log.logEndOffset).toBe(300)
    expect(log.sizeInBytes()).toBeLessThan(sizeBefore / 2)
    // record timestamps are kept
    for (const r of after) expect(r.timestamp).toBe(NOW - 5000)
    // the cleaned segment came with its offset and time indexes, and no replaced file is left
    const cleanedBases = log.segmentBaseOffsets().slice(0, -1)
    const sizeOf = (ext: string) => cleanedBases.reduce((n, b) => n + statSync(join(log.dir, `${String(b).padStart(20, '0')}${ext}`)).size, 0)
    expect(sizeOf('.index')).toBeGreaterThan(0)
    expect(sizeOf('.timeindex')).toBeGreaterThan(0)
    expect(readdirSync(log.dir).filter((f) => /\.(cleaned|swap|deleted)$/.test(f))).toEqual([])
    // the log reopens (indexes rebuilt from the cleaned files) with the same content
    log.close()
    const again = PartitionLog.open(log.dir, compact())
    expect(readAll(again)).toEqual(after)
    again.close()
  })

  it('keeps a tombstone until its delete horizon (now + delete.retention.ms, KIP-534) has passed, then removes it', async () => {
    const log = PartitionLog.open(tempDir(), compact())
    const entries: Array<[string, string | null]> = [
      ['a', '1'],
      ['b', '1'],
      ['a', null],
      ['c', '1'],
      ['b', '2'],
      ['c', null],
    ]
    write(log, entries)
    log.roll()
    write(log, [['z', 'active']])
    const first = await cleanLog(log, { now: NOW, mapCapacity: 100 })
    expect(first.latestDeleteHorizon).toBe(NOW + 1000)
    expect(readAll(log).map((r) => [r.offset, r.key, r.value])).toEqual([
      [2, 'a', null],
      [4, 'b', '2'],
      [5, 'c', null],
      [6, 'z', 'active'],
    ])
    const tombstoneBatch = splitBatches(log.read(2, 1000).records[0]!).batches[0]!
    expect(readBatchHeader(tombstoneBatch).attributes & DELETE_HORIZON_MASK).toBe(DELETE_HORIZON_MASK)
    expect(readBatchHeader(tombstoneBatch).baseTimestamp).toBe(NOW + 1000)
    // before the horizon a second cleaning keeps it; after, it goes
    await cleanLog(log, { now: NOW + 999, mapCapacity: 100, checkpoint: first.endOffset })
    expect(readAll(log).filter((r) => r.value === null)).toHaveLength(2)
    await cleanLog(log, { now: NOW + 1001, mapCapacity: 100, checkpoint: first.endOffset })
    expect(readAll(log).map((r) => [r.offset, r.key, r.value])).toEqual([
      [4, 'b', '2'],
      [6, 'z', 'active'],
    ])
    expect(log.logStartOffset).toBe(0)
    log.close()
  })

  it('cleans compressed batches and writes them back with the same codec', async () => {
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as CompressionName[]) {
      const log = PartitionLog.open(tempDir(), compact({ 'segment.bytes': 4000 }))
      const entries = workload(120, 10)
      const offsets = write(log, entries, { compression: codec, perBatch: 8 })
      log.roll()
      write(log, [['tail', 'x']])
      await cleanLog(log, { now: NOW, mapCapacity: 100 })
      const want = latest(entries, offsets, 120)
      const got = readAll(log).filter((r) => r.offset < 120)
      expect(new Map(got.map((r) => [r.key, { offset: r.offset, value: r.value }])), codec).toEqual(want)
      const r = log.read(0, 1 << 20)
      for (const b of splitBatches(r.records[0]!).batches)
        if (readBatchHeader(b).recordsCount > 0) expect(compressionOf(b), codec).toBe(['none', 'gzip', 'snappy', 'lz4', 'zstd'].indexOf(codec))
      log.close()
    }
  })

  it('leaves segments younger than min.compaction.lag.ms dirty and cleans past max.compaction.lag.ms whatever the dirty ratio', async () => {
    const log = PartitionLog.open(tempDir(), compact({ 'min.compaction.lag.ms': 3000, 'segment.bytes': 100000 }))
    write(log, workload(40, 4), { ts: NOW - 10_000 }) // old enough
    log.roll()
    write(log, workload(40, 4), { ts: NOW - 100 }) // too young
    log.roll()
    write(log, [['tail', 'x']])
    const young = log.segmentList[1]!.baseOffset
    expect(cleanableRange(log, undefined, NOW).firstUncleanableOffset).toBe(young)
    const res = await cleanLog(log, { now: NOW, mapCapacity: 100 })
    expect(res.endOffset).toBe(young)
    expect(readAll(log).filter((r) => r.offset >= young && r.offset < young + 40)).toHaveLength(40)

    // max.compaction.lag.ms: a log far below its min.cleanable.dirty.ratio is still picked once its oldest dirty record is too old
    const lazy = PartitionLog.open(tempDir(), compact({ 'min.cleanable.dirty.ratio': 0.99, 'max.compaction.lag.ms': 60_000, 'segment.bytes': 100000 }))
    write(lazy, workload(60, 6), { ts: NOW - 5000 })
    lazy.roll()
    write(lazy, [['tail', 'x']])
    const cleaner = new LogCleaner({ logDir: dirname(lazy.dir), logs: () => [{ topic: 'topic', partition: 0, log: lazy }], config: () => null, now: () => NOW })
    // the first cleaning counts everything as dirty (ratio 1): clean once, then add a little dirt
    expect(await cleaner.cleanFilthiestLog()).toBe(true)
    lazy.roll()
    write(lazy, [['key-1', 'again']], { ts: NOW - 5000 })
    lazy.roll()
    write(lazy, [['tail2', 'x']])
    expect(cleaner.range('topic', 0, lazy).dirtyRatio).toBeLessThan(0.99)
    expect(await cleaner.cleanFilthiestLog()).toBe(false) // below the ratio, within the lag
    const later = new LogCleaner({
      logDir: dirname(lazy.dir),
      logs: () => [{ topic: 'topic', partition: 0, log: lazy }],
      config: () => null,
      now: () => NOW - 5000 + 60_001,
    })
    expect(later.range('topic', 0, lazy).needCompactionNow).toBe(true)
    expect(await later.cleanFilthiestLog()).toBe(true)
    expect(
      readAll(lazy)
        .filter((r) => r.key === 'key-1')
        .map((r) => r.value),
    ).toEqual(['again'])
    log.close()
    lazy.close()
  })

  it("rolls the active segment of a compacted log after max.compaction.lag.ms at the latest (Kafka's maxSegmentMs)", () => {
    expect(logConfigFrom({ 'cleanup.policy': 'compact', 'segment.ms': 60_000, 'max.compaction.lag.ms': 1000 })['segment.ms']).toBe(1000)
    expect(logConfigFrom({ 'cleanup.policy': 'compact', 'segment.ms': 500, 'max.compaction.lag.ms': 1000 })['segment.ms']).toBe(500)
    expect(logConfigFrom({ 'cleanup.policy': 'delete', 'segment.ms': 60_000, 'max.compaction.lag.ms': 1000 })['segment.ms']).toBe(60_000)
    const log = PartitionLog.open(tempDir(), compact({ 'segment.bytes': 100000, 'max.compaction.lag.ms': 1000 }))
    write(log, [['a', '1']], { ts: NOW - 5000 })
    write(log, [['a', '2']], { ts: NOW - 3000 }) // 2 s after the segment's first batch: a new segment
    expect(log.segmentBaseOffsets()).toEqual([0, 1])
    log.close()
  })

  it('honours min.cleanable.dirty.ratio and keeps its first dirty offset in cleaner-offset-checkpoint', async () => {
    const log = PartitionLog.open(tempDir(), compact({ 'min.cleanable.dirty.ratio': 0.5 }))
    write(log, workload(200, 50))
    log.roll()
    write(log, [['tail', 'x']])
    const logDir = dirname(log.dir)
    const cleaner = new LogCleaner({ logDir, logs: () => [{ topic: 'topic', partition: 0, log }], config: () => null, now: () => NOW })
    expect(cleaner.range('topic', 0, log).dirtyRatio).toBe(1)
    expect(await cleaner.cleanFilthiestLog()).toBe(true)
    expect(readCleanerCheckpoint(logDir).get('topic-0')).toBe(200)
    // a little more dirt: 1 new segment against the cleaned ones is below 0.5
    log.roll()
    write(log, [['key-1', 'new']])
    log.roll()
    write(log, [['tail', 'y']])
    const r = cleaner.range('topic', 0, log)
    expect(r.firstDirtyOffset).toBe(200)
    expect(r.dirtyRatio).toBeGreaterThan(0)
    expect(r.dirtyRatio).toBeLessThan(0.5)
    expect(await cleaner.cleanFilthiestLog()).toBe(false)
    // a new cleaner (a restarted broker) starts from the checkpoint
    const restarted = new LogCleaner({
      logDir,
      logs: () => [{ topic: 'topic', partition: 0, log }],
      config: (n) => (n === 'log.cleaner.min.cleanable.ratio' ? null : null),
      now: () => NOW,
    })
    expect(restarted.checkpointOf('topic', 0)).toBe(200)
    log.close()
  })

  it('stops at a full offset map and carries on from there next time', async () => {
    const log = PartitionLog.open(tempDir(), compact({ 'segment.bytes': 100000 }))
    const entries = Array.from({ length: 100 }, (_, i) => [`k${i}`, `v${i}`] as [string, string])
    write(log, entries)
    write(
      log,
      entries.slice(0, 50).map(([k]) => [k, 'second'] as [string, string]),
    )
    log.roll()
    write(log, [['tail', 'x']])
    const first = await cleanLog(log, { now: NOW, mapCapacity: 60 })
    expect(first.endOffset).toBe(60) // the 61st distinct key did not fit
    const second = await cleanLog(log, { now: NOW, mapCapacity: 60, checkpoint: first.endOffset })
    expect(second.endOffset).toBe(120) // k60…k99 and k0…k19 again fill it
    const third = await cleanLog(log, { now: NOW, mapCapacity: 60, checkpoint: second.endOffset })
    expect(third.endOffset).toBe(150)
    const got = readAll(log).filter((r) => r.offset < 150)
    expect(got).toHaveLength(100)
    expect(got.filter((r) => r.value === 'second').map((r) => r.offset)).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i))
    expect(new OffsetMap(OffsetMap.capacityFor(134217728, 1, 0.9)).capacity).toBe(5033164)
    log.close()
  })

  it("drops aborted transactions, keeps committed ones, and keeps each producer's last batch (empty) so its sequence survives", async () => {
    const log = PartitionLog.open(tempDir(), compact({ 'segment.bytes': 100000 }))
    const txn = (pid: number, seq: number, records: Array<[string, string]>) =>
      log.append(
        buildBatch({
          producerId: pid,
          producerEpoch: 0,
          baseSequence: seq,
          transactional: true,
          timestamp: NOW - 5000,
          records: records.map(([key, value]) => ({ key, value })),
        }),
        { now: NOW },
      )
    const marker = (pid: number, type: 'COMMIT' | 'ABORT') =>
      log.append(buildControlBatch({ type, producerId: pid, producerEpoch: 0, coordinatorEpoch: 0, timestamp: NOW - 5000 }), {
        origin: 'coordinator',
        now: NOW,
      })
    write(log, [
      ['a', 'plain'],
      ['b', 'plain'],
    ])
    txn(7, 0, [['a', 'committed']])
    marker(7, 'COMMIT')
    txn(8, 0, [['b', 'aborted']])
    marker(8, 'ABORT')
    // an idempotent producer whose only batch becomes obsolete
    log.append(buildBatch({ producerId: 9, producerEpoch: 3, baseSequence: 0, timestamp: NOW - 5000, records: [{ key: 'c', value: 'old' }] }), { now: NOW })
    write(log, [['c', 'new']])
    log.roll()
    write(log, [['tail', 'x']])
    await cleanLog(log, { now: NOW, mapCapacity: 100 })
    const got = readAll(log)
    expect(got.map((r) => [r.key, r.value])).toEqual([
      ['b', 'plain'],
      ['a', 'committed'],
      ['c', 'new'],
      ['tail', 'x'],
    ])
    // the batch of producer 9 is still there, empty, with its producer id, epoch and sequence
    const batches = splitBatches(log.read(0, 1 << 20).records[0]!).batches.map((b) => readBatchHeader(b))
    const p9 = batches.find((h) => h.producerId === 9)!
    expect(p9).toMatchObject({ recordsCount: 0, producerEpoch: 3, baseSequence: 0, baseOffset: 6, lastOffset: 6 })
    // the commit marker of producer 7 stays (its transaction has data); producer 8's abort marker stays until its horizon
    expect(batches.filter((h) => h.control).map((h) => h.producerId)).toEqual([7, 8])
    log.close()
    const again = PartitionLog.open(log.dir, compact({ 'segment.bytes': 100000 }))
    expect(again.producerState.get(9)).toMatchObject({ producerEpoch: 3 })
    again.close()
  })

  describe('a crash at each step of the swap leaves the log as it was or as cleaned', () => {
    const steps: CleanStep[] = ['cleaned-written', 'swap-committed', 'old-deleted', 'swapped']
    for (const step of steps) {
      it(`crash after ${step}`, async () => {
        const log = PartitionLog.open(tempDir(), compact())
        const entries = workload(200, 15)
        const offsets = write(log, entries, { perBatch: 2 })
        const active = log.segmentList[log.segmentList.length - 1]!.baseOffset
        const before = readAll(log)
        // a reference: the same log cleaned without a crash
        const ref = PartitionLog.open(tempDir(), compact())
        write(ref, entries, { perBatch: 2 })
        await cleanLog(ref, { now: NOW, mapCapacity: 1000 })
        const cleaned = readAll(ref)
        ref.close()
        class Crash extends Error {}
        await expect(
          cleanLog(log, {
            now: NOW,
            mapCapacity: 1000,
            onStep: (s) => {
              if (s === step) throw new Crash(step)
            },
          }),
        ).rejects.toBeInstanceOf(Crash)
        log.close({ clean: false }) // files as a kill -9 leaves them (writes are synchronous, nothing is buffered)
        const reopened = PartitionLog.open(log.dir, compact(), { log: () => {} })
        const got = readAll(reopened)
        const key = (r: Rec) => `${r.offset}:${r.key}:${r.value}`
        if (step === 'cleaned-written') {
          expect(got).toEqual(before) // not committed: the log as it was
        } else {
          // committed: the first group is cleaned, the groups after it not yet — nothing kept is lost, nothing appears
          expect(got.length).toBeLessThan(before.length)
          const had = new Set(before.map(key))
          for (const r of got) expect(had.has(key(r)), key(r)).toBe(true)
          const now = new Set(got.map(key))
          for (const r of cleaned) expect(now.has(key(r)), key(r)).toBe(true)
        }
        // the latest value of every key is where it was
        const last = new Map<string, { offset: number; value: string | null }>()
        for (const r of got) last.set(r.key!, { offset: r.offset, value: r.value })
        expect(last).toEqual(latest(entries, offsets, 200))
        expect(got.filter((r) => r.offset >= active)).toEqual(before.filter((r) => r.offset >= active))
        expect(readdirSync(log.dir).filter((f) => f.endsWith('.cleaned') || f.endsWith('.swap') || f.endsWith('.deleted'))).toEqual([])
        expect(reopened.logStartOffset).toBe(0)
        expect(reopened.logEndOffset).toBe(200)
        // and it cleans fine afterwards
        await cleanLog(reopened, { now: NOW, mapCapacity: 1000 })
        expect(readAll(reopened)).toEqual(cleaned)
        reopened.close()
      })
    }
  })

  it('leaves a compact,delete log under retention when cleaning empties segments (they keep their file time, as in Kafka)', async () => {
    const now = Date.now()
    const log = PartitionLog.open(tempDir(), compact({ 'cleanup.policy': 'compact,delete', 'retention.ms': 60_000 }))
    write(log, workload(200, 5), { perBatch: 2, ts: now - 5000, now })
    log.roll()
    const mtimes = log.segmentList.slice(0, -1).map((s) => statSync(s.logPath).mtimeMs)
    log.append(buildBatch({ timestamp: now, records: [{ key: 'tail', value: 'x' }] }), { now })
    await cleanLog(log, { now, mapCapacity: 100 })
    const cleaned = log.segmentList.slice(0, -1)
    expect(cleaned.some((s) => s.size === 0)).toBe(true) // the early groups lost every record
    for (const s of cleaned) expect(statSync(s.logPath).mtimeMs).toBeLessThanOrEqual(Math.max(...mtimes))
    expect(log.enforceRetention(now + 30_000)).toBe(0)
    // past retention everything goes, the emptied segments included (the active one holding the tail too)
    expect(log.enforceRetention(now + 3_600_000)).toBe(cleaned.length + 1)
    expect(log.logStartOffset).toBe(201)
    expect(readAll(log)).toEqual([])
    log.close()
  })

  it('drops its work when the log changes under it (retention deleted the segments it was cleaning)', async () => {
    const log = PartitionLog.open(tempDir(), compact({ 'cleanup.policy': 'compact,delete', 'retention.ms': 1000 }))
    write(log, workload(100, 10), { perBatch: 2 })
    const res = await cleanLog(log, {
      now: NOW,
      mapCapacity: 1000,
      onStep: (s) => {
        if (s === 'cleaned-written') log.enforceRetention(NOW)
      },
    })
    expect(res.interrupted).toBe(true)
    expect(readdirSync(log.dir).filter((f) => f.endsWith('.cleaned') || f.endsWith('.swap'))).toEqual([])
    expect(existsSync(join(log.dir, '00000000000000000000.log'))).toBe(false)
    log.close()
  })
})
