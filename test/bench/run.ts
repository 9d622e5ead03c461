// npm run bench — the embedded broker against Apache Kafka 4.1.1 on this machine, with real
// Kafka clients over TCP: produce (kafka-producer-perf-test), consume, ready time, memory, and
// consumer groups (rebalance time, OffsetCommit throughput) with a raw-protocol driver, and the
// console's own targets (first page, filter throughput, lag refresh) through its services.
// Brokers run one at a time (the machine may have 2 cores: the client needs one), embedded
// first because its measured maximum sets the half-load rate used for both.
//
// Env (for development; the defaults are the benchmark):
//   BENCH_RECORDS=N         records per full-speed produce run (default 400000)
//   BENCH_ONLY=embedded|kafka|hostile|cluster|ceiling|transactions|security|parked-fetches (security: produce
//                           over PLAINTEXT vs SASL_SSL and handshake times, security.ts;
//                           hostile: only the hostile-client section;
//                           cluster: only the 3-broker section, cluster.ts, with the ceiling;
//                           ceiling: only one broker's ceiling, ceiling.ts;
//                           parked-fetches: idle consumers beside a producer, parked-fetches.ts)
//   BENCH_CEILING_GENERATORS=N, BENCH_CEILING_RECORDS=N  kcat processes and records each (4, 150000)
//   BENCH_CLUSTER_RECORDS=N records of the cluster section's produce run (default 300000)
//   BENCH_FAILOVER_ROUNDS=N kill -9 rounds per cluster in the cluster section (default 3)
//   BENCH_CPU_PROF=DIR      run the embedded broker's main run under node --cpu-prof
//
// Never fails on a missed target; exits 1 only when something could not run.
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import kafkajs from 'kafkajs'
import { repoRoot } from '../interop/target'
import { startBroker, type Broker, type BrokerKind } from './broker'
import { consume } from './consumer-perf'
import { benchConsole, cleanupConsoleBench } from './console'
import { benchGroups, PARTITIONS as GROUP_PARTITIONS } from './groups'
import { latencyProbe } from './latency-probe'
import { cpuSeconds, readRss } from './memory'
import { runMicro } from './micro'
import { benchHostile, renderHostile, type HostileResult } from './hostile'
import { benchCluster, type ClusterResults } from './cluster'
import { renderCluster } from './cluster-report'
import { benchCeiling, renderCeiling } from './ceiling'
import { producerPerf } from './producer-perf'
import { measureReadyTime } from './ready-time'
import { render, writeJson, type BrokerResults, type ProduceRun, type Results } from './report'

const RECORDS = Number(process.env.BENCH_RECORDS ?? 400_000)
const RECORD_SIZE = 1024
// A few partitions, as a real topic has; the one producer spreads batches over them.
const PARTITIONS = 3
// Kafka starts in ~5 s (three JVMs), so fewer runs of it keep the bench short.
const READY_RUNS: Record<BrokerKind, number> = { embedded: 5, kafka: 3 }
// Seconds of load for the half-load latency run: four of the perf tool's 5 s windows.
const HALF_LOAD_SECONDS = 20
// The steady-state latency probe (java/LatencyProbe.java) at the half-load rate.
const PROBE_WARM_UP_SECONDS = 10
const PROBE_SECONDS = 20
// Records of an unmeasured first run: a fresh broker (Kafka's JIT especially) is slow for its
// first seconds, and that is start-up, not throughput.
const WARM_UP_RECORDS = 150_000
const OUT = join(repoRoot, 'test', 'bench', 'results', 'latest.json')

