// Log cleaner throughput: MB of log compacted per second, in-process on a partition log built in
// a temporary directory (1 KB records over 10,000 keys, so ~9 of 10 records are obsolete), for
// uncompressed and lz4 batches; and the same cleaning in the broker's 10 ms slices with a 1 ms
// ticker measuring how long the event loop was held (what produce and fetch would wait), next to
// the same ticker's longest gap with nothing running (the machine's own scheduling noise).
// Runs as part of `npm run bench` (with the micro-benchmarks) or alone:
//   node --import tsx test/bench/cleaner.ts       (BENCH_CLEANER_MB=N sets the log size, default 64)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { buildBatch } from '../../src-main/broker/records/record'
import type { CompressionName } from '../../src-main/broker/records/compression'
import { PartitionLog } from '../../src-main/broker/storage/partition-log'
import { logConfigFrom } from '../../src-main/broker/storage/log-config'
import { cleanLog } from '../../src-main/broker/storage/cleaner/clean-log'
import type { MicroResult } from './micro'

const KEYS = 10_000
const RECORD_BYTES = 1024
const PER_BATCH = 16

function buildLog(dir: string, mb: number, compression: CompressionName): PartitionLog {
  const log = PartitionLog.open(dir, logConfigFrom({ 'cleanup.policy': 'compact', 'segment.bytes': 16 * 2 ** 20 }), { log: () => {} })
  const value = randomBytes(RECORD_BYTES)
  const records = Math.floor((mb * 2 ** 20) / RECORD_BYTES)
  let n = 0
  while (n < records) {
    const batch = buildBatch({ compression, records: Array.from({ length: PER_BATCH }, (_, i) => ({ key: `key-${(n + i) % KEYS}`, value: value.subarray((n + i) % 64) })) })
    const r = log.append(batch)
    if (r.error) throw new Error(r.message)
    n += PER_BATCH
  }
  log.roll()
  return log
}

/** The longest gap of a 1 ms ticker over `ms` with nothing else to do: the machine's own noise. */
async function idleStall(ms: number): Promise<number> {
  let max = 0
  let last = performance.now()
  const ticker = setInterval(() => {
    const now = performance.now()
    max = Math.max(max, now - last - 1)
    last = now
  }, 1)
  await new Promise((r) => setTimeout(r, ms))
  clearInterval(ticker)
  return max
}

async function run(mb: number, compression: CompressionName, sliceMs: number, idleMs: number): Promise<{ result: MicroResult; maxStallMs: number }> {
  const root = mkdtempSync(join(tmpdir(), 'kafkadesk-bench-cleaner-'))
  try {
    const log = buildLog(join(root, 'bench-0'), mb, compression)
    let maxStallMs = 0
    let last = performance.now()
    const ticker = setInterval(() => {
      const now = performance.now()
      maxStallMs = Math.max(maxStallMs, now - last - 1)
      last = now
    }, 1)
    const t0 = performance.now()
    const res = await cleanLog(log, { now: Date.now(), mapCapacity: 5_000_000, sliceMs })
    const sec = (performance.now() - t0) / 1000
    clearInterval(ticker)
    log.close()
    const name = `log cleaner, ${mb} MB ${compression}, ${sliceMs === Infinity ? 'one go' : `${sliceMs} ms slices (loop held ≤ ${maxStallMs.toFixed(0)} ms, idle ≤ ${idleMs.toFixed(0)} ms)`}`
    return { result: { name, opsPerSec: res.recordsRead / sec, mbPerSec: res.bytesRead / 2 ** 20 / sec }, maxStallMs }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

/** Cleaner throughput rows for the micro-benchmark table (ops/s are records read per second). */
export async function benchCleaner(log: (line: string) => void = () => {}): Promise<MicroResult[]> {
  const mb = Number(process.env.BENCH_CLEANER_MB ?? 64)
  const out: MicroResult[] = []
  const idle = await idleStall(2000)
  for (const [compression, sliceMs] of [['none', Infinity], ['lz4', Infinity], ['none', 10]] as Array<[CompressionName, number]>) {
    log(`log cleaner: ${mb} MB ${compression}${sliceMs === Infinity ? '' : `, ${sliceMs} ms slices`}`)
    out.push((await run(mb, compression, sliceMs, idle)).result)
  }
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await benchCleaner((l) => process.stderr.write(`${l}\n`))) {
    process.stdout.write(`${r.name.padEnd(72)} ${Math.round(r.opsPerSec).toLocaleString('en-US').padStart(10)} records/s ${r.mbPerSec.toFixed(1).padStart(7)} MB/s\n`)
  }
}
