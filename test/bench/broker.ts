// Starts one broker the way a user does and reports when it became ready and which process
// holds it. Unlike test/interop/target.ts this exposes the broker's pid (for RSS) and the
// spawn→ready time, and can start the embedded broker under `node --cpu-prof`.
//
//   embedded: node out/cli/kafkadesk.js cluster --brokers 1 --port 0 --data-dir DIR
//   kafka:    bash scripts/kafka/start-broker.sh --port 0 --dir DIR   (the JVM is its child)
import { spawnReady } from '../helpers/ready-process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../interop/target'
import { childPids, cmdline } from './memory'

export type BrokerKind = 'embedded' | 'kafka'

export interface Broker {
  kind: BrokerKind
  bootstrap: string
  /** Milliseconds from spawn() to the `ready bootstrap=…` stdout line. */
  readyMs: number
  /** The process that holds the broker (node, or Kafka's JVM rather than its bash wrapper). */
  brokerPid: number
  /** Where the broker keeps its data (Kafka: its config, log and data). */
  dataDir: string
  stop(): Promise<void>
}

export interface StartOptions {
  /** Embedded only: write a V8 CPU profile into this directory when the broker exits. */
  cpuProfDir?: string
  /** Broker configs by Kafka's name, for either kind. */
  configs?: Record<string, string>
}

/**
 * Kafka's broker runs with the JVM settings its own kafka-server-start.sh uses (1 GB heap, G1
 * tuned for short pauses) rather than start-broker.sh's small serial-GC test defaults: the
 * comparison is against Kafka as it is normally run.
 */
export const KAFKA_STOCK_JVM = {
  KAFKA_BROKER_HEAP_OPTS: '-Xmx1G -Xms1G',
  KAFKA_BROKER_JVM_OPTS: '-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent',
}

export async function startBroker(kind: BrokerKind, opts: StartOptions = {}): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), `kafkadesk-bench-${kind}-`))
  const configArgs = Object.entries(opts.configs ?? {}).flatMap(([k, v]) => ['--config', `${k}=${v}`])
  const [cmd, args] =
    kind === 'embedded'
      ? [process.execPath, [join(repoRoot, 'out', 'cli', 'kafkadesk.js'), ...['cluster', '--brokers', '1', '--port', '0', '--data-dir', dir], ...configArgs]]
      : ['bash', [join(repoRoot, 'scripts', 'kafka', 'start-broker.sh'), '--port', '0', '--dir', dir, ...configArgs]]

  // The embedded broker runs in a child process of `kafkadesk cluster`: node flags reach it through the spawner.
  const env =
    kind === 'kafka'
      ? { ...process.env, ...KAFKA_STOCK_JVM }
      : opts.cpuProfDir
        ? { ...process.env, KAFKADESK_BROKER_NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${opts.cpuProfDir}` }
        : process.env
  const p = await spawnReady(cmd, args, { label: kind, timeoutMs: kind === 'kafka' ? 150_000 : 30_000, cwd: repoRoot, env, scratchDir: dir })
  let pid: number
  try {
    pid = brokerPid(kind, p.child.pid!)
  } catch (e) {
    await p.stop()
    throw e
  }
  return { kind, bootstrap: p.bootstrap, readyMs: p.readyMs, brokerPid: pid, dataDir: dir, stop: async () => void (await p.stop()) }
}

/**
 * start-broker.sh runs the JVM (main class kafka.Kafka) as a background child of its bash;
 * `kafkadesk cluster` runs each broker in a child process (`broker-process`) under a supervisor.
 */
function brokerPid(kind: BrokerKind, pid: number): number {
  if (kind === 'embedded') {
    const broker = childPids(pid).find((c) => cmdline(c).includes(' broker-process '))
    if (broker === undefined) throw new Error(`no broker process among the children of kafkadesk cluster (pid ${pid})`)
    return broker
  }
  const jvm = childPids(pid).find((c) => cmdline(c).includes(' kafka.Kafka '))
  if (jvm === undefined) throw new Error(`no kafka.Kafka JVM among the children of start-broker.sh (pid ${pid})`)
  return jvm
}

/**
 * A BENCH_ONLY section run once per broker kind, one at a time: a kind that fails is logged and
 * the others still run. Prints the section's table; returns the process exit code.
 */
export async function benchEachKind<R>(
  kinds: readonly BrokerKind[],
  benchOne: (kind: BrokerKind, log: (s: string) => void) => Promise<R>,
  render: (runs: R[]) => string,
  log: (s: string) => void,
): Promise<number> {
  const runs: R[] = []
  let failed = false
  for (const kind of kinds) {
    try {
      runs.push(await benchOne(kind, log))
    } catch (e) {
      failed = true
      log(`${kind}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`)
    }
  }
  process.stdout.write(`\n${render(runs)}\n`)
  return failed ? 1 : 0
}
