// kafka-dump-log (Kafka 4.1's DumpLogSegments) reads every file of a partition directory the
// embedded broker writes, including those transactions add: .log with transactional batches and
// COMMIT/ABORT markers, .index, .timeindex, the aborted-transaction index .txnindex and the
// producer state snapshot .snapshot. The files come from the broker's own PartitionLog, so this
// needs no target (it runs the same in both CI runs).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildBatch, buildControlBatch } from '../../src-main/broker/records/record'
import { logConfigFrom } from '../../src-main/broker/storage/log-config'
import { PartitionLog } from '../../src-main/broker/storage/partition-log'
import { repoRoot, run } from './target'

const root = mkdtempSync(join(tmpdir(), 'kafkadesk-dump-log-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('kafka-dump-log on a transactional partition', () => {
  it('reads .log, .index, .timeindex, .txnindex and .snapshot files', async () => {
    const dir = join(root, 'orders-0')
    const log = PartitionLog.open(dir, logConfigFrom({ 'segment.bytes': 4096, 'index.interval.bytes': 256 }))
    const now = Date.now()
    let seq = 0
    for (let t = 0; t < 12; t++) {
      const records = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `txn ${t} record ${i} ${'x'.repeat(20)}` }))
      const res = log.append(buildBatch({ records, producerId: 4000, producerEpoch: 1, baseSequence: seq, transactional: true, timestamp: now }))
      if (res.error) throw new Error(res.message)
      seq += records.length
      const marker = log.append(
        buildControlBatch({ type: t % 3 === 0 ? 'ABORT' : 'COMMIT', producerId: 4000, producerEpoch: 1, coordinatorEpoch: 3, timestamp: now }),
        { origin: 'coordinator' },
      )
      if (marker.error) throw new Error(marker.message)
    }
    log.close()
    const files = readdirSync(dir).filter((f) => /\.(log|index|timeindex|txnindex|snapshot)$/.test(f))
    for (const ext of ['.log', '.index', '.timeindex', '.txnindex', '.snapshot'])
      expect(
        files.some((f) => f.endsWith(ext)),
        ext,
      ).toBe(true)
    const r = await run(
      'bash',
      [join(repoRoot, 'scripts', 'kafka', 'kafka-dump-log'), '--print-data-log', '--files', files.map((f) => join(dir, f)).join(',')],
      { timeoutMs: 60_000 },
    )
    expect(r.code, r.stderr).toBe(0)
    const out = r.stdout + r.stderr
    expect(out).not.toMatch(/Exception|unknown file|Unrecognized|mismatch/i)
    expect(out).toMatch(/endTxnMarker: ABORT coordinatorEpoch: 3/)
    expect(out).toMatch(/endTxnMarker: COMMIT coordinatorEpoch: 3/)
    expect(out).toMatch(/version: 0 producerId: 4000 firstOffset: 0 lastOffset: 10 lastStableOffset: 11/)
    // the producer snapshot at the log end: the producer, its epoch and last sequence
    expect(out).toMatch(/producerId: 4000 producerEpoch: 1 coordinatorEpoch: 3 currentTxnFirstOffset: (None|-1|OptionalLong\.empty)/)
    expect(out).toMatch(/lastSequence: 119/)
  }, 90_000)
})
