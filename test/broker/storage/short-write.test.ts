// A disk that fills up at random points must never yield an acknowledged record that is later
// missing or corrupt: the fs layer (storage/file-io.ts) is swapped for one that makes short
// writes, fails writes part-way with ENOSPC and sometimes fails truncate/fsync with EIO, across
// many seeded rounds. Every append is either acknowledged and read back intact after a reopen
// (with recovery after a crash), or refused with KAFKA_STORAGE_ERROR leaving nothing behind.
import { fsyncSync, ftruncateSync, readdirSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PartitionLog } from '../../../src-main/broker/storage/partition-log.js'
import { logConfigFrom } from '../../../src-main/broker/storage/log-config.js'
import { setFileIo, type FileIo } from '../../../src-main/broker/storage/file-io.js'
import { batchOf, recordsIn, tempDir } from './helpers.js'
import { errno, prng } from '../../helpers/seeded'

const config = logConfigFrom({ 'segment.bytes': 2500, 'index.interval.bytes': 150, 'retention.ms': -1 })

/** Real writes and truncates, with faults drawn from `rnd` while `faulty` is on. */
class FaultyIo implements FileIo {
  faulty = false
  shortWrites = 0
  failedWrites = 0
  constructor(private readonly rnd: () => number) {}

  write(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
    if (this.faulty && length > 1 && this.rnd() < 0.3) {
      this.shortWrites++
      return writeSync(fd, buf, offset, 1 + Math.floor(this.rnd() * (length - 1)), position)
    }
    if (this.faulty && this.rnd() < 0.15) {
      // a filling disk: part of the bytes land, then the write fails
      this.failedWrites++
      const n = Math.floor(this.rnd() * length)
      if (n > 0) writeSync(fd, buf, offset, n, position)
      throw errno('ENOSPC')
    }
    return writeSync(fd, buf, offset, length, position)
  }

  truncate(fd: number, length: number): void {
    if (this.faulty && this.rnd() < 0.05) throw errno('EIO')
    ftruncateSync(fd, length)
  }

  fsync(fd: number): void {
    if (this.faulty && this.rnd() < 0.2) throw errno('EIO')
    fsyncSync(fd)
  }
}

afterEach(() => setFileIo(null))

function readAll(log: PartitionLog): Array<{ offset: number; value: string }> {
  const out: Array<{ offset: number; value: string }> = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1 << 20)
    const recs = recordsIn(r.records)
    if (recs.length === 0) throw new Error(`no records at ${offset} below the log end ${log.logEndOffset}`)
    for (const x of recs) out.push({ offset: x.offset, value: x.value })
    offset = recs.at(-1)!.offset + 1
  }
  return out
}

function logBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0)
}

