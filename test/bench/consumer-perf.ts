// Consume throughput of a topic already filled by the produce run, read from offset 0 to the
// end, with two real clients:
//  - kafka-consumer-perf-test (Java consumer). It always joins a consumer group, so it needs
//    FindCoordinator/JoinGroup/SyncGroup/OffsetCommit; on a broker without them it fails (or
//    hangs until our timeout) and we say so instead of failing the bench.
//  - kcat -C -e (librdkafka, assign()-style: no group), which works on any broker and is the
//    fallback figure. Timed as its whole process life, so it includes a few ms of connect and
//    metadata on top of ~1 s of fetching.
// MB is payload bytes / 2^20, the same unit kafka-*-perf-test print.
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { repoRoot, run } from '../interop/target'
import { toolJvmEnv } from './producer-perf'

export type ConsumeTool = 'kafka-consumer-perf-test' | 'kcat'

export interface ConsumeResult {
  tool: ConsumeTool
  ok: boolean
  records?: number
  seconds?: number
  recordsPerSec?: number
  mbPerSec?: number
  /** Why the tool could not be used (first lines of its error output). */
  error?: string
}

export interface ConsumeOptions {
  bootstrap: string
  topic: string
  records: number
  recordSize: number
}

const firstLines = (s: string): string =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '))
    .slice(0, 3)
    .join(' | ')
    .slice(0, 300)

export async function consumerPerfTest(o: ConsumeOptions): Promise<ConsumeResult> {
  const tool = 'kafka-consumer-perf-test'
  const r = await run(
    'bash',
    [
      join(repoRoot, 'scripts', 'kafka', tool),
      ...['--bootstrap-server', o.bootstrap, '--topic', o.topic, '--messages', String(o.records)],
      ...['--group', `bench-${randomBytes(4).toString('hex')}`, '--timeout', '20000'],
    ],
    { env: toolJvmEnv, timeoutMs: 60_000 },
  )
  if (r.code !== 0 || r.timedOut) {
    return { tool, ok: false, error: r.timedOut ? 'timed out after 60 s' : firstLines(r.stderr + '\n' + r.stdout) }
  }
  // A CSV header line then one line of values; pick columns by name (their order has changed
  // between Kafka versions).
  const lines = r.stdout.split('\n').map((l) => l.trim())
  const h = lines.findIndex((l) => l.startsWith('start.time'))
  const header = lines[h]?.split(/,\s*/) ?? []
  const values = lines[h + 1]?.split(/,\s*/) ?? []
  const col = (name: string): number => Number(values[header.indexOf(name)])
  const records = col('data.consumed.in.nMsg')
  if (!(records > 0)) return { tool, ok: false, error: `no result line: ${firstLines(r.stdout + '\n' + r.stderr)}` }
  if (records < o.records) return { tool, ok: false, error: `consumed ${records} of ${o.records} records` }
  // Overall figures (rebalance included): what a user waits for.
  return { tool, ok: true, records, seconds: records / col('nMsg.sec'), recordsPerSec: col('nMsg.sec'), mbPerSec: col('MB.sec') }
}

export async function kcatConsume(o: ConsumeOptions): Promise<ConsumeResult> {
  const tool = 'kcat'
  const t0 = performance.now()
  // -f '' prints nothing per record; -e exits at the end of every partition and reports
  // "Reached end of topic T [p] at offset N" on stderr, which gives the count.
  const r = await run('kcat', ['-C', '-b', o.bootstrap, '-t', o.topic, '-o', 'beginning', '-e', '-f', ''], { timeoutMs: 120_000 })
  const seconds = (performance.now() - t0) / 1000
  if (r.code !== 0 || r.timedOut) return { tool, ok: false, error: r.timedOut ? 'timed out after 120 s' : firstLines(r.stderr) }
  let records = 0
  for (const m of r.stderr.matchAll(/Reached end of topic \S+ \[\d+\] at offset (\d+)/g)) records += Number(m[1])
  if (records < o.records) return { tool, ok: false, error: `reached the end after ${records} of ${o.records} records` }
  return {
    tool,
    ok: true,
    records,
    seconds,
    recordsPerSec: records / seconds,
    mbPerSec: (records * o.recordSize) / 2 ** 20 / seconds,
  }
}

/** Both tools, the group-based one first; kcat's figure stands in when the other cannot run. */
export async function consume(o: ConsumeOptions): Promise<ConsumeResult[]> {
  return [await consumerPerfTest(o), await kcatConsume(o)]
}
