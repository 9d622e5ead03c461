// Renders the results as one plain-text table (embedded | Kafka | embedded/Kafka | target)
// and writes them as JSON. Ratios are embedded ÷ Kafka: above 1 means the embedded broker
// has more of it (faster for rates, slower/bigger for times and memory).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { BrokerKind } from './broker'
import { LAG_GROUPS, LAG_PARTITIONS, PAGE, TARGETS, type ConsoleResults } from './console'
import type { ConsumeResult } from './consumer-perf'
import { COMMIT_PARTITIONS, CONSUMERS, HEARTBEAT_MS, PARTITIONS as GROUP_PARTITIONS, type CommitResult, type GroupResults } from './groups'
import type { MicroResult } from './micro'
import type { ProbeResult } from './latency-probe'
import type { ProducerPerfResult } from './producer-perf'
import type { ReadyTime } from './ready-time'

export interface ProduceRun {
  label: string
  acks: '1' | 'all'
  /** Requested records/s, -1 = unthrottled. */
  throughput: number
  result?: ProducerPerfResult
  /** CPU seconds the broker process used during the run (JVM start of the tool included). */
  brokerCpuSec?: number
  error?: string
}

export interface BrokerResults {
  kind: BrokerKind
  readyTime?: ReadyTime
  idleRssMb?: number
  afterProduceRssMb?: number
  peakRssMb?: number
  /** The rate of the half-load run (half the embedded broker's acks=1 maximum). */
  halfLoadRecordsPerSec?: number
  produce: ProduceRun[]
  /** Steady-state latency at the half-load rate (latency-probe.ts). */
  probe?: ProbeResult
  consume: ConsumeResult[]
  /** Rebalance time and OffsetCommit throughput (groups.ts). */
  groups?: GroupResults
  /** The console's targets through its contract channels (console.ts). */
  console?: ConsoleResults
  errors: string[]
}

export interface Results {
  date: string
  /** A load average above ~0.5 at start means something else shares the CPUs: expect noise. */
  machine: { cpus: number; cpuModel: string; node: string; platform: string; loadAvg1mAtStart: number }
  settings: { records: number; recordSize: number; partitions: number; halfLoadRecordsPerSec?: number; readyRuns: Record<BrokerKind, number> }
  brokers: Partial<Record<BrokerKind, BrokerResults>>
  micro: MicroResult[]
  elapsedSec: number
}

export type Row = [string, string, string, string, string]

export const num = (v: number | undefined, digits = 0): string =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
export const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || !b ? '—' : `${(a / b).toFixed(2)}×`)
/** PASS/MISS of an embedded figure against an upper bound. */
const below = (v: number | undefined, limit: number, unit: string): string =>
  v === undefined ? `< ${limit} ${unit}` : `< ${limit} ${unit} ${v < limit ? 'PASS' : 'MISS'}`

export function table(rows: Row[]): string {
  // Section titles ('## …') are printed on their own line, so they do not widen the columns.
  const sized = rows.filter((r) => !r[0].startsWith('##'))
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...sized.map((r) => r[i].length)))
  const line = (r: Row): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  const sep = widths.map((w) => '-'.repeat(w)).join('  ')
  return [line(rows[0]!), sep, ...rows.slice(1).map((r) => (r[0].startsWith('##') ? `${r[0].slice(3)}` : line(r)))].join('\n')
}

