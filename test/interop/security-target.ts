// The secured target of the security suites: scripts/kafka/start-secure.sh writes the security
// settings (DIR/secure.properties, a local CA and broker certificate); KAFKADESK_TARGET=kafka
// starts Kafka 4.1 with them, otherwise the embedded cluster is started with that very file plus
// the same four listeners on free ports. Both print `[broker 1] listener NAME (PROTOCOL) on H:P`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnReady, type ReadyProcess } from '../helpers/ready-process'
import { repoRoot, runOk, type TargetKind } from './target.ts'

export const LISTENERS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const
export type ListenerName = (typeof LISTENERS)[number]

export interface SecureTarget {
  kind: TargetKind
  dir: string
  /** host:port of each listener */
  at: Record<ListenerName, string>
  /** The CA certificate (PEM file) that signed the broker's certificate. */
  ca: string
  stderr(): string
  stop(): Promise<void>
}

/** `extra`: more broker configs (Kafka's names), added to the settings of both targets. */
export async function startSecureTarget(kind: TargetKind, extra: Record<string, string> = {}): Promise<SecureTarget> {
  const dir = mkdtempSync(join(tmpdir(), `kafkadesk-secure-${kind}-`))
  const script = join(repoRoot, 'scripts', 'kafka', 'start-secure.sh')
  const configArgs = Object.entries(extra).flatMap(([k, v]) => ['--config', `${k}=${v}`])
  let proc: ReadyProcess
  if (kind === 'kafka') {
    proc = await spawnReady('bash', [script, '--dir', dir, ...configArgs], { label: 'secure kafka', timeoutMs: 150_000, cwd: repoRoot, scratchDir: dir })
  } else {
    await runOk('bash', [script, '--dir', dir, '--config-only', ...configArgs])
    const cli = join(repoRoot, 'out', 'cli', 'kafkadesk.js')
    const listeners = LISTENERS.map((l) => `${l}://127.0.0.1:0`).join(',')
    proc = await spawnReady(
      process.execPath,
      [
        cli,
        'cluster',
        '--brokers',
        '1',
        '--port',
        '0',
        '--data-dir',
        join(dir, 'embedded'),
        '--config',
        join(dir, 'secure.properties'),
        '--config',
        `listeners=${listeners}`,
      ],
      {
        label: 'secure embedded',
        timeoutMs: 30_000,
        cwd: repoRoot,
        scratchDir: dir,
      },
    )
  }
  const at = {} as Record<ListenerName, string>
  for (const m of proc.stderr().matchAll(/\[broker 1\] listener (\w+) \(\w+\) on (\S+)/g))
    if ((LISTENERS as readonly string[]).includes(m[1]!)) at[m[1] as ListenerName] = m[2]!
  const missing = LISTENERS.filter((l) => !at[l])
  if (missing.length) {
    await proc.stop()
    throw new Error(`no ${missing.join(', ')} listener in the target's log:\n${proc.stderr().slice(-2000)}`)
  }
  return {
    kind,
    dir,
    at,
    ca: join(dir, 'secrets', 'ca.crt'),
    stderr: () => proc.stderr(),
    stop: async () => {
      await proc.stop()
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true })
    },
  }
}
