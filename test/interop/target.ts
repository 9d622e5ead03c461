// The cluster an interop test talks to, and helpers to drive external clients against it.
//
//   KAFKADESK_BOOTSTRAP=host:port  use an already running cluster (nothing is started/stopped)
//   KAFKADESK_TARGET=kafka         start real Apache Kafka (scripts/kafka/start-broker.sh)
//   (default)                      start the embedded cluster the way a user does:
//                                  node out/cli/kafkadesk.js cluster --brokers 1 --port 0 --data-dir <tmp>
//
// Both started kinds print one stdout line `ready bootstrap=127.0.0.1:<port>` when they accept
// clients; stderr is logs. stop() sends SIGTERM and waits for the process to exit.
import { spawn } from 'node:child_process'
import { spawnReady, type ReadyOptions } from '../helpers/ready-process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const interopDir = join(repoRoot, 'test', 'interop')

export type TargetKind = 'embedded' | 'kafka'

export interface Target {
  bootstrap: string
  kind: TargetKind
  stop(): Promise<void>
}

/** Which target startTarget() will use, without starting anything. */
export function targetKind(): TargetKind {
  if (process.env.KAFKADESK_BOOTSTRAP) {
    return process.env.KAFKADESK_TARGET === 'embedded' ? 'embedded' : 'kafka'
  }
  return process.env.KAFKADESK_TARGET === 'kafka' ? 'kafka' : 'embedded'
}

export async function startTarget(): Promise<Target> {
  const external = process.env.KAFKADESK_BOOTSTRAP
  if (external) {
    return { bootstrap: external, kind: targetKind(), stop: async () => {} }
  }
  const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-interop-'))
  const kind = targetKind()
  const cli = join(repoRoot, 'out', 'cli', 'kafkadesk.js')
  if (kind === 'embedded' && !existsSync(cli)) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`embedded target: ${cli} is missing; run \`npm run build:cli\` first`)
  }
  const p =
    kind === 'kafka'
      ? await spawnReady('bash', [join(repoRoot, 'scripts', 'kafka', 'start-broker.sh'), '--port', '0', '--dir', dir], opts('kafka target', 150_000, dir))
      : await spawnReady(process.execPath, [cli, 'cluster', '--brokers', '1', '--port', '0', '--data-dir', dir], opts('embedded target', 30_000, dir))
  return { bootstrap: p.bootstrap, kind, stop: async () => void (await p.stop()) }
}

function opts(label: string, timeoutMs: number, scratchDir: string): ReadyOptions {
  return { label, timeoutMs, cwd: repoRoot, echoStderr: !!process.env.KAFKADESK_INTEROP_VERBOSE, scratchDir }
}

// ---------------------------------------------------------------------------------------------
// External commands

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
}

export interface RunOptions {
  input?: string | Buffer
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** Runs a command, feeding `input` on stdin, and captures its output. Never rejects on a bad exit. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, opts.timeoutMs ?? 60_000)
    child.once('error', (err) => {
      clearTimeout(timer)
      rej(new Error(`cannot run ${cmd}: ${err.message}`))
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      res({ code, signal, stdout, stderr, timedOut })
    })
    child.stdin.on('error', () => {}) // the command may exit before reading all input
    child.stdin.end(opts.input ?? '')
  })
}

/** Like run(), but throws (with the command's output) unless it exits 0 in time. */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts)
  if (r.code !== 0 || r.timedOut) {
    const why = r.timedOut ? `timed out after ${opts.timeoutMs ?? 60_000} ms` : `exited with ${r.code ?? r.signal}`
    throw new Error(`${cmd} ${args.join(' ')} ${why}\n--- stdout ---\n${r.stdout.slice(-3000)}\n--- stderr ---\n${r.stderr.slice(-3000)}`)
  }
  return r
}

export type KafkaTool =
  | 'kafka-topics'
  | 'kafka-console-producer'
  | 'kafka-console-consumer'
  | 'kafka-configs'
  | 'kafka-get-offsets'
  | 'kafka-consumer-groups'
  | 'kafka-producer-perf-test'
  | 'kafka-consumer-perf-test'
  | 'kafka-leader-election'
  | 'kafka-reassign-partitions'
  | 'kafka-metadata-quorum'
  | 'kafka-acls'

/** Runs one of Apache Kafka's CLI tools (scripts/kafka wrappers; jars from scripts/kafka/fetch.sh). */
export function kafkaTool(tool: KafkaTool, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runOk('bash', [join(repoRoot, 'scripts', 'kafka', tool), ...args], { timeoutMs: 55_000, ...opts })
}

/** kcat (Debian package `kcat`, librdkafka). */
export function kcat(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runOk('kcat', args, opts)
}

/**
 * Debian's python3, which sees the Debian packages python3-confluent-kafka and python3-kafka
 * (a pyenv python3 earlier on PATH would not).
 */
export const systemPython = '/usr/bin/python3'

/** Runs test/interop/python/<script> with Debian's python3. */
export function python(script: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runOk(systemPython, [join(interopDir, 'python', script), ...args], { timeoutMs: 55_000, ...opts })
}

/** A topic name no other test (or earlier run against the same cluster) uses. */
export function uniqueTopic(prefix = 'interop'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
}

