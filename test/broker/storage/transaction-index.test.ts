// The aborted-transaction index (.txnindex) and producer snapshots in Kafka's formats, and how the
// partition log keeps them: markers of aborted transactions are indexed in the segment they land
// in, a read_committed fetch collects the ones overlapping its range, truncation drops entries,
// and a crash or restart rebuilds nothing twice.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PartitionLog } from '../../../src-main/broker/storage/partition-log.js'
import { ProducerStateManager } from '../../../src-main/broker/storage/producer-state.js'
import { decodeProducerSnapshot, encodeProducerSnapshot } from '../../../src-main/broker/storage/producer-snapshot.js'
import { decodeAbortedTxns, encodeAbortedTxn, TXN_INDEX_ENTRY_SIZE } from '../../../src-main/broker/storage/transaction-index.js'
import { logConfigFrom } from '../../../src-main/broker/storage/log-config.js'
import { buildControlBatch } from '../../../src-main/broker/records/record.js'
import { batchOf, tempDir } from './helpers.js'

const NOW = 2_000_000
const small = logConfigFrom({ 'segment.bytes': 1500, 'index.interval.bytes': 200 })

function txnData(log: PartitionLog, pid: number, seq: number, n = 2) {
  const r = log.append(batchOf(n, `p${pid}s${seq}`, { producerId: pid, producerEpoch: 0, baseSequence: seq, transactional: true }), { now: NOW })
  if (r.error) throw new Error(r.message)
  return r
}

function marker(log: PartitionLog, pid: number, type: 'COMMIT' | 'ABORT', epoch = 0) {
  const r = log.append(buildControlBatch({ type, producerId: pid, producerEpoch: epoch, coordinatorEpoch: 7, timestamp: NOW }), {
    origin: 'coordinator',
    now: NOW,
  })
  if (r.error) throw new Error(r.message)
  return r
}

describe('.txnindex entries', () => {
  it('are 34 bytes: version 0, producer id, first, last and last stable offsets', () => {
    const b = encodeAbortedTxn({ producerId: 5, firstOffset: 10, lastOffset: 20, lastStableOffset: 21 })
    expect(b.length).toBe(TXN_INDEX_ENTRY_SIZE)
    expect(b.readInt16BE(0)).toBe(0)
    expect(b.readBigInt64BE(2)).toBe(5n)
    expect(b.readBigInt64BE(18)).toBe(20n)
    expect(decodeAbortedTxns(Buffer.concat([b, b.subarray(0, 10)]))).toEqual([{ producerId: 5, firstOffset: 10, lastOffset: 20, lastStableOffset: 21 }])
  })
})

