// Renders the cluster section (cluster.ts): embedded | Kafka | embedded/Kafka, plus the
// figure it is held against in issue 8 (printed for reference; nothing here passes or fails).
import type { ClusterResults, ClusterSide } from './cluster'
import type { ProducerPerfResult } from './producer-perf'
import { median } from './ready-time'
import { num, ratio, table, type Row } from './report'
import { renderCeiling } from './ceiling'

export function renderCluster(res: ClusterResults): string {
  const e = res.embedded
  const k = res.kafka
  const s = res.settings
  const rows: Row[] = [['', 'embedded', 'Kafka 4.1.1', 'emb/Kafka', 'goal (issue 8)']]
  const section = (title: string): void => void rows.push([`## ${title}`, '', '', '', ''])
  const pair = (label: string, pick: (b: ClusterSide) => number | undefined, digits: number, goal = ''): void => {
    const a = e && pick(e)
    const b = k && pick(k)
    rows.push([label, num(a, digits), num(b, digits), ratio(a, b), goal])
  }
  const rss = (b: ClusterSide): number[] => Object.values(b.idleRssMb)
  const okRounds = (b: ClusterSide) => b.failover.filter((r) => r.acceptedMs !== undefined)

  section(
    `Start: spawn → ready line, ${s.brokers} brokers (runs: ${e?.readyRunsMs.length ?? 0}/${k?.readyRunsMs.length ?? 0}; Kafka: format + 3 JVMs + first admin call)`,
  )
  pair('  median ms', (b) => b.readyMedianMs, 0, '< 1,000 ms')
  pair('  min ms', (b) => (b.readyRunsMs.length ? Math.min(...b.readyRunsMs) : undefined), 0)
  pair('  max ms', (b) => (b.readyRunsMs.length ? Math.max(...b.readyRunsMs) : undefined), 0)
  section('Idle RSS per broker process, 2 s after ready (Kafka: stock 1 GB heap, G1)')
  pair('  max MB', (b) => (rss(b).length ? Math.max(...rss(b)) : undefined), 1, '< 100 MB')
  pair('  min MB', (b) => (rss(b).length ? Math.min(...rss(b)) : undefined), 1)
  pair('  embedded supervisor (controller), MB', (b) => b.supervisorRssMb, 1)

  section(
    `Produce RF=${s.replicationFactor}, acks=all, full speed (kafka-producer-perf-test, ${num(s.records)} × ${s.recordSize} B, ${s.partitions} partitions; the median of ${s.produceRuns} runs)`,
  )
  const runs = (xs: number[] | undefined): string => xs?.map((x) => num(x)).join(', ') ?? '—'
  pair('  records/s', (b) => b.produce?.recordsPerSec, 0, 'ratio ≥ 1.0')
  rows.push(['  records/s of each run', runs(e?.produceRuns), runs(k?.produceRuns), '', ''])
  pair('  MB/s', (b) => b.produce?.mbPerSec, 1)
  pair('  p50 latency ms', (b) => b.produce?.p50Ms, 0)
  pair('  p99 latency ms', (b) => b.produce?.p99Ms, 0)
  /** CPU milliseconds per MB the run produced. */
  const msPerMb = (cpuSec: number | undefined, r: ProducerPerfResult | undefined): number | undefined =>
    cpuSec !== undefined && r ? (cpuSec * 1000) / ((r.records * s.recordSize) / 2 ** 20) : undefined
  const generatorMsPerMb = (r: ProducerPerfResult | undefined) => msPerMb(r?.generatorCpuSec, r)
  pair('  CPU of the cluster, ms per MB (embedded: brokers + supervisor)', (b) => msPerMb(b.produceCpuSec, b.produce), 1)
  pair('  CPU of the load generator (the perf-test JVM), ms per MB', (b) => generatorMsPerMb(b.produce), 1)
  pair('  single broker, acks=1, records/s', (b) => b.singleAcks1?.recordsPerSec, 0)
  rows.push(['  … of each run', runs(e?.singleAcks1Runs), runs(k?.singleAcks1Runs), '', ''])
  pair('  … its load generator CPU, ms per MB', (b) => generatorMsPerMb(b.singleAcks1), 1)
  const rf3OverSingle = (b: ClusterSide | undefined): string =>
    b?.produce && b.singleAcks1 ? `${(b.produce.recordsPerSec / b.singleAcks1.recordsPerSec).toFixed(2)}×` : '—'
  rows.push(['  RF=3 acks=all ÷ single acks=1 (medians)', rf3OverSingle(e), rf3OverSingle(k), '', 'embedded ≥ 0.5×'])
  if (e?.probe || k?.probe) {
    const p = (e?.probe ?? k?.probe)!
    section(
      `Produce latency, steady state (LatencyProbe, ${num(p.rate)} rec/s = half the embedded RF=3 maximum, acks=all, ${p.warmUpSeconds} s warm-up, ${p.measureSeconds} s measured)`,
    )
    pair('  p50 latency ms', (b) => b.probe?.p50Ms, 2)
    pair('  p99 latency ms', (b) => b.probe?.p99Ms, 2)
    pair('  p99.9 latency ms', (b) => b.probe?.p999Ms, 2)
    pair('  max latency ms', (b) => b.probe?.maxMs, 1)
  }

  section(
    `Failover: kill -9 of a leader → a new leader accepts acks=all produce (each with its defaults; rounds ${e?.failover.length ?? 0}/${k?.failover.length ?? 0})`,
  )
  pair('  elected (Metadata names a live leader), median ms', (b) => (okRounds(b).length ? median(okRounds(b).map((r) => r.electedMs!)) : undefined), 0)
  pair('  accepting produce, median ms', (b) => (okRounds(b).length ? median(okRounds(b).map((r) => r.acceptedMs!)) : undefined), 0, '< 2,000 ms')
  pair('  accepting produce, max ms', (b) => (okRounds(b).length ? Math.max(...okRounds(b).map((r) => r.acceptedMs!)) : undefined), 0)

  let out = table(rows)
  const rounds = [e, k].flatMap((b) =>
    b ? [`  ${b.kind}: ${b.failover.map((r) => (r.acceptedMs !== undefined ? `${r.acceptedMs.toFixed(0)} ms` : (r.error ?? '—'))).join(', ') || '—'}`] : [],
  )
  out += `\n\nFailover rounds (kill → produce accepted):\n${rounds.join('\n')}`
  out += '\nKafka notices a dead broker when its heartbeats stop (broker.session.timeout.ms, default 9 s); the victim is never its active controller.'
  const errors = [...res.errors.map((x) => `cluster: ${x}`), ...[e, k].flatMap((b) => b?.errors.map((x) => `${b.kind} cluster: ${x}`) ?? [])]
  if (errors.length) out += `\n\nCould not run:\n${errors.map((x) => `  - ${x}`).join('\n')}`
  if (res.ceiling) out += `\n\n${renderCeiling(res.ceiling)}`
  return out
}