const log = (s: string): void => void process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${s}\n`)
const t0 = performance.now()
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300)

async function createTopics(bootstrap: string, topics: string[], partitions = PARTITIONS): Promise<void> {
  const kafka = new kafkajs.Kafka({ clientId: 'kafkadesk-bench', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })), waitForLeaders: true })
  } finally {
    await admin.disconnect()
  }
}

const FULL_SPEED: ProduceRun[] = [
  { label: 'full speed, acks=1', acks: '1', throughput: -1 },
  { label: 'full speed, acks=all', acks: 'all', throughput: -1 },
]
const halfLoadRun = (rate: number): ProduceRun => ({ label: `half load ${rate.toLocaleString('en-US')} rec/s, acks=all`, acks: 'all', throughput: rate })

async function benchBroker(kind: BrokerKind, halfLoad: number | undefined): Promise<BrokerResults> {
  const res: BrokerResults = { kind, produce: [], consume: [], errors: [] }
  try {
    log(`${kind}: ready time, ${READY_RUNS[kind]} starts`)
    res.readyTime = await measureReadyTime(kind, READY_RUNS[kind])
    log(`${kind}: ready in ${res.readyTime.runsMs.join(', ')} ms`)
  } catch (e) {
    res.errors.push(`ready time: ${message(e)}`)
  }

  let broker: Broker
  try {
    broker = await startBroker(kind, { cpuProfDir: kind === 'embedded' ? process.env.BENCH_CPU_PROF : undefined })
  } catch (e) {
    res.errors.push(`start: ${message(e)}`)
    return res
  }
  try {
    // Idle: give the process a moment after `ready` (JIT, lazy init, GC) before reading RSS.
    await sleep(2000)
    res.idleRssMb = readRss(broker.brokerPid).rssMb
    log(`${kind}: idle RSS ${res.idleRssMb.toFixed(1)} MB (pid ${broker.brokerPid})`)

    const topics = [0, 1, 2, 'warm-up'].map((i) => `bench-${i}-${Date.now().toString(36)}`)
    await createTopics(broker.bootstrap, topics)
    log(`${kind}: warm-up, ${WARM_UP_RECORDS} records`)
    const warm = await producerPerf({
      bootstrap: broker.bootstrap,
      topic: topics[3]!,
      records: WARM_UP_RECORDS,
      recordSize: RECORD_SIZE,
      throughput: -1,
      acks: '1',
    })
    log(`${kind}:   ${warm.recordsPerSec.toFixed(0)} rec/s`)
    await sleep(1000)
    const runs = FULL_SPEED.map((r) => ({ ...r }))
    for (let i = 0; i < 3; i++) {
      if (i === 2) {
        // Half of the embedded broker's maximum (this broker's own when it is the embedded
        // one): the same offered load for both, to compare latency when nobody is saturated.
        halfLoad ??= runs[0]!.result ? Math.floor(runs[0]!.result.recordsPerSec / 2) : undefined
        if (!halfLoad) break
        runs.push(halfLoadRun(halfLoad))
      }
      const run = runs[i]!
      const records = run.throughput > 0 ? run.throughput * HALF_LOAD_SECONDS : RECORDS
      log(`${kind}: produce ${run.label}, ${records} records`)
      try {
        const cpu0 = cpuSeconds(broker.brokerPid)
        run.result = await producerPerf({
          bootstrap: broker.bootstrap,
          topic: topics[i]!,
          records,
          recordSize: RECORD_SIZE,
          throughput: run.throughput,
          acks: run.acks,
        })
        run.brokerCpuSec = cpuSeconds(broker.brokerPid) - cpu0
        log(
          `${kind}:   ${run.result.recordsPerSec.toFixed(0)} rec/s, ${run.result.mbPerSec} MB/s, p50 ${run.result.p50Ms} ms, p99 ${run.result.p99Ms} ms, steady max ${run.result.steadyMaxMs ?? '—'} ms`,
        )
      } catch (e) {
        run.error = message(e)
        res.errors.push(`produce ${run.label}: ${run.error}`)
      }
      res.produce.push(run)
      await sleep(1000) // let the broker's write-back settle before the next run
    }
    res.halfLoadRecordsPerSec = halfLoad
    if (halfLoad) {
      log(`${kind}: steady-state latency probe at ${halfLoad} rec/s, acks=all (${PROBE_WARM_UP_SECONDS} s unmeasured, ${PROBE_SECONDS} s measured)`)
      try {
        res.probe = await latencyProbe({
          bootstrap: broker.bootstrap,
          topic: topics[2]!,
          rate: halfLoad,
          warmUpSeconds: PROBE_WARM_UP_SECONDS,
          measureSeconds: PROBE_SECONDS,
          acks: 'all',
          recordSize: RECORD_SIZE,
        })
        log(
          `${kind}:   p50 ${res.probe.p50Ms} ms, p99 ${res.probe.p99Ms} ms, p99.9 ${res.probe.p999Ms} ms, max ${res.probe.maxMs} ms, errors ${res.probe.errors}`,
        )
        if (res.probe.errors > 0) res.errors.push(`latency probe: ${res.probe.errors} sends failed`)
      } catch (e) {
        res.errors.push(`latency probe: ${message(e)}`)
      }
    }
    const rss = readRss(broker.brokerPid)
    res.afterProduceRssMb = rss.rssMb
    res.peakRssMb = rss.peakMb

    if (res.produce[0]?.result) {
      log(`${kind}: consume ${topics[0]}`)
      res.consume = await consume({ bootstrap: broker.bootstrap, topic: topics[0]!, records: RECORDS, recordSize: RECORD_SIZE })
      for (const c of res.consume) log(`${kind}:   ${c.tool}: ${c.ok ? `${c.recordsPerSec!.toFixed(0)} rec/s` : `not usable: ${c.error}`}`)
      if (!res.consume.some((c) => c.ok)) res.errors.push('consume: no consumer tool could read the topic')
    }

    // The console's own targets (first page, filter, lag), through its contract channels.
    try {
      res.console = await benchConsole(broker.bootstrap, (s) => log(`${kind}: ${s}`))
      res.errors.push(...res.console.errors.map((x) => `console ${x}`))
    } catch (e) {
      res.errors.push(`console: ${message(e)}`)
    }

    // Consumer groups, on a topic of their own with GROUP_PARTITIONS partitions.
    try {
      const groupTopic = `bench-groups-${Date.now().toString(36)}`
      await createTopics(broker.bootstrap, [groupTopic], GROUP_PARTITIONS)
      log(`${kind}: consumer groups on ${groupTopic}`)
      res.groups = await benchGroups(broker.bootstrap, groupTopic, (s) => log(`${kind}: ${s.trim()}`))
      res.errors.push(...res.groups.errors.map((x) => `groups ${x}`))
    } catch (e) {
      res.errors.push(`groups: ${message(e)}`)
    }
  } catch (e) {
    res.errors.push(message(e))
  } finally {
    await broker.stop()
  }
  return res
}

async function main(): Promise<number> {
  // BENCH_ONLY=ceiling: just one broker's ceiling with a librdkafka load generator (ceiling.ts).
  if (process.env.BENCH_ONLY === 'ceiling') {
    const ceiling = await benchCeiling(log)
    process.stdout.write(`\n${renderCeiling(ceiling)}\n`)
    return ceiling.errors.length > 0 ? 1 : 0
  }
  if (process.env.BENCH_ONLY === 'transactions') return (await import('./transactions')).benchTransactionsMain(log)
  if (process.env.BENCH_ONLY === 'security') return (await import('./security')).benchSecurityMain(log)
  if (process.env.BENCH_ONLY === 'table') return (await import('./console')).benchTableMain(log)
  if (process.env.BENCH_ONLY === 'parked-fetches') return (await import('./parked-fetches')).benchParkedFetchesMain(log)
  // BENCH_ONLY=hostile: just the hostile-client section (hostile.ts).
  if (process.env.BENCH_ONLY === 'hostile') {
    const hostile = await benchHostile(log)
    process.stdout.write(`\n${renderHostile(hostile)}\n`)
    return hostile.errors.length > 0 ? 1 : 0
  }
  const only = process.env.BENCH_ONLY as BrokerKind | 'cluster' | undefined
  const results: Results = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      loadAvg1mAtStart: loadavg()[0]!,
    },
    settings: { records: RECORDS, recordSize: RECORD_SIZE, partitions: PARTITIONS, readyRuns: READY_RUNS },
    brokers: {},
    micro: [],
    elapsedSec: 0,
  }
  // BENCH_ONLY=cluster: just the 3-broker section (cluster.ts), embedded beside real Kafka.
  if (only === 'cluster') {
    log('3-broker clusters')
    const cluster = await benchCluster(log)
    results.elapsedSec = Math.round((performance.now() - t0) / 1000)
    process.stdout.write(`\n${machineLine(results)}\n${renderCluster(cluster)}\n\n`)
    writeJson(OUT, Object.assign(results, { cluster }))
    process.stdout.write(`results: ${resolve(OUT)} (${results.elapsedSec} s)\n`)
    return clusterFailed(cluster) ? 1 : 0
  }
  // In-process first, while nothing else competes for the CPU.
  log('micro-benchmarks')
  results.micro = runMicro()
  results.micro.push(...(await (await import('./cleaner')).benchCleaner(log)))

  if (only !== 'kafka') results.brokers.embedded = await benchBroker('embedded', undefined)
  if (only !== 'embedded') results.brokers.kafka = await benchBroker('kafka', results.brokers.embedded?.halfLoadRecordsPerSec)
  cleanupConsoleBench()
  let cluster: ClusterResults | undefined
  if (only === undefined) {
    log('3-broker clusters')
    cluster = await benchCluster(log)
  }
  results.settings.halfLoadRecordsPerSec = results.brokers.embedded?.halfLoadRecordsPerSec ?? results.brokers.kafka?.halfLoadRecordsPerSec
  results.elapsedSec = Math.round((performance.now() - t0) / 1000)

  let hostile: HostileResult | undefined
  if (only === undefined) {
    log('hostile clients')
    hostile = await benchHostile(log)
  }
  process.stdout.write(`\n${render(results)}\n\n`)
  if (cluster) process.stdout.write(`${renderCluster(cluster)}\n\n`)
  if (hostile) process.stdout.write(`${renderHostile(hostile)}\n\n`)
  writeJson(OUT, Object.assign(results, hostile ? { hostile } : {}, cluster ? { cluster } : {}))
  process.stdout.write(`results: ${resolve(OUT)} (${results.elapsedSec} s)\n`)
  const failed = Object.values(results.brokers).some((b) => b.errors.length > 0) || (cluster !== undefined && clusterFailed(cluster))
  return failed ? 1 : 0
}

function clusterFailed(c: ClusterResults): boolean {
  return c.errors.length > 0 || !!c.embedded?.errors.length || !!c.kafka?.errors.length
}

function machineLine(r: Results): string {
  const m = r.machine
  return `${m.cpus} × ${m.cpuModel}, Node ${m.node}; 1-min load average at start ${m.loadAvg1mAtStart.toFixed(2)}${m.loadAvg1mAtStart > 0.5 ? ' (other work was running: expect noise)' : ''}`
}

process.exitCode = await main()
