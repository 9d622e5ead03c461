// The cost of security, embedded broker and Apache Kafka 4.1 (one broker each, one at a time,
// both started by test/interop/security-target.ts with scripts/kafka/start-secure.sh's settings):
// produce throughput with Kafka's own load generator over PLAINTEXT and over SASL_SSL (TLS +
// SCRAM-SHA-256), and the time a client needs to connect: a TLS handshake alone, and a kafkajs
// admin connect (ApiVersions, SASL, Metadata) over PLAINTEXT and SASL_SSL. Run alone with
// `BENCH_ONLY=security npm run bench` (BENCH_SECURITY_RECORDS=N, default 200000;
// BENCH_SECURITY_ONLY=embedded|kafka for one broker).
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect as tlsConnect } from 'node:tls'
import kafkajs from 'kafkajs'
import { repoRoot, runOk } from '../interop/target'
import { startSecureTarget, type SecureTarget } from '../interop/security-target'
import { toolJvmEnv } from './producer-perf'
import { benchEachKind } from './broker'

type Kind = 'embedded' | 'kafka'

const RECORDS = Number(process.env.BENCH_SECURITY_RECORDS ?? 200_000)
const RECORD_SIZE = 1024
const CONNECTS = 20
const SUMMARY = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th/

export interface SecurityBenchRun {
  kind: Kind
  plaintextRecordsPerSec: number
  saslSslRecordsPerSec: number
  /** SASL_SSL / PLAINTEXT */
  ratio: number
  /** Median ms of a TLS handshake to the SASL_SSL listener. */
  tlsHandshakeMs: number
  /** Median ms of a kafkajs admin connect over PLAINTEXT and over SASL_SSL with SCRAM-SHA-256. */
  connectPlaintextMs: number
  connectSaslSslMs: number
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function perf(bootstrap: string, topic: string, records: number, config?: string): Promise<number> {
  const r = await runOk(
    'bash',
    [
      join(repoRoot, 'scripts', 'kafka', 'kafka-producer-perf-test'),
      ...['--topic', topic, '--num-records', String(records), '--record-size', String(RECORD_SIZE), '--throughput', '-1'],
      ...['--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all'],
      ...(config ? ['--producer.config', config] : []),
    ],
    { env: toolJvmEnv, timeoutMs: 300_000 },
  )
  const m = SUMMARY.exec(r.stdout)
  if (!m || Number(m[1]) !== records) throw new Error(`kafka-producer-perf-test: no complete summary\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`)
  return Number(m[2])
}

async function tlsHandshakeMs(t: SecureTarget): Promise<number> {
  const [host, port] = [t.at.SASL_SSL.slice(0, t.at.SASL_SSL.lastIndexOf(':')), Number(t.at.SASL_SSL.slice(t.at.SASL_SSL.lastIndexOf(':') + 1))]
  const ca = readFileSync(t.ca)
  const times: number[] = []
  for (let i = 0; i < CONNECTS; i++) {
    const t0 = performance.now()
    await new Promise<void>((resolve, reject) => {
      const s = tlsConnect({ host, port, ca, servername: 'localhost' }, () => {
        times.push(performance.now() - t0)
        s.destroy()
        resolve()
      })
      s.once('error', reject)
    })
  }
  return median(times)
}

async function connectMs(t: SecureTarget, secure: boolean): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < CONNECTS; i++) {
    const kafka = new kafkajs.Kafka({
      clientId: 'kafkadesk-bench',
      brokers: [secure ? t.at.SASL_SSL : t.at.PLAINTEXT],
      logLevel: kafkajs.logLevel.NOTHING,
      ...(secure
        ? { ssl: { ca: [readFileSync(t.ca, 'utf8')] }, sasl: { mechanism: 'scram-sha-256' as const, username: 'admin', password: 'admin-scram' } }
        : {}),
    })
    const admin = kafka.admin()
    const t0 = performance.now()
    await admin.connect()
    times.push(performance.now() - t0)
    await admin.disconnect()
  }
  return median(times)
}

async function benchOne(kind: Kind, log: (s: string) => void): Promise<SecurityBenchRun> {
  const t = await startSecureTarget(kind)
  try {
    const tool = (name: string, args: string[]) =>
      runOk('bash', [join(repoRoot, 'scripts', 'kafka', name), '--bootstrap-server', t.at.PLAINTEXT, ...args], { timeoutMs: 60_000 })
    await tool('kafka-configs', ['--alter', '--entity-type', 'users', '--entity-name', 'admin', '--add-config', 'SCRAM-SHA-256=[password=admin-scram]'])
    for (const topic of ['sec-warm', 'sec-plaintext', 'sec-sasl-ssl'])
      await tool('kafka-topics', ['--create', '--topic', topic, '--partitions', '3', '--replication-factor', '1'])
    const config = join(t.dir, 'bench-sasl-ssl.properties')
    writeFileSync(
      config,
      [
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-256',
        'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="admin-scram";',
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${t.ca}`,
      ].join('\n') + '\n',
    )
    log(`${kind}: warm-up`)
    await perf(t.at.PLAINTEXT, 'sec-warm', Math.min(50_000, RECORDS))
    log(`${kind}: ${RECORDS} records over PLAINTEXT`)
    const plain = await perf(t.at.PLAINTEXT, 'sec-plaintext', RECORDS)
    log(`${kind}: ${RECORDS} records over SASL_SSL (SCRAM-SHA-256)`)
    const secure = await perf(t.at.SASL_SSL, 'sec-sasl-ssl', RECORDS, config)
    log(`${kind}: connect times, ${CONNECTS} each`)
    return {
      kind,
      plaintextRecordsPerSec: plain,
      saslSslRecordsPerSec: secure,
      ratio: secure / plain,
      tlsHandshakeMs: await tlsHandshakeMs(t),
      connectPlaintextMs: await connectMs(t, false),
      connectSaslSslMs: await connectMs(t, true),
    }
  } finally {
    await t.stop()
  }
}

export function renderSecurity(runs: SecurityBenchRun[]): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US')
  const lines = [
    `Security (${RECORDS} × ${RECORD_SIZE} B, acks=all, 3 partitions; connect times: median of ${CONNECTS})`,
    'broker     PLAINTEXT rec/s   SASL_SSL rec/s   ratio   TLS handshake   connect PLAINTEXT   connect SASL_SSL+SCRAM',
  ]
  for (const r of runs) {
    lines.push(
      `${r.kind.padEnd(10)} ${n(r.plaintextRecordsPerSec).padStart(15)}   ${n(r.saslSslRecordsPerSec).padStart(14)}   ${r.ratio.toFixed(2).padStart(5)}   ${r.tlsHandshakeMs.toFixed(1).padStart(10)} ms   ${r.connectPlaintextMs.toFixed(1).padStart(14)} ms   ${r.connectSaslSslMs.toFixed(1).padStart(19)} ms`,
    )
  }
  return lines.join('\n')
}

/** BENCH_ONLY=security: the section alone; returns the process exit code. */
export function benchSecurityMain(log: (s: string) => void): Promise<number> {
  const only = process.env.BENCH_SECURITY_ONLY as Kind | undefined
  const kinds = (['embedded', 'kafka'] as const).filter((k) => !only || only === k)
  return benchEachKind(kinds, benchOne, renderSecurity, log)
}
