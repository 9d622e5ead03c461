// __consumer_offsets with transactional offset commits (TxnOffsetCommit): loading the partition
// applies a transaction's offsets only at its COMMIT marker, drops them at ABORT, and hands back
// those of transactions still open, keyed by producer id.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { appendRecords, loadPartition, offsetKey, offsetValue, type LoadedRecord } from '../../../src-main/broker/coordinator/offset-store'
import { buildControlBatch } from '../../../src-main/broker/records/record'
import { PartitionLog } from '../../../src-main/broker/storage/partition-log'

const root = mkdtempSync(join(tmpdir(), 'kafkadesk-txn-offsets-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const offset = (o: number) => ({ offset: o, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null })
const commit = (topic: string, p: number, o: number) => ({ key: offsetKey('g', topic, p), value: offsetValue(offset(o)) })

describe('loading transactional offset commits', () => {
  it('applies committed transactions at their marker, drops aborted ones, returns open ones', () => {
    const log = PartitionLog.open(join(root, '__consumer_offsets-0'))
    const marker = (pid: number, type: 'COMMIT' | 'ABORT') => {
      const r = log.append(buildControlBatch({ type, producerId: pid, producerEpoch: 0, coordinatorEpoch: 0 }), { origin: 'coordinator' })
      expect(r.error).toBeUndefined()
    }
    expect(appendRecords(log, [commit('a', 0, 5)], 0)).toEqual({})
    expect(appendRecords(log, [commit('a', 0, 10)], 0, Date.now(), { producerId: 1, producerEpoch: 0 })).toEqual({})
    expect(appendRecords(log, [commit('a', 1, 20)], 0, Date.now(), { producerId: 2, producerEpoch: 0 })).toEqual({})
    expect(appendRecords(log, [commit('a', 2, 30)], 0, Date.now(), { producerId: 3, producerEpoch: 0 })).toEqual({})
    // the producer's next commit in the same epoch carries no sequence either
    expect(appendRecords(log, [commit('a', 0, 11)], 0, Date.now(), { producerId: 1, producerEpoch: 0 })).toEqual({})
    marker(2, 'ABORT')
    marker(1, 'COMMIT')
    const applied: LoadedRecord[] = []
    const open = loadPartition(log, (r) => applied.push(r))
    expect(applied.map((r) => (r.kind === 'offset' ? `${r.topic}-${r.partition}@${r.value?.offset}` : r.kind))).toEqual(['a-0@5', 'a-0@10', 'a-0@11'])
    expect([...open.keys()]).toEqual([3])
    expect(open.get(3)?.map((r) => (r.kind === 'offset' ? r.value?.offset : -1))).toEqual([30])
    // a stale epoch of a producer is refused (a fenced zombie's TxnOffsetCommit)
    marker(3, 'ABORT')
    expect(
      log.append(buildControlBatch({ type: 'COMMIT', producerId: 1, producerEpoch: 1, coordinatorEpoch: 0 }), { origin: 'coordinator' }).error,
    ).toBeUndefined()
    expect(appendRecords(log, [commit('a', 0, 12)], 0, Date.now(), { producerId: 1, producerEpoch: 0 }).error).toBe('INVALID_PRODUCER_EPOCH')
    log.close()
  })
})
