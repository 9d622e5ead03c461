// kafka-producer-perf-test as the quota tests run it: a number of records of one size at full
// speed with --print-metrics, and what it reports: the records it sent, its records/s and the
// client metrics (e.g. produce-throttle-time-max).
import { expect } from 'vitest'
import { kafkaTool } from './target.ts'

export interface PerfRun {
  stdout: string
  sent: number
  recordsPerSec: number
}

/** `props`: the rest of the command line (--producer-props …, --producer.config FILE). */
export async function producerPerf(topic: string, records: number, size: number, props: string[]): Promise<PerfRun> {
  const r = await kafkaTool(
    'kafka-producer-perf-test',
    ['--topic', topic, '--num-records', String(records), '--record-size', String(size), '--throughput', '-1', '--print-metrics', ...props],
    { timeoutMs: 150_000 },
  )
  // The last progress line is the summary: "1024 records sent, 160.2 records/sec (0.16 MB/sec), …"
  const summary = [...r.stdout.matchAll(/(\d+) records sent, ([\d.]+) records\/sec/g)].at(-1)
  expect(summary, r.stdout.slice(-3000)).toBeDefined()
  return { stdout: r.stdout, sent: Number(summary![1]), recordsPerSec: Number(summary![2]) }
}

/** The value of one client metric printed by a perf tool's --print-metrics (e.g. produce-throttle-time-max). */
export function metric(out: string, name: string): number {
  const m = new RegExp(`:${name}:\\{client-id=[^}]*\\}\\s*:\\s*([-\\d.E]+|NaN)`).exec(out)
  expect(m, `${name} in:\n${out.slice(-4000)}`).not.toBeNull()
  return Number(m![1])
}
