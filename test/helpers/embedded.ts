// Starts the embedded cluster as a user does (the built `kafkadesk cluster` command) on a
// data dir the test chooses, so tests can kill, restart and read its logs.
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnReady, type ReadyProcess } from './ready-process'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface EmbeddedProcess extends ReadyProcess {
  host: string
  port: number
  /** Broker id → PID of its process (the `cluster` process itself only supervises). */
  brokerPids: Map<number, number>
}

export async function startEmbedded(dataDir: string, args: string[] = []): Promise<EmbeddedProcess> {
  const p = await spawnReady(process.execPath, [join(repoRoot, 'out/cli/kafkadesk.js'), 'cluster', '--port', '0', '--data-dir', dataDir, ...args], {
    label: 'embedded cluster',
    timeoutMs: 30_000,
  })
  const [host, port] = p.bootstrap.split(',')[0].split(':')
  const brokerPids = new Map<number, number>()
  for (const m of p.stderr().matchAll(/broker (\d+) pid (\d+) listening on /g)) brokerPids.set(Number(m[1]), Number(m[2]))
  return { ...p, host, port: Number(port), brokerPids }
}
