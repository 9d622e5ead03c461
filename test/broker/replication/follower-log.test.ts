// A follower's copy of a partition log (PartitionLog.appendAsFollower): batches keep the leader's
// offsets and epochs, the idempotent-producer state is rebuilt from them so a producer retrying
// after a failover is deduplicated by the new leader (also after truncation and a crash), and a
// disk error is answered KAFKA_STORAGE_ERROR instead of throwing.
import { writeSync, ftruncateSync, fsyncSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { PartitionLog } from '../../../src-main/broker/storage/partition-log'
import { logConfigFrom } from '../../../src-main/broker/storage/log-config'
import { setFileIo } from '../../../src-main/broker/storage/file-io'
import { BATCH_HEADER_SIZE } from '../../../src-main/broker/records/batch'
import { batchOf, recordsIn, tempDir } from '../storage/helpers'

const config = logConfigFrom({ 'retention.ms': -1 })
const PID = 7

afterEach(() => setFileIo(null))

function producerBatch(seq: number, n: number, tag: string): Buffer {
  return batchOf(n, tag, { producerId: PID, producerEpoch: 0, baseSequence: seq })
}

/** What a follower fetches: the leader's log bytes from `offset` on (a read stops at a segment's end). */
function fetched(leader: PartitionLog, offset: number): Buffer {
  return Buffer.concat(leader.read(offset, 1 << 20).records)
}

/** The leader's log bytes from `offset` to its end, over all its segments. */
function fetchedAll(leader: PartitionLog, offset: number): Buffer {
  const parts: Buffer[] = []
  for (let at = offset; at < leader.logEndOffset; ) {
    const read = leader.read(at, 1 << 20).records
    parts.push(...read)
    at = recordsIn(read).at(-1)!.offset + 1
  }
  return Buffer.concat(parts)
}

describe('a follower log', () => {
  it('keeps the leader offsets and epochs, and deduplicates a producer retrying after a failover', () => {
    const leader = PartitionLog.open(tempDir(), config)
    const follower = PartitionLog.open(tempDir(), config)
    follower.autoHighWatermark = false
    expect(leader.append(producerBatch(0, 5, 'a'), { leaderEpoch: 3 })).toMatchObject({ baseOffset: 0 })
    expect(leader.append(producerBatch(5, 5, 'b'), { leaderEpoch: 3 })).toMatchObject({ baseOffset: 5 })
    expect(follower.appendAsFollower(fetched(leader, 0))).toEqual({ firstOffset: 0, lastOffset: 9, batches: 2 })
    expect(follower.logEndOffset).toBe(10)
    expect(recordsIn(follower.read(0, 1 << 20).records).map((r) => [r.offset, r.value])).toEqual(
      recordsIn(leader.read(0, 1 << 20).records).map((r) => [r.offset, r.value]),
    )
    // The follower now leads: the producer's retry of the last batch is answered with its offsets.
    const retry = follower.append(producerBatch(5, 5, 'b'), { leaderEpoch: 4 })
    expect(retry).toMatchObject({ duplicateOf: 5 })
    expect(follower.logEndOffset).toBe(10)
    expect(follower.append(producerBatch(10, 2, 'c'), { leaderEpoch: 4 })).toMatchObject({ baseOffset: 10 })
    expect(follower.append(producerBatch(20, 1, 'gap'), { leaderEpoch: 4 })).toMatchObject({ error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' })
    leader.close()
    follower.close()
  })

  it('rebuilds the producer state when truncated, and after a crash', () => {
    const leader = PartitionLog.open(tempDir(), config)
    const dir = tempDir()
    let follower = PartitionLog.open(dir, config)
    leader.append(producerBatch(0, 3, 'a'))
    leader.append(producerBatch(3, 3, 'b'))
    follower.appendAsFollower(fetched(leader, 0))
    // Diverged from a new leader at offset 3: the second batch goes, and with it its sequence.
    follower.truncateTo(3)
    expect(follower.logEndOffset).toBe(3)
    expect(follower.append(producerBatch(3, 3, 'b'))).toMatchObject({ baseOffset: 3 })
    expect(follower.append(producerBatch(3, 3, 'b'))).toMatchObject({ duplicateOf: 3 })
    // kill -9: files released without a clean shutdown; the state is rebuilt from the log.
    follower.close({ clean: false })
    follower = PartitionLog.open(dir, config)
    expect(follower.logEndOffset).toBe(6)
    expect(follower.append(producerBatch(3, 3, 'b'))).toMatchObject({ duplicateOf: 3 })
    leader.close()
    follower.close()
  })

  it('answers a full disk with KAFKA_STORAGE_ERROR, keeps what was written before it, and appends once space returns', () => {
    const leader = PartitionLog.open(tempDir(), logConfigFrom({ 'retention.ms': -1, 'segment.bytes': 200 }))
    const follower = PartitionLog.open(tempDir(), logConfigFrom({ 'retention.ms': -1, 'segment.bytes': 200 }))
    leader.append(batchOf(2, 'a'))
    follower.appendAsFollower(fetched(leader, 0))
    leader.append(batchOf(2, 'b'))
    leader.append(batchOf(2, 'c'))
    let writes = 0
    setFileIo({
      // Each batch fills a 200-byte segment, so the next fetch is written in two runs: the first
      // lands, the second finds the disk full.
      write: (fd, buf, offset, length, position) => {
        if (++writes > 1) {
          const e: NodeJS.ErrnoException = new Error('ENOSPC: injected')
          e.code = 'ENOSPC'
          throw e
        }
        return writeSync(fd, buf, offset, length, position)
      },
      truncate: (fd, length) => ftruncateSync(fd, length),
      fsync: (fd) => fsyncSync(fd),
    })
    const res = follower.appendAsFollower(fetchedAll(leader, 2))
    expect(res).toMatchObject({ error: 'KAFKA_STORAGE_ERROR' })
    expect(follower.logEndOffset).toBe(4)
    setFileIo(null)
    expect(follower.appendAsFollower(fetched(leader, 4))).toMatchObject({ firstOffset: 4, lastOffset: 5 })
    expect(recordsIn([fetchedAll(follower, 0)]).map((r) => r.value)).toEqual(['a-0', 'a-1', 'b-0', 'b-1', 'c-0', 'c-1'])
    leader.close()
    follower.close()
  })

  it('writes the batches of one fetch together, rolling segments where the leader rolled them', () => {
    const cfg = logConfigFrom({ 'retention.ms': -1, 'segment.bytes': 300 })
    const leader = PartitionLog.open(tempDir(), cfg)
    const follower = PartitionLog.open(tempDir(), cfg)
    for (let i = 0; i < 12; i++) leader.append(batchOf(2, `b${i}`))
    let logWrites = 0
    setFileIo({
      write: (fd, buf, offset, length, position) => {
        // Index entries are 8 or 12 bytes; a record batch is never shorter than its header.
        if (length >= BATCH_HEADER_SIZE) logWrites++
        return writeSync(fd, buf, offset, length, position)
      },
      truncate: (fd, length) => ftruncateSync(fd, length),
      fsync: (fd) => fsyncSync(fd),
    })
    expect(follower.appendAsFollower(fetchedAll(leader, 0))).toEqual({ firstOffset: 0, lastOffset: 23, batches: 12 })
    const bases = (log: PartitionLog) => log.segmentList.map((s) => [s.baseOffset, s.size])
    expect(bases(leader).length).toBeGreaterThan(2)
    expect(bases(follower)).toEqual(bases(leader))
    // One write per segment, not one per batch.
    expect(logWrites).toBe(bases(leader).length)
    expect(recordsIn([fetchedAll(follower, 0)])).toEqual(recordsIn([fetchedAll(leader, 0)]))
    leader.close()
    follower.close()
  })

  it('refuses batches below its log end and corrupt bytes without changing the log', () => {
    const leader = PartitionLog.open(tempDir(), config)
    const follower = PartitionLog.open(tempDir(), config)
    leader.append(batchOf(2, 'a'))
    follower.appendAsFollower(fetched(leader, 0))
    expect(follower.appendAsFollower(fetched(leader, 0))).toMatchObject({ error: 'OFFSET_OUT_OF_RANGE' })
    leader.append(batchOf(2, 'b'))
    const bytes = fetched(leader, 2)
    bytes[bytes.length - 1] ^= 0xff
    expect(follower.appendAsFollower(bytes)).toMatchObject({ error: 'CORRUPT_MESSAGE' })
    expect(follower.logEndOffset).toBe(2)
    leader.close()
    follower.close()
  })
})
