// Produce throughput and latency with Apache Kafka's own load generator,
// kafka-producer-perf-test (org.apache.kafka.tools.ProducerPerformance): a Java producer with
// Kafka's default batching (batch.size 16 KB, linger.ms 5), one thread, fixed-size random
// payloads. Its final summary line carries everything we report:
//   300000 records sent, 53078.6 records/sec (51.83 MB/sec), 506.65 ms avg latency,
//   839.00 ms max latency, 489 ms 50th, 759 ms 95th, 808 ms 99th, 837 ms 99.9th.
// Latency there is send() → ack, so at full speed it is mostly time spent queued in the
// client's 32 MB buffer; it only says something about the broker under a throttled load.
// Every run is a fresh JVM whose first seconds (metadata fetch, JIT) stall sends for a few
// hundred ms; at 1% of a 20 s run that alone decides p99. The tool also prints one line per
// 5 s window ("124962 records sent, … 0.8 ms avg latency, 8.0 ms max latency."), so we keep
// the windows and report the worst latency after the first one as the steady-state figure.
import { join } from 'node:path'
import { repoRoot, runOk } from '../interop/target'

export interface ProducerPerfOptions {
  bootstrap: string
  topic: string
  records: number
  recordSize: number
  /** Records per second; -1 for as fast as possible. */
  throughput: number
  acks: '1' | 'all'
}

export interface ProducerPerfResult {
  records: number
  recordsPerSec: number
  mbPerSec: number
  avgMs: number
  maxMs: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  p999Ms: number
  /** The tool's 5-second windows, in order. */
  windows: Array<{ recordsPerSec: number; avgMs: number; maxMs: number }>
  /** Worst latency over the windows after the first (undefined if there was only one). */
  steadyMaxMs?: number
  /** CPU seconds (user + system) the tool's JVM used, start-up and JIT included. */
  generatorCpuSec?: number
}

/**
 * JVM flags for the load generators: C1 only and the serial collector, in a 1 GB heap. Each run
 * is a fresh JVM of a few seconds on a 2-core machine whose other core the brokers need. C2's
 * compilation and a parallel collector's threads cost more CPU there than they return: measured
 * by hand, 300,000 × 1 KB with C2 + ParallelGC made 78k rec/s into one broker (acks=1) and 34k
 * into RF=3 acks=all, the generator spending 26 and 38 ms of CPU per MB; C1 + SerialGC made
 * 85–96k and 41–47k at 20 and 25 ms/MB. The same generator drives both products.
 */
export const toolJvmEnv = {
  KAFKA_HEAP_OPTS: '-Xms512m -Xmx1g',
  KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1',
}

const SUMMARY =
  /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/

const WINDOW = /^\d+ records sent, ([\d.]+) records\/sec \([\d.]+ MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency\.$/gm

/** bash's `times` after a command: its second line is the CPU (user, system) of the shell's waited-for children. */
const CHILD_TIMES = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/gm

/** CPU seconds (user + system) of the children of a `bash -c '…; times'`, from its stdout; undefined if it printed none. */
export function childCpuSeconds(stdout: string): number | undefined {
  const t = [...stdout.matchAll(CHILD_TIMES)].at(-1)
  return t ? Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4]) : undefined
}

export async function producerPerf(o: ProducerPerfOptions): Promise<ProducerPerfResult> {
  // The generator's own CPU is reported beside the cluster's: on a small machine it decides how
  // much is left for the brokers.
  const r = await runOk(
    'bash',
    [
      '-c',
      'bash "$0" "$@"; s=$?; times; exit $s',
      join(repoRoot, 'scripts', 'kafka', 'kafka-producer-perf-test'),
      ...['--topic', o.topic, '--num-records', String(o.records), '--record-size', String(o.recordSize)],
      ...['--throughput', String(o.throughput)],
      ...['--producer-props', `bootstrap.servers=${o.bootstrap}`, `acks=${o.acks}`],
    ],
    { env: toolJvmEnv, timeoutMs: 180_000 },
  )
  const m = SUMMARY.exec(r.stdout)
  if (!m) throw new Error(`kafka-producer-perf-test printed no summary line:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`)
  const n = m.slice(1).map(Number)
  const [records, recordsPerSec, mbPerSec, avgMs, maxMs, p50Ms, p95Ms, p99Ms, p999Ms] = n as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (records !== o.records) throw new Error(`kafka-producer-perf-test sent ${records} of ${o.records} records`)
  const windows = [...r.stdout.matchAll(WINDOW)].map((w) => ({ recordsPerSec: Number(w[1]), avgMs: Number(w[2]), maxMs: Number(w[3]) }))
  const steadyMaxMs = windows.length > 1 ? Math.max(...windows.slice(1).map((w) => w.maxMs)) : undefined
  const generatorCpuSec = childCpuSeconds(r.stdout)
  return { records, recordsPerSec, mbPerSec, avgMs, maxMs, p50Ms, p95Ms, p99Ms, p999Ms, windows, steadyMaxMs, generatorCpuSec }
}
