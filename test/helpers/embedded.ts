// Starts the embedded cluster as a user does (the built `kafkadesk cluster` command) on a
// data dir the test chooses, so tests can kill, restart and read its logs.
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnReady, type ReadyProcess } from './ready-process'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface EmbeddedProcess extends ReadyProcess {
  host: string
  port: number
}

export async function startEmbedded(dataDir: string, args: string[] = []): Promise<EmbeddedProcess> {
  const p = await spawnReady(process.execPath, [join(repoRoot, 'out/cli/kafkadesk.js'), 'cluster', '--port', '0', '--data-dir', dataDir, ...args], {
    label: 'embedded cluster',
    timeoutMs: 30_000,
  })
  const [host, port] = p.bootstrap.split(',')[0].split(':')
  return { ...p, host, port: Number(port) }
}
