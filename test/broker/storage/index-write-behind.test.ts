// The sparse indexes are written behind (storage/index-file.ts): entries live in memory and reach
// the file a page at a time, and wholly on flush, roll and clean close. These tests pin what that
// may and may not change: lookups always see every entry, a crash only loses index entries that
// recovery rebuilds, and a failing index write never fails an append but keeps the log from
// being marked clean.
import { ftruncateSync, fsyncSync, readdirSync, readFileSync, readlinkSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PartitionLog } from '../../../src-main/broker/storage/partition-log.js'
import { logConfigFrom } from '../../../src-main/broker/storage/log-config.js'
import { setFileIo } from '../../../src-main/broker/storage/file-io.js'
import { batchOf, recordsIn, tempDir } from './helpers.js'
import { errno } from '../../helpers/seeded'

// one segment, an index entry for every batch after the first
const config = logConfigFrom({ 'segment.bytes': 1 << 20, 'index.interval.bytes': 1, 'retention.ms': -1 })

afterEach(() => setFileIo(null))

function fill(log: PartitionLog, from: number, batches: number): void {
  for (let i = from; i < from + batches; i++) {
    const res = log.append(batchOf(3, `b${i}`, { ts: 1_000_000 + i }), { now: 2_000_000 })
    if (res.error) throw new Error(res.error)
  }
}

const indexFile = (dir: string, ext: string): string => join(dir, readdirSync(dir).find((f) => f.endsWith(ext))!)

/** The value of the record at `offset`, found through the offset index. */
function valueAt(log: PartitionLog, offset: number): string | undefined {
  return recordsIn(log.read(offset, 10_000).records).find((r) => r.offset === offset)?.value
}

describe('index files written behind', () => {
  it('lag the log by less than a page, hold every entry after a flush, and are rebuilt the same after a crash', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, config)
    fill(log, 0, 600) // 599 entries in each index
    const idx = indexFile(dir, '.index')
    const time = indexFile(dir, '.timeindex')
    for (const [path, entrySize] of [
      [idx, 8],
      [time, 12],
    ] as const) {
      const size = statSync(path).size
      expect(size % entrySize, path).toBe(0)
      expect(size, path).toBeGreaterThan(0) // a page went out
      expect(size, path).toBeLessThan(599 * entrySize)
      expect(599 * entrySize - size, path).toBeLessThan(4096)
    }
    // lookups see the entries the file does not hold yet
    for (const offset of [0, 5, 1500, 1796, 1799]) expect(valueAt(log, offset)).toBe(`b${Math.floor(offset / 3)}-${offset % 3}`)
    log.flush()
    expect(statSync(idx).size).toBe(599 * 8)
    expect(statSync(time).size).toBe(599 * 12)
    const flushed = { idx: readFileSync(idx), time: readFileSync(time) }

    // a crash (no clean close) loses what was not written; recovery rebuilds it (in memory, then written behind)
    fill(log, 600, 50)
    log.close({ clean: false })
    expect(statSync(idx).size).toBeLessThan(649 * 8)
    const again = PartitionLog.open(dir, config)
    expect(again.recoveredBytes).toBe(0)
    expect(valueAt(again, 1900)).toBe('b633-1')
    again.flush()
    expect(statSync(idx).size).toBe(649 * 8)
    expect(statSync(time).size).toBe(649 * 12)
    expect(readFileSync(idx).subarray(0, flushed.idx.length)).toEqual(flushed.idx)
    expect(readFileSync(time).subarray(0, flushed.time.length)).toEqual(flushed.time)
    // a clean close writes them all
    fill(again, 650, 10)
    expect(again.close()).toBe(true)
    expect(statSync(idx).size).toBe(659 * 8)
  })

  it('writes the indexes of a segment when it rolls', () => {
    const dir = tempDir()
    const log = PartitionLog.open(dir, logConfigFrom({ 'segment.bytes': 20_000, 'index.interval.bytes': 1, 'retention.ms': -1 }))
    fill(log, 0, 400)
    const bases = log.segmentBaseOffsets()
    expect(bases.length).toBeGreaterThan(2)
    for (const base of bases.slice(0, -1)) {
      const name = String(base).padStart(20, '0')
      const logBatches = recordsIn([readFileSync(join(dir, `${name}.log`))]).length / 3
      expect(statSync(join(dir, `${name}.index`)).size).toBe((logBatches - 1) * 8)
    }
    log.close()
  })

  it('a failing index write does not fail appends, and leaves the log to be recovered', () => {
    const dir = tempDir()
    let failIndexWrites = true
    setFileIo({
      write: (fd, buf, off, len, pos) => {
        if (failIndexWrites && readlinkSync(`/proc/self/fd/${fd}`).endsWith('.index')) throw errno('ENOSPC')
        return writeSync(fd, buf, off, len, pos)
      },
      truncate: (fd, len) => ftruncateSync(fd, len),
      fsync: (fd) => fsyncSync(fd),
    })
    const log = PartitionLog.open(dir, config)
    fill(log, 0, 700) // more than a page of entries: the write-behind was tried and failed
    expect(log.logEndOffset).toBe(2100)
    expect(valueAt(log, 1234)).toBe('b411-1')
    expect(() => log.flush()).toThrow(/ENOSPC/)
    expect(log.close()).toBe(false)
    failIndexWrites = false
    const again = PartitionLog.open(dir, config)
    expect(recordsIn(again.read(0, 1 << 20).records)).toHaveLength(2100)
    expect(again.close()).toBe(true)
    expect(statSync(indexFile(dir, '.index')).size).toBe(699 * 8)
  })
})
