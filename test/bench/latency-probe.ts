// Steady-state produce latency at half load, from test/bench/java/LatencyProbe.java: one JVM that
// sends a warm-up it does not measure, then measures every record's send → acknowledgement at a
// fixed rate. kafka-producer-perf-test counts its own JVM start-up in its percentiles (a fresh
// JVM stalls sends for a few hundred ms), so its p99 says more about the client than the broker.
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot, runOk } from '../interop/target'

const SOURCE = join(repoRoot, 'test', 'bench', 'java', 'LatencyProbe.java')
const CLASSES = join(repoRoot, '.cache', 'bench-classes')
const LIBS = join(repoRoot, '.cache', 'kafka', 'libs', '*')

export interface ProbeResult {
  rate: number
  warmUpSeconds: number
  measureSeconds: number
  measured: number
  errors: number
  p50Ms: number
  p99Ms: number
  p999Ms: number
  maxMs: number
}

/** Compiles the probe against the Kafka client jars when the class is missing or older than its source. */
async function compile(): Promise<void> {
  const cls = join(CLASSES, 'LatencyProbe.class')
  if (existsSync(cls) && statSync(cls).mtimeMs > statSync(SOURCE).mtimeMs) return
  mkdirSync(CLASSES, { recursive: true })
  await runOk('javac', ['-d', CLASSES, '-cp', LIBS, SOURCE], { timeoutMs: 120_000 })
}

export async function latencyProbe(o: {
  bootstrap: string
  topic: string
  rate: number
  warmUpSeconds: number
  measureSeconds: number
  acks: '1' | 'all'
  recordSize: number
}): Promise<ProbeResult> {
  await compile()
  const r = await runOk(
    'java',
    [
      '-Xmx1G',
      `-Dlog4j2.configurationFile=${join(repoRoot, 'scripts', 'kafka', 'log4j2.properties')}`,
      '-cp',
      `${CLASSES}:${LIBS}`,
      'LatencyProbe',
      o.bootstrap,
      o.topic,
      String(o.rate),
      String(o.warmUpSeconds),
      String(o.measureSeconds),
      o.acks,
      String(o.recordSize),
    ],
    { timeoutMs: (o.warmUpSeconds + o.measureSeconds + 60) * 1000 },
  )
  const line = r.stdout.trim().split('\n').at(-1) ?? ''
  const out = JSON.parse(line) as Omit<ProbeResult, 'rate' | 'warmUpSeconds' | 'measureSeconds'>
  return { rate: o.rate, warmUpSeconds: o.warmUpSeconds, measureSeconds: o.measureSeconds, ...out }
}