describe('appends under injected write failures', () => {
  it('acknowledges only what is wholly written, across 100 seeded rounds', () => {
    let storageErrors = 0
    let acks = 0
    let shortWrites = 0
    for (let seed = 1; seed <= 100; seed++) {
      const rnd = prng(seed)
      const io = new FaultyIo(rnd)
      setFileIo(io)
      const dir = tempDir()
      let log = PartitionLog.open(dir, config)
      const acked: Array<{ offset: number; value: string }> = []
      let ackedBytes = 0
      const producerId = 1000 + seed
      let sequence = 0
      const ctx = `seed ${seed}`
      for (let i = 0; i < 40; i++) {
        io.faulty = rnd() < 0.5
        const n = 1 + Math.floor(rnd() * 6)
        const idempotent = rnd() < 0.5
        const tag = `s${seed}-a${i}`
        const batch = idempotent
          ? batchOf(n, tag, { producerId, producerEpoch: 0, baseSequence: sequence, ts: 1_000_000 + i })
          : batchOf(n, tag, { ts: 1_000_000 + i })
        const leoBefore = log.logEndOffset
        const res = log.append(batch, { now: 2_000_000 })
        io.faulty = false
        if (res.error !== undefined) {
          expect(res.error, ctx).toBe('KAFKA_STORAGE_ERROR')
          storageErrors++
          // nothing moved: same end offset, same records, and the same sequence is accepted later
          expect(log.logEndOffset, ctx).toBe(leoBefore)
          expect(readAll(log), ctx).toEqual(acked)
          continue
        }
        expect(res.baseOffset, ctx).toBe(leoBefore)
        if (idempotent) sequence += n
        acks++
        ackedBytes += batch.length
        for (let r = 0; r < n; r++) acked.push({ offset: res.baseOffset + r, value: `${tag}-${r}` })
      }
      shortWrites += io.shortWrites
      // close under faults (a shutdown on a failing disk) or crash; the reopen must give back exactly the acked records
      io.faulty = rnd() < 0.5
      const clean = rnd() < 0.5
      expect(() => log.close({ clean }), ctx).not.toThrow()
      io.faulty = false
      log = PartitionLog.open(dir, config)
      expect(readAll(log), ctx).toEqual(acked)
      expect(log.logEndOffset, ctx).toBe(acked.length)
      expect(logBytes(dir), ctx).toBe(ackedBytes)
      // offsets are never reused: the next append continues after the last acked one, and the
      // producer's next sequence is accepted (a failed append did not advance its state)
      const next = log.append(batchOf(1, 'after', { producerId, producerEpoch: 0, baseSequence: sequence, ts: 1_000_100 }), { now: 2_000_000 })
      expect(next, ctx).toMatchObject({ baseOffset: acked.length })
      log.close()
    }
    // the faults really happened on both paths
    expect(storageErrors).toBeGreaterThan(200)
    expect(acks).toBeGreaterThan(1500)
    expect(shortWrites).toBeGreaterThan(300)
  })

  it('answers KAFKA_STORAGE_ERROR while the disk is full, keeps serving reads and appends again once space returns', () => {
    let full = false
    let eio = false
    setFileIo({
      write: (fd, buf, off, len, pos) => {
        if (full) throw errno('ENOSPC')
        return writeSync(fd, buf, off, len, pos)
      },
      truncate: (fd, len) => ftruncateSync(fd, len),
      fsync: (fd) => {
        if (eio) throw errno('EIO')
        fsyncSync(fd)
      },
    })
    const dir = tempDir()
    // one segment, no index entries while appending: the time index gets its entry at close
    const config = logConfigFrom({ 'index.interval.bytes': 1 << 20, 'retention.ms': -1 })
    const log = PartitionLog.open(dir, config)
    for (let i = 0; i < 30; i++) expect(log.append(batchOf(2, `a${i}`), { now: 2_000_000 }).error).toBeUndefined()
    const before = readAll(log)
    full = true
    for (let i = 0; i < 20; i++) expect(log.append(batchOf(2, `x${i}`), { now: 2_000_000 })).toMatchObject({ error: 'KAFKA_STORAGE_ERROR' })
    expect(readAll(log)).toEqual(before)
    full = false
    expect(log.append(batchOf(2, 'back', { ts: 1_000_500 }), { now: 2_000_000 })).toMatchObject({ baseOffset: 60 })
    // a shutdown on the full disk (its closing time index entry cannot be written) does not
    // throw, and leaves the log unmarked for recovery
    full = true
    expect(log.close()).toBe(false)
    full = false
    const reopened = PartitionLog.open(dir, config)
    expect(reopened.recoveredBytes).toBe(0)
    expect(readAll(reopened).map((r) => r.value)).toEqual([...before.map((r) => r.value), 'back-0', 'back-1'])
    // a failing fsync does not break a flush caller's invariants either: it throws, nothing is lost
    expect(reopened.append(batchOf(1, 'more'), { now: 2_000_000 })).toMatchObject({ baseOffset: 62 })
    eio = true
    expect(() => reopened.flush()).toThrow(/EIO/)
    eio = false
    reopened.close()
  })
})