export function render(res: Results): string {
  const e = res.brokers.embedded
  const k = res.brokers.kafka
  const rows: Row[] = [['', 'embedded', 'Kafka 4.1.1', 'emb/Kafka', 'target (embedded)']]
  const section = (title: string): void => void rows.push([`## ${title}`, '', '', '', ''])
  const pair = (label: string, pick: (b: BrokerResults) => number | undefined, digits: number, target = ''): void => {
    const a = e && pick(e)
    const b = k && pick(k)
    rows.push([label, num(a, digits), num(b, digits), ratio(a, b), target])
  }

  section('Start')
  pair(
    `ready time, median ms (runs: ${res.settings.readyRuns.embedded}/${res.settings.readyRuns.kafka})`,
    (b) => b.readyTime?.medianMs,
    0,
    below(e?.readyTime?.medianMs, 1000, 'ms'),
  )
  pair('  min ms', (b) => b.readyTime?.minMs, 0)
  pair('  max ms', (b) => b.readyTime?.maxMs, 0)
  section('Memory (VmRSS of the broker process)')
  pair('idle after start, MB', (b) => b.idleRssMb, 1, below(e?.idleRssMb, 100, 'MB'))
  pair('after the produce runs, MB', (b) => b.afterProduceRssMb, 1)
  pair('peak (VmHWM), MB', (b) => b.peakRssMb, 1)

  const labels = [...new Set([...(e?.produce ?? []), ...(k?.produce ?? [])].map((p) => p.label))]
  for (const label of labels) {
    const run = (b: BrokerResults): ProduceRun | undefined => b.produce.find((p) => p.label === label)
    const pr = (b: BrokerResults): ProducerPerfResult | undefined => run(b)?.result
    const records = (e && pr(e)?.records) ?? (k && pr(k)?.records) ?? res.settings.records
    section(`Produce ${label} (kafka-producer-perf-test, ${num(records)} × ${res.settings.recordSize} B, ${res.settings.partitions} partitions)`)
    pair('  records/s', (b) => pr(b)?.recordsPerSec, 0)
    pair('  MB/s', (b) => pr(b)?.mbPerSec, 1)
    pair('  p50 latency ms', (b) => pr(b)?.p50Ms, 0)
    const half = label.startsWith('half load')
    pair('  p99 latency ms', (b) => pr(b)?.p99Ms, 0, half ? '(JVM start-up included)' : '')
    pair('  max latency ms', (b) => pr(b)?.maxMs, 0)
    // Broker CPU per MB produced: how much of the 2 cores the broker took from the client.
    pair(
      '  broker CPU ms per MB',
      (b) =>
        run(b)?.brokerCpuSec !== undefined && pr(b) ? (run(b)!.brokerCpuSec! * 1000) / ((pr(b)!.records * res.settings.recordSize) / 2 ** 20) : undefined,
      1,
    )
    if (half) pair('  max latency after the first 5 s, ms', (b) => pr(b)?.steadyMaxMs, 0)
  }

  if (e?.probe || k?.probe) {
    const p = (e?.probe ?? k?.probe)!
    section(
      `Produce latency at half load, steady state (LatencyProbe: one JVM, ${num(p.rate)} rec/s × ${res.settings.recordSize} B, acks=all, ${p.warmUpSeconds} s warm-up unmeasured, ${p.measureSeconds} s measured)`,
    )
    pair('  p50 latency ms', (b) => b.probe?.p50Ms, 2)
    pair('  p99 latency ms', (b) => b.probe?.p99Ms, 2, below(e?.probe?.p99Ms, 10, 'ms'))
    pair('  p99.9 latency ms', (b) => b.probe?.p999Ms, 2)
    pair('  max latency ms', (b) => b.probe?.maxMs, 1)
  }

  for (const tool of ['kafka-consumer-perf-test', 'kcat'] as const) {
    const cr = (b: BrokerResults): ConsumeResult | undefined => b.consume.find((c) => c.tool === tool)
    section(`Consume from offset 0 to the end (${tool}${tool === 'kcat' ? ', no consumer group' : ', consumer group'})`)
    pair('  records/s', (b) => cr(b)?.recordsPerSec, 0)
    pair('  MB/s', (b) => cr(b)?.mbPerSec, 1)
  }

  if (e?.groups || k?.groups) {
    const rb = (b: BrokerResults) => b.groups?.rebalance
    const delays = [e, k].map((b) => (b && rb(b)?.initialDelayMs !== undefined ? `${rb(b)!.initialDelayMs}` : '?')).join('/')
    section(`Consumer group: ${CONSUMERS} consumers join, ${GROUP_PARTITIONS} partitions (raw-protocol driver, concurrent joins)`)
    pair(`first join → all ${GROUP_PARTITIONS} assigned, ms (initial delay ${delays} ms incl.)`, (b) => rb(b)?.joinToStableMs, 0)
    pair('  JoinGroup phase ms', (b) => rb(b)?.joinPhaseMs, 0)
    pair('  SyncGroup phase ms', (b) => rb(b)?.syncPhaseMs, 1)
    pair(`one leaves → rest stable again, ms (heartbeat ${HEARTBEAT_MS} ms)`, (b) => rb(b)?.leaveToStableMs, 1)
    const counts = [...new Set([...(e?.groups?.commit ?? []), ...(k?.groups?.commit ?? [])].map((c) => c.clients))]
    for (const clients of counts) {
      const cr = (b: BrokerResults): CommitResult | undefined => b.groups?.commit.find((c) => c.clients === clients)
      const requests = (e && cr(e)?.requests) ?? (k && cr(k)?.requests)
      section(`OffsetCommit × ${COMMIT_PARTITIONS} partitions, ${clients} client${clients > 1 ? 's' : ''} (${num(requests)} requests, 1 in flight each)`)
      pair('  requests/s', (b) => cr(b)?.requestsPerSec, 0)
      pair('  offsets/s', (b) => cr(b)?.offsetsPerSec, 0)
      pair('  p50 latency ms', (b) => cr(b)?.p50Ms, 2)
      pair('  p99 latency ms', (b) => cr(b)?.p99Ms, 2)
    }
  }

  if (e?.console || k?.console) {
    const any = (e?.console ?? k?.console)!
    // The console's targets hold for both clusters: PASS/MISS for each (embedded/Kafka).
    const verdict = (pick: (b: BrokerResults) => number | undefined, ok: (v: number) => boolean): string =>
      [e, k]
        .map((b) => {
          const v = b && pick(b)
          return v === undefined ? '—' : ok(v) ? 'PASS' : 'MISS'
        })
        .join('/')
    const atMost = (pick: (b: BrokerResults) => number | undefined, limit: number, unit: string): string =>
      `≤ ${num(limit)} ${unit} ${verdict(pick, (v) => v <= limit)}`
    const atLeast = (pick: (b: BrokerResults) => number | undefined, limit: number, unit: string): string =>
      `≥ ${num(limit)} ${unit} ${verdict(pick, (v) => v >= limit)}`
    section(
      `Console services through the contract (dispatch), ${num(any.records)} JSON records of ~${any.avgRecordBytes} B in one partition; target: emb/Kafka`,
    )
    const page = (b: BrokerResults) => b.console?.firstPage
    const cold = (b: BrokerResults) => page(b)?.coldMs
    const warm = (b: BrokerResults) => page(b)?.warmMedianMs
    pair(`messages.read, page of ${PAGE} at offset 0, first call, ms`, cold, 1, atMost(cold, TARGETS.firstPageMs, 'ms'))
    pair(`  warm: median of ${page(e ?? k!)?.warmMs.length ?? '?'} pages across the partition, ms`, warm, 1, atMost(warm, TARGETS.firstPageMs, 'ms'))
    const labels = [...new Set([...(e?.console?.filters ?? []), ...(k?.console?.filters ?? [])].map((f) => f.label))]
    for (const label of labels) {
      const rate = (b: BrokerResults) => b.console?.filters.find((f) => f.label === label)?.recordsPerSec
      pair(`messages.search, ${label}, records/s`, rate, 0, atLeast(rate, TARGETS.filterRecordsPerSec, 'rec/s'))
    }
    const lagCold = (b: BrokerResults) => b.console?.lag?.coldMs
    const lagWarm = (b: BrokerResults) => b.console?.lag?.warmMedianMs
    pair(`groups.list with lag, ${LAG_GROUPS} groups × ${LAG_PARTITIONS} partitions, first call, ms`, lagCold, 0, atMost(lagCold, TARGETS.lagRefreshMs, 'ms'))
    pair('  warm: median of 3 refreshes, ms', lagWarm, 0, atMost(lagWarm, TARGETS.lagRefreshMs, 'ms'))
    pair(`groups.describe, one group of ${LAG_PARTITIONS} partitions, ms`, (b) => b.console?.lag?.describeMs, 1)
    pair(`load: kcat -P of ${num(any.records)} records, s (not a target)`, (b) => b.console?.loadSec, 1)
  }

  const m = res.machine
  let out = `${m.cpus} × ${m.cpuModel}, Node ${m.node}; 1-min load average at start ${m.loadAvg1mAtStart.toFixed(2)}${m.loadAvg1mAtStart > 0.5 ? ' (other work was running: expect noise)' : ''}\n`
  out += `ratio = embedded ÷ Kafka; produce/consume at full speed; each broker got an unmeasured warm-up produce run first\n\n`
  out += table(rows)
  // Why a consumer tool could not be used goes below the table, where long text fits.
  const unusable = [e, k].flatMap((b) => b?.consume.filter((c) => !c.ok).map((c) => `  ${c.tool} on ${b.kind}: ${c.error}`) ?? [])
  if (unusable.length) out += `\n\nConsumer tools not usable (the other tool's figure stands):\n${unusable.join('\n')}`
  const groupNotes = [e, k].flatMap((b) => {
    if (!b?.groups) return []
    const cfg = Object.entries(b.groups.brokerConfigs)
      .map(([n, v]) => `${n}=${v}`)
      .join(', ')
    const notes = b.groups.commit.filter((c) => c.note).map((c) => `${c.clients} client(s): ${c.note}`)
    return [`  ${b.kind}: ${cfg || 'group settings not reported'}${notes.length ? `; ${notes.join('; ')}` : ''}`]
  })
  if (groupNotes.length) {
    out += `\n\nConsumer groups: ${e?.groups?.rebalance.client ?? k?.groups?.rebalance.client}. The first rebalance of an empty group waits`
    out += `\ngroup.initial.rebalance.delay.ms, and once more when members joined during that wait, so the join figure is mostly`
    out += `\nthat delay (Kafka's default on both); "one leaves" has no delay. Broker settings (DescribeConfigs):\n${groupNotes.join('\n')}`
  }
  if (res.micro.length) {
    out += '\n\nIn-process micro-benchmarks (embedded broker code, this Node)\n'
    out += res.micro.map((m) => `  ${m.name.padEnd(48)} ${num(m.opsPerSec).padStart(10)} ops/s ${num(m.mbPerSec).padStart(7)} MB/s`).join('\n')
  }
  const errors = [e, k].flatMap((b) => b?.errors.map((x) => `${b.kind}: ${x}`) ?? [])
  if (errors.length) out += `\n\nCould not run:\n${errors.map((x) => `  - ${x}`).join('\n')}`
  return out
}

export function writeJson(path: string, res: Results): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, JSON.stringify(res, null, 2) + '\n')
}
