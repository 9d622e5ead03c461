// Transactional vs non-transactional produce throughput, embedded broker and Apache Kafka 4.1
// (one broker each, one at a time), with Kafka's own load generator: kafka-producer-perf-test
// sends the same records once plainly (idempotent, acks=all) and once in transactions
// (--transactional-id, committing every --transaction-duration-ms). The ratio says what
// exactly-once costs on each broker. Run alone with `BENCH_ONLY=transactions npm run bench`
// (BENCH_TXN_RECORDS=N, default 200000; BENCH_TXN_DURATION_MS, default 100).
import { join } from 'node:path'
import kafkajs from 'kafkajs'
import { repoRoot, runOk } from '../interop/target'
import { benchEachKind, startBroker, type BrokerKind } from './broker'
import { toolJvmEnv } from './producer-perf'

const RECORDS = Number(process.env.BENCH_TXN_RECORDS ?? 200_000)
const TXN_DURATION_MS = Number(process.env.BENCH_TXN_DURATION_MS ?? 100)
const RECORD_SIZE = 1024
// the final summary (the 5 s window lines look alike but have no percentiles)
const SUMMARY = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th/

export interface TxnBenchRun {
  kind: BrokerKind
  plainRecordsPerSec: number
  transactionalRecordsPerSec: number
  /** transactional / plain */
  ratio: number
}

async function perf(bootstrap: string, topic: string, records: number, transactional: boolean): Promise<number> {
  const txnArgs = transactional ? ['--transactional-id', `bench-txn-${Date.now()}`, '--transaction-duration-ms', String(TXN_DURATION_MS)] : []
  const r = await runOk(
    'bash',
    [
      join(repoRoot, 'scripts', 'kafka', 'kafka-producer-perf-test'),
      ...['--topic', topic, '--num-records', String(records), '--record-size', String(RECORD_SIZE), '--throughput', '-1'],
      ...txnArgs,
      ...['--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all'],
    ],
    { env: toolJvmEnv, timeoutMs: 300_000 },
  )
  const m = SUMMARY.exec(r.stdout)
  if (!m || Number(m[1]) !== records) throw new Error(`kafka-producer-perf-test: no complete summary\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`)
  return Number(m[2])
}

async function benchOne(kind: BrokerKind, log: (s: string) => void): Promise<TxnBenchRun> {
  const broker = await startBroker(kind)
  try {
    const kafka = new kafkajs.Kafka({ clientId: 'kafkadesk-bench', brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: ['txn-warm', 'txn-plain', 'txn-transactional'].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
      waitForLeaders: true,
    })
    await admin.disconnect()
    log(`${kind}: warm-up`)
    await perf(broker.bootstrap, 'txn-warm', Math.min(50_000, RECORDS), false)
    log(`${kind}: ${RECORDS} records, plain`)
    const plain = await perf(broker.bootstrap, 'txn-plain', RECORDS, false)
    log(`${kind}: ${RECORDS} records in transactions of ${TXN_DURATION_MS} ms`)
    const txn = await perf(broker.bootstrap, 'txn-transactional', RECORDS, true)
    return { kind, plainRecordsPerSec: plain, transactionalRecordsPerSec: txn, ratio: txn / plain }
  } finally {
    await broker.stop()
  }
}

export function renderTransactions(runs: TxnBenchRun[]): string {
  const lines = [
    `Transactional produce (${RECORDS} × ${RECORD_SIZE} B, acks=all, 3 partitions, commit every ${TXN_DURATION_MS} ms)`,
    'broker     plain rec/s   transactional rec/s   ratio',
  ]
  for (const r of runs)
    lines.push(
      `${r.kind.padEnd(10)} ${Math.round(r.plainRecordsPerSec).toLocaleString('en-US').padStart(11)}   ${Math.round(r.transactionalRecordsPerSec).toLocaleString('en-US').padStart(19)}   ${r.ratio.toFixed(2)}`,
    )
  return lines.join('\n')
}

/** BENCH_ONLY=transactions: the section alone; returns the process exit code. */
export function benchTransactionsMain(log: (s: string) => void): Promise<number> {
  return benchEachKind(['embedded', 'kafka'], benchOne, renderTransactions, log)
}
