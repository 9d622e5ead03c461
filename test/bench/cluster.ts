// The cluster section (BENCH_ONLY=cluster; also part of a full run): a 3-broker embedded
// cluster (`kafkadesk cluster --brokers 3`, one process per broker) beside a real 3-node Apache
// Kafka 4.1 (scripts/kafka/start-cluster.sh, combined broker + controller JVMs with Kafka's
// stock JVM flags), one after the other on this machine, each with its own default configs (but
// one, when a deleted topic's files go: see dropTopic):
//   - spawn → ready line (embedded: median of several fresh starts; Kafka: the one start used)
//   - idle RSS of every broker process 2 s after ready (the embedded supervisor apart)
//   - kafka-producer-perf-test into an RF=3 topic with acks=all at full speed: throughput, p99
//     (the median of PRODUCE_RUNS runs, each into a fresh topic)
//   - the latency probe (java/LatencyProbe.java) at half the embedded RF=3 maximum: p50/p99
//   - kill -9 of a leader → a new leader accepts produce (failover.ts), several rounds
// and, for scale, each side's single broker with acks=1 at full speed, its runs alternating with
// the cluster's (the RF=3 ÷ single ratio is then printed for Kafka too), and one broker's own
// ceiling with a librdkafka load generator (ceiling.ts).
//   BENCH_CLUSTER_SIDES=embedded    only the embedded cluster (no Kafka JVMs): quicker, and on a
//                                   loaded machine the embedded figures are not shared with them
//   BENCH_CLUSTER_CEILING=0         without the ceiling
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import kafkajs from 'kafkajs'
import { startCluster, type ClusterTarget, type TargetKind } from '../interop/target'
import { KAFKA_STOCK_JVM, startBroker } from './broker'
import { measureFailover, type FailoverRound } from './failover'
import { latencyProbe, type ProbeResult } from './latency-probe'
import { cpuSeconds, readRss } from './memory'
import { producerPerf, type ProducerPerfResult } from './producer-perf'
import { median } from './ready-time'
import { benchCeiling, type CeilingResults } from './ceiling'

export const CLUSTER_BROKERS = 3
const RECORDS = Number(process.env.BENCH_CLUSTER_RECORDS ?? 300_000)
/** As many as a measured run, so that the first measured run too reuses memory just freed (see dropTopic). */
const WARM_UP_RECORDS = RECORDS
const RECORD_SIZE = 1024
/** Full-speed produce runs per figure: run to run, throughput on this shared machine moves by ±15%. */
const PRODUCE_RUNS = Number(process.env.BENCH_PRODUCE_RUNS ?? 3)
const PARTITIONS = 3
const EMBEDDED_READY_RUNS = 5
const FAILOVER_ROUNDS = Number(process.env.BENCH_FAILOVER_ROUNDS ?? 3)
const PROBE_WARM_UP_SECONDS = 10
const PROBE_SECONDS = 20
const SIDES = (process.env.BENCH_CLUSTER_SIDES ?? 'embedded,kafka').split(',').map((x) => x.trim())
/** The 1-minute load average, printed with each throughput figure: on a shared machine it says how far to trust it. */
const load = (): string => `load ${loadavg()[0]!.toFixed(1)}`

export interface ClusterSide {
  kind: TargetKind
  readyRunsMs: number[]
  readyMedianMs?: number
  /** Broker id → VmRSS of its process 2 s after ready. */
  idleRssMb: Record<number, number>
  /** The embedded cluster's supervisor (controller host), not a broker. */
  supervisorRssMb?: number
  /** The measured produce run with the median records/s (its latency and CPU are the ones reported). */
  produce?: ProducerPerfResult
  /** Records/s of every measured run, in order. */
  produceRuns?: number[]
  /** CPU seconds all broker processes (and the embedded supervisor, the controller's host) used during the measured produce run. */
  produceCpuSec?: number
  /** One broker of this kind, RF=1, acks=1, full speed: the run with the median records/s. */
  singleAcks1?: ProducerPerfResult
  /** Records/s of every single-broker run, in order (singleAcks1 is the median one). */
  singleAcks1Runs?: number[]
  probe?: ProbeResult
  failover: FailoverRound[]
  errors: string[]
}

export interface ClusterResults {
  settings: {
    brokers: number
    records: number
    recordSize: number
    partitions: number
    replicationFactor: number
    failoverRounds: number
    produceRuns: number
    probeRate?: number
  }
  embedded?: ClusterSide
  kafka?: ClusterSide
  /** One embedded broker's MB/s in and out with a load generator that is not the bottleneck. */
  ceiling?: CeilingResults
  errors: string[]
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300)

