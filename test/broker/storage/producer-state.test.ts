import { appendFileSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PartitionLog } from '../../../src-main/broker/storage/partition-log.js'
import { ProducerStateManager } from '../../../src-main/broker/storage/producer-state.js'
import { logConfigFrom } from '../../../src-main/broker/storage/log-config.js'
import { buildControlBatch } from '../../../src-main/broker/records/record.js'
import { batchOf, recordsIn, tempDir } from './helpers.js'

const NOW = 2_000_000
const small = logConfigFrom({ 'segment.bytes': 1500, 'index.interval.bytes': 200 })

function send(log: PartitionLog, pid: number, epoch: number, seq: number, n = 2, extra: { transactional?: boolean } = {}) {
  return log.append(batchOf(n, `p${pid}e${epoch}s${seq}`, { producerId: pid, producerEpoch: epoch, baseSequence: seq, ...extra }), { now: NOW })
}

describe('ProducerStateManager rules', () => {
  const h = (producerEpoch: number, baseSequence: number, lastOffsetDelta = 0) => ({
    producerId: 1,
    producerEpoch,
    baseSequence,
    lastOffsetDelta,
    control: false,
    transactional: false,
  })

  it('accepts an unknown producer at any sequence (its state may have been cleaned)', () => {
    const m = new ProducerStateManager()
    expect(m.check(h(0, 0))).toBeNull()
    expect(m.check(h(3, 42))).toBeNull()
  })

  it('requires consecutive sequences within an epoch, wrapping at 2^31-1', () => {
    const m = new ProducerStateManager()
    m.update(h(0, 2147483640, 7), 0, 7, 1) // 2147483640..2147483647
    expect(m.check(h(0, 0, 3))).toBeNull()
    expect(m.check(h(0, 1))).toMatchObject({ error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' })
    m.update(h(0, 0, 3), 8, 11, 2)
    expect(m.check(h(0, 4))).toBeNull()
    expect(m.check(h(0, 2147483640, 7))).toMatchObject({ duplicate: { baseOffset: 0, lastOffset: 7 } })
  })

  it('keeps only the last 5 batches for duplicate detection', () => {
    const m = new ProducerStateManager()
    for (let i = 0; i < 7; i++) m.update(h(0, i * 2, 1), i * 2, i * 2 + 1, i)
    expect(m.get(1)!.batches).toHaveLength(5)
    expect(m.check(h(0, 4, 1))).toMatchObject({ duplicate: { baseOffset: 4 } })
    expect(m.check(h(0, 2, 1))).toMatchObject({ error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' })
  })
})

describe('idempotent producer state in PartitionLog', () => {
  it('answers a retried batch with its original offsets without appending', () => {
    const log = PartitionLog.open(tempDir())
    expect(send(log, 10, 0, 0)).toMatchObject({ baseOffset: 0, lastOffset: 1 })
    expect(send(log, 10, 0, 2)).toMatchObject({ baseOffset: 2, lastOffset: 3 })
    const dup = send(log, 10, 0, 0)
    expect(dup).toMatchObject({ baseOffset: 0, lastOffset: 1, duplicateOf: 0 })
    expect(log.logEndOffset).toBe(4)
    expect(send(log, 10, 0, 2)).toMatchObject({ duplicateOf: 2 })
    expect(log.logEndOffset).toBe(4)
    log.close()
  })

  it('rejects gaps and reordering with OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    const log = PartitionLog.open(tempDir())
    send(log, 10, 0, 0)
    expect(send(log, 10, 0, 3).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(send(log, 10, 0, 1).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER') // overlaps, not a known batch
    expect(log.logEndOffset).toBe(2)
    expect(send(log, 10, 0, 2).error).toBeUndefined()
    log.close()
  })

  it('fences older epochs and requires sequence 0 for a new epoch', () => {
    const log = PartitionLog.open(tempDir())
    send(log, 10, 1, 0)
    expect(send(log, 10, 0, 2).error).toBe('INVALID_PRODUCER_EPOCH')
    expect(send(log, 10, 2, 5).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(send(log, 10, 2, 0).error).toBeUndefined()
    expect(send(log, 10, 1, 2).error).toBe('INVALID_PRODUCER_EPOCH')
    // producers do not interfere; producerId -1 skips every check
    expect(send(log, 11, 0, 7).error).toBeUndefined()
    expect(log.append(batchOf(1, 'plain'), { now: NOW }).error).toBeUndefined()
    expect(log.append(batchOf(1, 'plain'), { now: NOW }).error).toBeUndefined()
    log.close()
  })

  it('tracks ongoing transactions for the last stable offset', () => {
    const log = PartitionLog.open(tempDir())
    send(log, 1, 0, 0)
    send(log, 2, 0, 0, 2, { transactional: true })
    send(log, 1, 0, 2)
    expect(log.highWatermark).toBe(6)
    expect(log.lastStableOffset).toBe(2)
    log.append(buildControlBatch({ type: 'COMMIT', producerId: 2, producerEpoch: 0, coordinatorEpoch: 0, timestamp: NOW }), { origin: 'coordinator', now: NOW })
    expect(log.lastStableOffset).toBe(7)
    log.close()
  })

  it('survives a clean restart (snapshot) and an unclean one (rebuilt from the log)', () => {
    const dir = tempDir()
    let log = PartitionLog.open(dir, small)
    for (let s = 0; s < 60; s += 2) send(log, 10, 3, s)
    send(log, 20, 0, 100)
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(2)
    log.close()
    expect(readdirSync(dir).some((f) => f.endsWith('.snapshot'))).toBe(true)

    log = PartitionLog.open(dir, small)
    expect(send(log, 10, 3, 58)).toMatchObject({ duplicateOf: 58 })
    expect(send(log, 10, 3, 61).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(send(log, 10, 2, 0).error).toBe('INVALID_PRODUCER_EPOCH')
    expect(send(log, 20, 0, 102).error).toBeUndefined()
    expect(send(log, 10, 3, 60).error).toBeUndefined()
    const leo = log.logEndOffset
    // crash (no close): state after the last snapshot must come back from the batch headers
    for (const f of readdirSync(dir)) if (f.endsWith('.snapshot')) expect(Number(f.slice(0, 20))).toBeLessThan(leo)
    log = PartitionLog.open(dir, small)
    expect(log.logEndOffset).toBe(leo)
    expect(send(log, 10, 3, 60)).toMatchObject({ duplicateOf: leo - 2 })
    expect(send(log, 20, 0, 102)).toMatchObject({ duplicateOf: leo - 4 })
    expect(send(log, 10, 3, 64).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    log.close()
  })

  it('rebuilds from the whole log when there is no snapshot', () => {
    const dir = tempDir()
    let log = PartitionLog.open(dir, small)
    for (let s = 0; s < 40; s += 2) send(log, 10, 0, s)
    for (const f of readdirSync(dir)) if (f.endsWith('.snapshot')) ProducerStateManager.deleteSnapshot(dir, Number(f.slice(0, 20)))
    // crash with a torn tail too
    const bases = log.segmentBaseOffsets()
    appendFileSync(join(dir, `${String(bases[bases.length - 1]).padStart(20, '0')}.log`), Buffer.alloc(30, 1))
    log = PartitionLog.open(dir, small)
    expect(send(log, 10, 0, 38)).toMatchObject({ duplicateOf: 38 })
    expect(send(log, 10, 0, 40).error).toBeUndefined()
    log.close()
  })

  it('forgets producers whose data was deleted, then accepts them at any sequence', () => {
    const log = PartitionLog.open(tempDir(), small)
    send(log, 10, 0, 0)
    for (let i = 0; i < 30; i++) log.append(batchOf(3, `f${i}`), { now: NOW })
    send(log, 11, 0, 0)
    log.deleteRecordsBefore(log.logEndOffset - 2)
    expect(log.producerState.get(10)).toBeUndefined()
    expect(log.producerState.get(11)).toBeDefined()
    expect(send(log, 10, 0, 9).error).toBeUndefined()
    log.close()
  })

  it('truncation rebuilds producer state to match the remaining log', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, small)
    for (let s = 0; s < 30; s += 2) send(log, 10, 0, s)
    log.truncateTo(20) // keeps sequences 0..19
    expect(log.logEndOffset).toBe(20)
    expect(send(log, 10, 0, 24).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(send(log, 10, 0, 18)).toMatchObject({ duplicateOf: 18 })
    expect(send(log, 10, 0, 20)).toMatchObject({ baseOffset: 20 })
    expect(recordsIn(log.read(20, 1000).records)[0]!.offset).toBe(20)
    expect(existsSync(dir)).toBe(true)
    log.close()
  })
})

describe('producer expiration', () => {
  it('forgets idle producers but keeps those in a transaction', () => {
    const m = new ProducerStateManager()
    const h = (producerId: number, transactional: boolean) => ({
      producerId,
      producerEpoch: 0,
      baseSequence: 0,
      lastOffsetDelta: 0,
      control: false,
      transactional,
    })
    m.update(h(1, false), 0, 0, 1_000)
    m.update(h(2, true), 1, 1, 1_000)
    m.update(h(3, false), 2, 2, 50_000)
    expect(m.expireProducers(60_000, 20_000)).toBe(1)
    expect([...m.producers.keys()].sort()).toEqual([2, 3])
    expect(m.check({ ...h(1, false), baseSequence: 17 })).toBeNull()
  })
})
