// What idle consumers cost a busy broker, embedded and Apache Kafka 4.1 (one broker each, one at
// a time). CONSUMERS kcat consumers each long-poll a topic of their own that nobody writes to,
// while kafka-producer-perf-test sends RATE records/s into another topic; the broker's CPU per MB
// produced is measured without and with the consumers. A broker whose parked fetches wake on
// every append pays for each idle consumer on each produce request; one that wakes a fetch only
// for its own partitions (Kafka's purgatory, keyed by partition) pays about nothing. Run alone
// with `BENCH_ONLY=parked-fetches npm run bench`.
import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import kafkajs from 'kafkajs'
import { benchEachKind, startBroker, type BrokerKind } from './broker'
import { cpuSeconds } from './memory'
import { producerPerf } from './producer-perf'

const CONSUMERS = 40
const PARTITIONS_EACH = 20
const RATE = 10_000
const RECORDS = 100_000
const RECORD_SIZE = 1024
const RUNS = 2
const MB = (RECORDS * RECORD_SIZE) / (1024 * 1024)

export interface ParkedFetchesRun {
  kind: BrokerKind
  /** Broker CPU per MB produced, each run, without and with the idle consumers. */
  withoutMsPerMb: number[]
  withMsPerMb: number[]
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

async function producedCpu(kind: BrokerKind, bootstrap: string, pid: number, topic: string): Promise<number> {
  const before = cpuSeconds(pid)
  await producerPerf({ bootstrap, topic, records: RECORDS, recordSize: RECORD_SIZE, throughput: RATE, acks: '1' })
  const ms = ((cpuSeconds(pid) - before) * 1000) / MB
  if (!Number.isFinite(ms)) throw new Error(`${kind}: no CPU figure`)
  return ms
}

async function benchOne(kind: BrokerKind, log: (s: string) => void): Promise<ParkedFetchesRun> {
  const broker = await startBroker(kind)
  const consumers: ChildProcess[] = []
  try {
    const kafka = new kafkajs.Kafka({ clientId: 'kafkadesk-bench', brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    const idle = Array.from({ length: CONSUMERS }, (_, i) => `parked-idle-${i}`)
    await admin.createTopics({
      topics: [{ topic: 'parked-load', numPartitions: 3 }, ...idle.map((topic) => ({ topic, numPartitions: PARTITIONS_EACH }))],
      waitForLeaders: true,
    })
    await admin.disconnect()
    // An unmeasured run like the measured ones: Kafka's JIT makes its first one cost 3× the next.
    log(`${kind}: warm-up, ${RECORDS} records at ${RATE}/s`)
    await producedCpu(kind, broker.bootstrap, broker.brokerPid, 'parked-load')
    const run: ParkedFetchesRun = { kind, withoutMsPerMb: [], withMsPerMb: [] }
    // Runs without and with the consumers alternate, so that both see the machine (and the
    // broker's JIT) at the same minutes.
    for (let i = 0; i < RUNS; i++) {
      log(`${kind}: ${RECORDS} records at ${RATE}/s, no consumers`)
      run.withoutMsPerMb.push(await producedCpu(kind, broker.bootstrap, broker.brokerPid, 'parked-load'))
      for (const topic of idle) consumers.push(spawn('kcat', ['-C', '-b', broker.bootstrap, '-t', topic, '-o', 'end', '-q', '-u'], { stdio: 'ignore' }))
      // librdkafka connects, looks up the end offsets and starts long-polling within a second or two.
      await sleep(5000)
      if (consumers.some((c) => c.exitCode !== null)) throw new Error(`${kind}: a kcat consumer exited`)
      log(`${kind}: ${RECORDS} records at ${RATE}/s, ${CONSUMERS} idle consumers of ${PARTITIONS_EACH} partitions each`)
      run.withMsPerMb.push(await producedCpu(kind, broker.bootstrap, broker.brokerPid, 'parked-load'))
      for (const c of consumers.splice(0)) c.kill()
      // their connections close before the next run without them
      await sleep(2000)
    }
    return run
  } finally {
    for (const c of consumers) c.kill()
    await broker.stop()
  }
}

export function renderParkedFetches(runs: ParkedFetchesRun[]): string {
  const lines = [
    `Idle consumers beside a producer (${RECORDS} × ${RECORD_SIZE} B at ${RATE} records/s, acks=1; ${CONSUMERS} kcat consumers, each long-polling a topic of ${PARTITIONS_EACH} partitions nobody writes to)`,
    'broker     broker CPU per MB: no consumers   with consumers   ratio',
  ]
  const fmt = (xs: number[]): string => `${mean(xs).toFixed(1)} ms (${xs.map((x) => x.toFixed(1)).join(' / ')})`
  for (const r of runs)
    lines.push(
      `${r.kind.padEnd(10)} ${fmt(r.withoutMsPerMb).padStart(30)}   ${fmt(r.withMsPerMb).padStart(14)}   ${(mean(r.withMsPerMb) / mean(r.withoutMsPerMb)).toFixed(2)}×`,
    )
  return lines.join('\n')
}

/** BENCH_ONLY=parked-fetches: the section alone; returns the process exit code. */
export function benchParkedFetchesMain(log: (s: string) => void): Promise<number> {
  return benchEachKind(['embedded', 'kafka'], benchOne, renderParkedFetches, log)
}
