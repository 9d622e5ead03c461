// A follower's copy of a partition log (PartitionLog.appendAsFollower): batches keep the leader's
// offsets and epochs, the idempotent-producer state is rebuilt from them so a producer retrying
// after a failover is deduplicated by the new leader (also after truncation and a crash), and a
// disk error is answered KAFKA_STORAGE_ERROR instead of throwing.
import { writeSync, ftruncateSync, fsyncSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { PartitionLog } from '../../../src-main/broker/storage/partition-log'
import { logConfigFrom } from '../../../src-main/broker/storage/log-config'
import { setFileIo } from '../../../src-main/broker/storage/file-io'
import { batchOf, recordsIn, tempDir } from '../storage/helpers'

const config = logConfigFrom({ 'retention.ms': -1 })
const PID = 7

afterEach(() => setFileIo(null))

function producerBatch(seq: number, n: number, tag: string): Buffer {
  return batchOf(n, tag, { producerId: PID, producerEpoch: 0, baseSequence: seq })
}

/** What a follower fetches: the leader's log bytes from `offset` on. */
function fetched(leader: PartitionLog, offset: number): Buffer {
  return Buffer.concat(leader.read(offset, 1 << 20).records)
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

  it('answers a full disk with KAFKA_STORAGE_ERROR, keeps the batches before it, and appends once space returns', () => {
    const leader = PartitionLog.open(tempDir(), config)
    const follower = PartitionLog.open(tempDir(), config)
    leader.append(batchOf(2, 'a'))
    follower.appendAsFollower(fetched(leader, 0))
    leader.append(batchOf(2, 'b'))
    leader.append(batchOf(2, 'c'))
    let writes = 0
    setFileIo({
      // The first batch of the next fetch lands, the second finds the disk full.
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
    const res = follower.appendAsFollower(fetched(leader, 2))
    expect(res).toMatchObject({ error: 'KAFKA_STORAGE_ERROR' })
    expect(follower.logEndOffset).toBe(4)
    setFileIo(null)
    expect(follower.appendAsFollower(fetched(leader, 4))).toMatchObject({ firstOffset: 4, lastOffset: 5 })
    expect(recordsIn(follower.read(0, 1 << 20).records).map((r) => r.value)).toEqual(['a-0', 'a-1', 'b-0', 'b-1', 'c-0', 'c-1'])
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