/** One kafkajs admin call on a connection opened for it. */
async function withAdmin(bootstrap: string, call: (admin: kafkajs.Admin) => Promise<unknown>): Promise<void> {
  const kafka = new kafkajs.Kafka({ clientId: 'kafkadesk-bench', brokers: bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  try {
    await call(admin)
  } finally {
    await admin.disconnect()
  }
}

function createTopics(bootstrap: string, topics: string[], replicationFactor: number): Promise<void> {
  return withAdmin(bootstrap, (admin) =>
    admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor })), waitForLeaders: true }),
  )
}

/**
 * The one config the bench sets on both kinds: a deleted topic's files are removed at once
 * (Kafka's default waits 60 s; the embedded broker always removes them at once). dropTopic waits
 * for them.
 */
const BENCH_CONFIGS = { 'log.segment.delete.delay.ms': '0' }

function start(kind: TargetKind): Promise<ClusterTarget> {
  return startCluster({ brokers: CLUSTER_BROKERS, kind, env: kind === 'kafka' ? KAFKA_STOCK_JVM : undefined, configs: BENCH_CONFIGS })
}

/**
 * Deletes a topic and waits until no broker holds its files. Every measured run first drops the
 * topic of the run before it (the warm-up's, for the first), so that it writes into memory this
 * machine used a moment ago. This machine is a VM that hands free memory back to its host
 * (free page reporting) within seconds to a minute: a write into page cache the host has to
 * back again costs about 3.5 ms of CPU per MiB, one into memory just freed about 0.5 (dd, see
 * the ceiling's "page cache" rows). Left to grow, a run's page cache pays that price for every
 * copy it writes: three times per record with RF=3, once for a single broker, so the RF=3 ÷
 * single ratio fell with every GB the bench had written (by hand: 54k rec/s RF=3 acks=all in a
 * fresh state, 31k once 1 GB had been written), which says nothing about the brokers. A broker
 * whose page cache is full, as on any long-running machine, reuses pages the same way.
 */
async function dropTopic(bootstrap: string, dataDir: string, topic: string): Promise<void> {
  await withAdmin(bootstrap, (admin) => admin.deleteTopics({ topics: [topic] }))
  // Partition directories are named topic-N (Kafka renames them topic-N.<id>-delete first). A
  // directory removed while the walk is in it fails the walk: then it is looked at again.
  const held = (): boolean => {
    try {
      return readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).some((f) => f.split('/').pop()!.startsWith(`${topic}-`))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true
      throw e
    }
  }
  const deadline = Date.now() + 120_000
  while (held()) {
    if (Date.now() > deadline) throw new Error(`the files of deleted topic ${topic} were still there after 120 s`)
    await sleep(200)
  }
}

/** Measures PRODUCE_RUNS times, each into a fresh topic; the run with the median records/s stands for them. */
async function medianRun<T extends { produce: ProducerPerfResult }>(one: (run: number) => Promise<T>): Promise<{ median: T; recordsPerSec: number[] }> {
  const runs: T[] = []
  for (let i = 0; i < PRODUCE_RUNS; i++) runs.push(await one(i))
  const sorted = [...runs].sort((a, b) => a.produce.recordsPerSec - b.produce.recordsPerSec)
  return { median: sorted[(sorted.length - 1) >> 1]!, recordsPerSec: runs.map((r) => r.produce.recordsPerSec) }
}

