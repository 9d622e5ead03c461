// In-process micro-benchmarks of the broker's per-request hot paths, importing src-main
// directly. Cheap (about 2 s) and useful to tell whether a slow produce comes from the
// record/protocol code or from I/O and scheduling. Shapes mirror what
// kafka-producer-perf-test sends: 16 KB batches (Kafka's default batch.size) of 1 KB records.
import { randomBytes } from 'node:crypto'
import { codecFor } from '../../src-main/broker/protocol/codecs'
import { buildBatch, computeCrc, validateBatch } from '../../src-main/broker/records/index'

export interface MicroResult {
  name: string
  opsPerSec: number
  mbPerSec: number
}

/** Runs fn for ~durationMs after a warm-up (lets V8 optimise it), returns ops/s. */
function time(fn: () => unknown, durationMs = 400): number {
  const warmUntil = performance.now() + 100
  while (performance.now() < warmUntil) fn()
  let ops = 0
  const t0 = performance.now()
  let t = t0
  while (t - t0 < durationMs) {
    // Check the clock every 16 calls: performance.now() itself costs ~50 ns.
    for (let i = 0; i < 16; i++) fn()
    ops += 16
    t = performance.now()
  }
  return (ops * 1000) / (t - t0)
}

function result(name: string, bytesPerOp: number, fn: () => unknown): MicroResult {
  const opsPerSec = time(fn)
  return { name, opsPerSec, mbPerSec: (opsPerSec * bytesPerOp) / 2 ** 20 }
}

export function runMicro(): MicroResult[] {
  const batch = buildBatch({ records: Array.from({ length: 16 }, () => ({ value: randomBytes(1024) })) })
  const partitions = 3
  const request = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: 'bench', partitionData: Array.from({ length: partitions }, (_, index) => ({ index, records: batch })) }],
  }
  // v11: the last version naming topics (v13 switches to topic ids); same layout otherwise.
  const version = 11
  const { request: codec } = codecFor(0)
  const encoded = codec.encode(request, version).toBuffer()
  let sink = 0
  const out = [
    result(`CRC32C of a ${(batch.length / 1024).toFixed(0)} KB batch`, batch.length, () => (sink ^= computeCrc(batch))),
    result('validateBatch (CRC + record walk), 16 × 1 KB', batch.length, () => {
      if (validateBatch(batch) !== null) throw new Error('bench batch is invalid')
    }),
    result(`Produce v${version} request encode, ${partitions} × 16 KB`, encoded.length, () => (sink ^= codec.encode(request, version).toBuffer().length)),
    result(`Produce v${version} request decode, ${partitions} × 16 KB`, encoded.length, () => (sink ^= codec.decode(encoded, version).acks)),
  ]
  if (sink === 0.5) console.log(sink) // keeps the results observable so V8 cannot drop the work
  return out
}
