import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { buildBatch, decodeRecords, type BuildBatchOptions } from '../../../src-main/broker/records/record.js'
import { splitBatches } from '../../../src-main/broker/records/batch.js'

const dirs: string[] = []

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kafkadesk-log-'))
  dirs.push(d)
  return join(d, 'topic-0')
}

afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})

/** A batch of `n` records with values `${tag}-${i}` and the given timestamps (default ts). */
export function batchOf(n: number, tag: string, opts: Partial<BuildBatchOptions> & { ts?: number | number[] } = {}): Buffer {
  const ts = opts.ts ?? 1_000_000
  return buildBatch({
    ...opts,
    records: Array.from({ length: n }, (_, i) => ({
      key: `k${i}`,
      value: `${tag}-${i}`,
      timestamp: Array.isArray(ts) ? ts[i] : ts,
    })),
  })
}

/** Decodes all records of the buffers returned by read(). */
export function recordsIn(chunks: Buffer[]): Array<{ offset: number; value: string; timestamp: number }> {
  const out: Array<{ offset: number; value: string; timestamp: number }> = []
  for (const c of chunks) {
    const split = splitBatches(c)
    if (split.partialBytes !== 0) throw new Error('read returned a partial batch')
    for (const b of split.batches) for (const r of decodeRecords(b)) out.push({ offset: r.offset, value: r.value!.toString(), timestamp: r.timestamp })
  }
  return out
}