/** Fresh topic names: `prefix-stamp`, or `prefix-1-stamp` … for several. */
const topicNames = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${n > 1 ? `-${i + 1}` : ''}-${Date.now().toString(36)}`)

/**
 * One broker of the side's kind, RF=1, warmed up with acks=1 and kept running beside the cluster:
 * its measured runs alternate with the cluster's, so that both sides of the RF=3 ÷ single ratio
 * see the machine as it is at that minute. Here one minute's runs differed from another's by up
 * to a third (the perf-test JVM's own CPU per MB went from 19 to 30 ms with nothing changed), and
 * with all single runs before all cluster runs that drift went into the ratio.
 */
interface SingleBroker {
  /** Measured run `i` into its own fresh topic, logged. */
  run(i: number): Promise<ProducerPerfResult>
  stop(): Promise<void>
}

async function startSingle(kind: TargetKind, log: (s: string) => void): Promise<SingleBroker> {
  const b = await startBroker(kind, { configs: BENCH_CONFIGS })
  let stopped = false
  try {
    const [warm] = topicNames('bench-single-warm-up', 1) as [string]
    const measured = topicNames('bench-single-acks1', PRODUCE_RUNS)
    await createTopics(b.bootstrap, [warm, ...measured], 1)
    await producerPerf({ bootstrap: b.bootstrap, topic: warm, records: WARM_UP_RECORDS, recordSize: RECORD_SIZE, throughput: -1, acks: '1' })
    return {
      async run(i) {
        await sleep(1000)
        await dropTopic(b.bootstrap, b.dataDir, i === 0 ? warm : measured[i - 1]!)
        const r = await producerPerf({ bootstrap: b.bootstrap, topic: measured[i]!, records: RECORDS, recordSize: RECORD_SIZE, throughput: -1, acks: '1' })
        log(`${kind} single broker, acks=1, run ${i + 1}: ${r.recordsPerSec.toFixed(0)} rec/s, ${r.mbPerSec} MB/s, p99 ${r.p99Ms} ms (${load()})`)
        return r
      },
      stop: async () => {
        if (stopped) return
        stopped = true
        await b.stop()
      },
    }
  } catch (e) {
    await b.stop()
    throw e
  }
}

async function benchSide(kind: TargetKind, probeRate: number | undefined, log: (s: string) => void): Promise<ClusterSide> {
  const side: ClusterSide = { kind, readyRunsMs: [], idleRssMb: {}, failover: [], errors: [] }
  let single: SingleBroker | undefined
  try {
    log(`${kind} single broker, acks=1 (for scale): warm-up`)
    single = await startSingle(kind, log)
  } catch (e) {
    side.errors.push(`single broker acks=1: ${message(e)}`)
  }
  try {
    return await benchCluster3(kind, side, single, probeRate, log)
  } finally {
    await single?.stop()
  }
}

async function benchCluster3(
  kind: TargetKind,
  side: ClusterSide,
  single: SingleBroker | undefined,
  probeRate: number | undefined,
  log: (s: string) => void,
): Promise<ClusterSide> {
  // Embedded starts are cheap: measure several on fresh data dirs, then start the one to use.
  if (kind === 'embedded') {
    for (let i = 0; i < EMBEDDED_READY_RUNS; i++) {
      try {
        const c = await start(kind)
        side.readyRunsMs.push(Math.round(c.readyMs))
        await c.stop()
      } catch (e) {
        side.errors.push(`ready time: ${message(e)}`)
        break
      }
    }
    log(`${kind} cluster: ready in ${side.readyRunsMs.join(', ')} ms (${load()})`)
  }
  let cluster: ClusterTarget
  try {
    cluster = await start(kind)
  } catch (e) {
    side.errors.push(`start: ${message(e)}`)
    return side
  }
  try {
    if (kind === 'kafka') {
      side.readyRunsMs.push(Math.round(cluster.readyMs))
      log(`${kind} cluster: ready in ${side.readyRunsMs[0]} ms`)
    }
    side.readyMedianMs = side.readyRunsMs.length ? median(side.readyRunsMs) : undefined
    await sleep(2000)
    for (const [id, b] of cluster.brokers) side.idleRssMb[id] = readRss(b.pid).rssMb
    if (kind === 'embedded') side.supervisorRssMb = readRss(supervisorPid(cluster) ?? process.pid).rssMb
    log(
      `${kind} cluster: idle RSS per broker ${Object.values(side.idleRssMb)
        .map((m) => m.toFixed(0))
        .join(', ')} MB`,
    )

    const [warm] = topicNames('bench-cluster-warm-up', 1) as [string]
    const [failover] = topicNames('bench-cluster-failover', 1) as [string]
    const measured = topicNames('bench-cluster-rf3', PRODUCE_RUNS)
    await createTopics(cluster.bootstrap, [warm, failover, ...measured], CLUSTER_BROKERS)
    log(`${kind} cluster: warm-up, ${WARM_UP_RECORDS} records, RF=3 acks=all`)
    try {
      await producerPerf({ bootstrap: cluster.bootstrap, topic: warm, records: WARM_UP_RECORDS, recordSize: RECORD_SIZE, throughput: -1, acks: 'all' })
      // Kafka's nodes here host their controllers too; the embedded controller lives in the
      // supervisor, so it is counted with the brokers for a like-for-like figure.
      const sup = kind === 'embedded' ? supervisorPid(cluster) : undefined
      const pids = [...[...cluster.brokers.values()].map((b) => b.pid), ...(sup ? [sup] : [])]
      const singles: ProducerPerfResult[] = []
      const runs = await medianRun(async (i) => {
        if (single) {
          try {
            singles.push(await single.run(i))
          } catch (e) {
            side.errors.push(`single broker acks=1, run ${i + 1}: ${message(e)}`)
          }
        }
        await sleep(1000)
        await dropTopic(cluster.bootstrap, cluster.dataDir, i === 0 ? warm : measured[i - 1]!)
        const cpu0 = pids.reduce((s, p) => s + cpuSeconds(p), 0)
        const produce = await producerPerf({
          bootstrap: cluster.bootstrap,
          topic: measured[i]!,
          records: RECORDS,
          recordSize: RECORD_SIZE,
          throughput: -1,
          acks: 'all',
        })
        const cpuSec = pids.reduce((s, p) => s + cpuSeconds(p), 0) - cpu0
        log(
          `${kind} cluster: RF=3 acks=all, run ${i + 1}: ${produce.recordsPerSec.toFixed(0)} rec/s, ${produce.mbPerSec} MB/s, p99 ${produce.p99Ms} ms (${load()})`,
        )
        return { produce, cpuSec }
      })
      if (singles.length) {
        side.singleAcks1 = [...singles].sort((a, b) => a.recordsPerSec - b.recordsPerSec)[(singles.length - 1) >> 1]
        side.singleAcks1Runs = singles.map((r) => r.recordsPerSec)
      }
      side.produce = runs.median.produce
      side.produceCpuSec = runs.median.cpuSec
      side.produceRuns = runs.recordsPerSec
      // Not a neighbour of the probe and the failover rounds: idle Kafka JVMs are not free (an
      // idle 3-node Kafka used 157 ms of CPU a second here, the embedded cluster 20).
      await single?.stop()
    } catch (e) {
      side.errors.push(`produce: ${message(e)}`)
    }
    const rate = probeRate ?? (side.produce ? Math.floor(side.produce.recordsPerSec / 2) : undefined)
    if (rate) {
      log(`${kind} cluster: latency probe at ${rate} rec/s, acks=all`)
      try {
        side.probe = await latencyProbe({
          bootstrap: cluster.bootstrap,
          // The last measured run's topic: the others were dropped.
          topic: measured.at(-1)!,
          rate,
          warmUpSeconds: PROBE_WARM_UP_SECONDS,
          measureSeconds: PROBE_SECONDS,
          acks: 'all',
          recordSize: RECORD_SIZE,
        })
        log(`${kind} cluster:   p50 ${side.probe.p50Ms} ms, p99 ${side.probe.p99Ms} ms, errors ${side.probe.errors}`)
      } catch (e) {
        side.errors.push(`latency probe: ${message(e)}`)
      }
    }
    side.failover = await measureFailover(cluster, failover, FAILOVER_ROUNDS, (s) => log(`${kind} cluster: ${s}`))
    side.errors.push(...side.failover.filter((r) => r.error).map((r) => `failover: ${r.error}`))
  } catch (e) {
    side.errors.push(message(e))
  } finally {
    await cluster.stop()
  }
  return side
}

/** The `kafkadesk cluster` process itself: the parent of its broker processes. */
function supervisorPid(cluster: ClusterTarget): number | undefined {
  const b = cluster.brokers.values().next().value
  if (!b) return undefined
  const stat = readFileSync(`/proc/${b.pid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
}

export async function benchCluster(log: (s: string) => void): Promise<ClusterResults> {
  const res: ClusterResults = {
    settings: {
      brokers: CLUSTER_BROKERS,
      records: RECORDS,
      recordSize: RECORD_SIZE,
      partitions: PARTITIONS,
      replicationFactor: CLUSTER_BROKERS,
      failoverRounds: FAILOVER_ROUNDS,
      produceRuns: PRODUCE_RUNS,
    },
    errors: [],
  }
  if (SIDES.includes('embedded')) res.embedded = await benchSide('embedded', undefined, log)
  // The same offered load for both: half the embedded RF=3 maximum.
  res.settings.probeRate = res.embedded?.probe?.rate
  if (SIDES.includes('kafka')) res.kafka = await benchSide('kafka', res.settings.probeRate, log)
  if (process.env.BENCH_CLUSTER_CEILING !== '0') res.ceiling = await benchCeiling(log)
  return res
}
