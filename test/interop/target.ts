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
