// Log cleaner throughput: MB of log compacted per second, in-process on a partition log built in
// a temporary directory (1 KB records over 10,000 keys, so ~9 of 10 records are obsolete), for
// uncompressed and lz4 batches; and the same cleaning in the broker's 10 ms slices with a 1 ms
// ticker measuring how long the event loop was held (what produce and fetch would wait), next to
// the same ticker's longest gap with nothing running (the machine's own scheduling noise).
// Then the same on a running embedded broker (the built `kafkadesk cluster`): a kafkajs producer
// sends one record every 5 ms to another topic while the broker's cleaner compacts 64 MB, and its
// produce latency during the cleaning is set beside the latency before it.
// Runs as part of `npm run bench` (with the micro-benchmarks) or alone:
//   node --import tsx test/bench/cleaner.ts       (BENCH_CLEANER_MB=N sets the log size, default 64)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'
import { repoRoot } from '../interop/target'
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
    const batch = buildBatch({
      compression,
      records: Array.from({ length: PER_BATCH }, (_, i) => ({ key: `key-${(n + i) % KEYS}`, value: value.subarray((n + i) % 64) })),
    })
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

const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN

/** The cleaner inside a broker process, with produce latency on another topic while it cleans. */
async function inBroker(mb: number): Promise<MicroResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-bench-cleaner-broker-'))
  const broker = spawn(
    process.execPath,
    [join(repoRoot, 'out', 'cli', 'kafkadesk.js'), 'cluster', '--brokers', '1', '--port', '0', '--data-dir', dir, '--config', 'log.cleaner.backoff.ms=200'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  broker.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-100_000)))
  try {
    const bootstrap = await new Promise<string>((resolve, reject) => {
      broker.stdout!.on('data', (d: Buffer) => {
        const m = /ready bootstrap=(\S+)/.exec(d.toString())
        if (m) resolve(m[1]!)
      })
      broker.once('exit', () => reject(new Error(`broker exited: ${stderr.slice(-500)}`)))
    })
    const kafka = new Kafka({ clientId: 'bench-cleaner', brokers: [bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    // min.cleanable.dirty.ratio 1 holds the cleaner back until the measurement starts
    const configs = (ratio: string, segmentMs: string) => [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.bytes', value: String(16 * 2 ** 20) },
      { name: 'min.cleanable.dirty.ratio', value: ratio },
      { name: 'segment.ms', value: segmentMs },
    ]
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: 'probe', numPartitions: 1, replicationFactor: 1 },
        { topic: 'compacted', numPartitions: 1, replicationFactor: 1, configEntries: configs('1', '604800000') },
      ],
    })
    const producer = kafka.producer()
    await producer.connect()
    const value = randomBytes(RECORD_BYTES)
    const records = Math.floor((mb * 2 ** 20) / RECORD_BYTES)
    for (let n = 0; n < records; n += 512)
      await producer.send({ topic: 'compacted', acks: 1, messages: Array.from({ length: 512 }, (_, i) => ({ key: `key-${(n + i) % KEYS}`, value })) })
    const probe = kafka.producer()
    await probe.connect()
    const latencies: Array<[number, number]> = []
    let stop = false
    const probing = (async () => {
      while (!stop) {
        const t = performance.now()
        await probe.send({ topic: 'probe', acks: 1, messages: [{ value: 'x' }] })
        latencies.push([Date.now(), performance.now() - t])
        await new Promise((r) => setTimeout(r, 5))
      }
    })()
    await new Promise((r) => setTimeout(r, 4000))
    const start = Date.now()
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'compacted', configEntries: configs('0.01', '1') }] })
    await new Promise((r) => setTimeout(r, 50))
    await producer.send({ topic: 'compacted', acks: 1, messages: [{ key: 'roll', value: 'x' }] }) // rolls the last full segment
    let line: RegExpExecArray | null = null
    for (let i = 0; i < 600 && !line; i++) {
      await new Promise((r) => setTimeout(r, 100))
      line = /log cleaner: cleaned compacted-0 up to offset \d+ in (\d+) ms: (\d+) bytes read/.exec(stderr)
    }
    const end = Date.now()
    stop = true
    await probing
    await Promise.all([probe.disconnect(), producer.disconnect(), admin.disconnect()])
    if (!line) throw new Error('the broker did not clean the topic within 60 s')
    const idle = latencies.filter(([t]) => t < start).map(([, l]) => l)
    const during = latencies.filter(([t]) => t >= start && t <= end).map(([, l]) => l)
    const ms = Number(line[1])
    const f = (x: number) => x.toFixed(1)
    return {
      name: `embedded broker cleaning ${mb} MB: produce p99 ${f(pct(during, 0.99))} / max ${f(pct(during, 1))} ms (before: ${f(pct(idle, 0.99))} / ${f(pct(idle, 1))} ms)`,
      opsPerSec: (records / ms) * 1000,
      mbPerSec: Number(line[2]) / 2 ** 20 / (ms / 1000),
    }
  } finally {
    broker.kill('SIGTERM')
    await new Promise((r) => broker.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Cleaner throughput rows for the micro-benchmark table (ops/s are records read per second). */
export async function benchCleaner(log: (line: string) => void = () => {}): Promise<MicroResult[]> {
  const mb = Number(process.env.BENCH_CLEANER_MB ?? 64)
  const out: MicroResult[] = []
  const idle = await idleStall(2000)
  for (const [compression, sliceMs] of [
    ['none', Infinity],
    ['lz4', Infinity],
    ['none', 10],
  ] as Array<[CompressionName, number]>) {
    log(`log cleaner: ${mb} MB ${compression}${sliceMs === Infinity ? '' : `, ${sliceMs} ms slices`}`)
    out.push((await run(mb, compression, sliceMs, idle)).result)
  }
  log(`log cleaner: ${mb} MB in an embedded broker, with produce latency`)
  try {
    out.push(await inBroker(mb))
  } catch (e) {
    log(`log cleaner in a broker: ${(e as Error).message}`)
  }
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await benchCleaner((l) => process.stderr.write(`${l}\n`))) {
    process.stdout.write(
      `${r.name.padEnd(72)} ${Math.round(r.opsPerSec).toLocaleString('en-US').padStart(10)} records/s ${r.mbPerSec.toFixed(1).padStart(7)} MB/s\n`,
    )
  }
}