/**
 * Runs `check` until it stops throwing or `timeoutMs` passes (then rethrows its last error).
 * Apache Kafka applies admin changes through its metadata log, so a describe right after an
 * alter may still see the old state on a real broker; clients and tools wait the same way.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await check()
    } catch (e) {
      if (Date.now() >= deadline) throw e
      await new Promise((r) => setTimeout(r, intervalMs))
    }
  }
}

// ---------------------------------------------------------------------------------------------
// A cluster of several brokers whose single brokers a test can crash and restart
//
//   KAFKADESK_TARGET=kafka   real Apache Kafka: scripts/kafka/start-cluster.sh --brokers N (one
//                            combined broker + controller JVM per node); kill/start through
//                            scripts/kafka/cluster-node.sh (kill -9 of the JVM; restart with the
//                            same config and data)
//   (default)                the embedded cluster: kafkadesk cluster --brokers N (one process per
//                            broker); kill/start through `kafkadesk broker kill|start ID --data-dir`
// Both print `broker N pid P listening on H:P` per broker on stderr and one ready line.
// KAFKADESK_BOOTSTRAP is not honoured here: crashing brokers needs a cluster the test started.

export interface ClusterBroker {
  id: number
  /** host:port of its client listener. */
  address: string
  /** PID of the process that holds the broker (Kafka's JVM; the embedded broker's node process); changes on restart. */
  pid: number
}

export interface ClusterTarget {
  kind: TargetKind
  bootstrap: string
  /** Milliseconds from spawn to the ready line. */
  readyMs: number
  /** Where the cluster keeps its data (and, for Kafka, each node's config and log). */
  dataDir: string
  /** Broker id → its address and current PID. */
  brokers: Map<number, ClusterBroker>
  /** kill -9 of one broker's process; resolves once the process is gone. */
  kill(id: number): Promise<void>
  /** Starts a killed broker again with the same config and data; resolves once it serves. */
  start(id: number): Promise<void>
  /** What the cluster logged so far. */
  stderr(): string
  stop(): Promise<void>
}

/**
 * Configs (Kafka's names) the 3-broker suites give both kinds: a dead broker is noticed within
 * seconds rather than Kafka's defaults (9 s session, 30 s replica lag), and no automatic
 * rebalance moves leaders behind a test's back.
 */
export const QUICK_FAILURE_DETECTION: Readonly<Record<string, string>> = {
  'broker.heartbeat.interval.ms': '1000',
  'broker.session.timeout.ms': '6000',
  'replica.lag.time.max.ms': '5000',
  'auto.leader.rebalance.enable': 'false',
}

export interface ClusterOptions {
  brokers: number
  /** Broker (and controller) configs with Kafka's names, given to every broker of both kinds. */
  configs?: Record<string, string>
  /** Defaults to targetKind(). */
  kind?: TargetKind
  /** Extra environment for the cluster's processes (e.g. KAFKA_BROKER_HEAP_OPTS). */
  env?: NodeJS.ProcessEnv
}

const BROKER_LINE = /broker (\d+) pid (\d+) listening on (\S+)/g

function parseBrokerLines(text: string, into: Map<number, ClusterBroker>): void {
  for (const m of text.matchAll(BROKER_LINE)) into.set(Number(m[1]), { id: Number(m[1]), pid: Number(m[2]), address: m[3]! })
}

export async function startCluster(o: ClusterOptions): Promise<ClusterTarget> {
  const kind = o.kind ?? (process.env.KAFKADESK_TARGET === 'kafka' ? 'kafka' : 'embedded')
  const dir = mkdtempSync(join(tmpdir(), `kafkadesk-cluster-${kind}-`))
  const cli = join(repoRoot, 'out', 'cli', 'kafkadesk.js')
  if (kind === 'embedded' && !existsSync(cli)) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`embedded cluster: ${cli} is missing; run \`npm run build:cli\` first`)
  }
  const configArgs = Object.entries(o.configs ?? {}).flatMap(([k, v]) => ['--config', `${k}=${v}`])
  const env = { ...process.env, ...o.env }
  const nodeScript = join(repoRoot, 'scripts', 'kafka', 'cluster-node.sh')
  const p =
    kind === 'kafka'
      ? await spawnReady(
          'bash',
          [join(repoRoot, 'scripts', 'kafka', 'start-cluster.sh'), '--brokers', String(o.brokers), '--port', '0', '--dir', dir, ...configArgs],
          { ...opts('kafka cluster', 240_000, dir), env },
        )
      : await spawnReady(process.execPath, [cli, 'cluster', '--brokers', String(o.brokers), '--port', '0', '--data-dir', dir, ...configArgs], {
          ...opts('embedded cluster', 60_000, dir),
          env,
        })
  const brokers = new Map<number, ClusterBroker>()
  parseBrokerLines(p.stderr(), brokers)
  if (brokers.size !== o.brokers) {
    await p.stop()
    throw new Error(`${kind} cluster printed ${brokers.size} broker lines, expected ${o.brokers}:\n${p.stderr().slice(-3000)}`)
  }
  const control = (op: 'kill' | 'start', id: number): Promise<RunResult> =>
    kind === 'kafka'
      ? runOk('bash', [nodeScript, op, String(id), '--dir', dir], { env, timeoutMs: 180_000 })
      : runOk(process.execPath, [cli, 'broker', op, String(id), '--data-dir', dir], { env, timeoutMs: 60_000 })
  return {
    kind,
    bootstrap: p.bootstrap,
    readyMs: p.readyMs,
    dataDir: dir,
    brokers,
    kill: async (id) => void (await control('kill', id)),
    start: async (id) => {
      const r = await control('start', id)
      // Kafka's script prints the broker line; the embedded command prints `broker N  running  pid P  host:port …`.
      const m = /broker (\d+)\s+(?:running\s+)?pid (\d+)\s+(?:listening on )?(\S+)/.exec(r.stdout)
      if (!m || Number(m[1]) !== id) throw new Error(`${kind} cluster: no PID for restarted broker ${id} in:\n${r.stdout}`)
      brokers.set(id, { id, pid: Number(m[2]), address: m[3]! })
    },
    stderr: () => p.stderr(),
    stop: async () => void (await p.stop()),
  }
}