describe('aborted transactions in the partition log', () => {
  it('indexes aborts (not commits), answers overlapping ranges and keeps the LSO at the oldest open transaction', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, small, { now: () => NOW })
    txnData(log, 1, 0) // 0-1
    txnData(log, 2, 0) // 2-3
    expect(log.lastStableOffset).toBe(0)
    marker(log, 1, 'ABORT') // 4
    expect(log.lastStableOffset).toBe(2)
    marker(log, 2, 'COMMIT') // 5
    expect(log.lastStableOffset).toBe(6)
    txnData(log, 3, 0) // 6-7
    marker(log, 3, 'ABORT') // 8
    expect(log.abortedTransactions()).toEqual([
      { producerId: 1, firstOffset: 0, lastOffset: 4, lastStableOffset: 2 },
      { producerId: 3, firstOffset: 6, lastOffset: 8, lastStableOffset: 9 },
    ])
    expect(log.collectAbortedTransactions(0, 9).map((t) => t.producerId)).toEqual([1, 3])
    expect(log.collectAbortedTransactions(5, 9).map((t) => t.producerId)).toEqual([3])
    expect(log.collectAbortedTransactions(0, 2).map((t) => t.producerId)).toEqual([1])
    const files = readdirSync(dir).filter((f) => f.endsWith('.txnindex'))
    expect(files.length).toBeGreaterThan(0)
    const onDisk = files.flatMap((f) => decodeAbortedTxns(readFileSync(join(dir, f))))
    expect(onDisk.map((t) => t.lastOffset)).toEqual([4, 8])
    log.truncateTo(6)
    expect(log.abortedTransactions().map((t) => t.lastOffset)).toEqual([4])
    log.close()
  })

  it('keeps the index across a clean restart and a crash without duplicating entries', () => {
    const dir = tempDir()
    let log = PartitionLog.open(dir, small, { now: () => NOW })
    for (let i = 0; i < 6; i++) {
      txnData(log, 10 + i, 0, 20)
      marker(log, 10 + i, i % 2 === 0 ? 'ABORT' : 'COMMIT')
    }
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(1)
    const before = log.abortedTransactions()
    expect(before.length).toBe(3)
    log.close()
    log = PartitionLog.open(dir, small, { now: () => NOW })
    expect(log.abortedTransactions()).toEqual(before)
    txnData(log, 99, 0)
    marker(log, 99, 'ABORT')
    log.close({ clean: false })
    for (const f of readdirSync(dir)) if (f.endsWith('.snapshot')) ProducerStateManager.deleteSnapshot(dir, Number(f.slice(0, 20)))
    log = PartitionLog.open(dir, small, { now: () => NOW })
    expect(log.abortedTransactions().length).toBe(4)
    expect(log.lastStableOffset).toBe(log.logEndOffset)
    log.close()
  })
})

describe('producer snapshots in Kafka format', () => {
  it('round-trip the last batch of each producer with a CRC, and reject a flipped byte', () => {
    const entries = [
      {
        producerId: 7,
        producerEpoch: 3,
        coordinatorEpoch: 2,
        currentTxnFirstOffset: 40,
        lastTimestamp: NOW,
        lastDataOffset: 44,
        batches: [{ firstSeq: 0, lastSeq: 4, baseOffset: 40, lastOffset: 44, timestamp: NOW }],
      },
      { producerId: 8, producerEpoch: 0, coordinatorEpoch: -1, currentTxnFirstOffset: -1, lastTimestamp: NOW, lastDataOffset: 12, batches: [] },
    ]
    const buf = encodeProducerSnapshot(entries)
    expect(buf.readInt16BE(0)).toBe(1)
    expect(buf.length).toBe(10 + 2 * 46)
    expect(decodeProducerSnapshot(buf)).toEqual(entries)
    buf[20] ^= 1
    expect(() => decodeProducerSnapshot(buf)).toThrow(/CRC/)
  })

  it('reads a JSON snapshot of an earlier version once, then writes Kafka format', () => {
    const dir = tempDir()
    let log = PartitionLog.open(dir, small, { now: () => NOW })
    txnData(log, 5, 0, 3)
    log.close({ clean: false })
    const producers = [
      {
        producerId: 5,
        producerEpoch: 0,
        coordinatorEpoch: -1,
        currentTxnFirstOffset: 0,
        lastTimestamp: NOW,
        lastDataOffset: 2,
        batches: [{ firstSeq: 0, lastSeq: 2, baseOffset: 0, lastOffset: 2, timestamp: NOW }],
      },
    ]
    writeFileSync(ProducerStateManager.snapshotFile(dir, 3), JSON.stringify({ version: 1, offset: 3, producers }))
    log = PartitionLog.open(dir, small, { now: () => NOW })
    expect(log.producerState.get(5)?.currentTxnFirstOffset).toBe(0)
    expect(log.lastStableOffset).toBe(0)
    txnData(log, 5, 3)
    log.close()
    const snap = ProducerStateManager.snapshotFile(dir, 5)
    expect(existsSync(snap)).toBe(true)
    expect(readFileSync(snap)[0]).not.toBe(0x7b)
    expect(decodeProducerSnapshot(readFileSync(snap))[0]).toMatchObject({ producerId: 5, currentTxnFirstOffset: 0, lastDataOffset: 4 })
  })
})
