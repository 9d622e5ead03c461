// Builds the renderer into out/renderer once per test run (skip with KAFKADESK_E2E_SKIP_BUILD=1
// when out/renderer is fresh).
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const rendererDir = join(repoRoot, 'out', 'renderer')

export async function buildRenderer(): Promise<void> {
  if (process.env.KAFKADESK_E2E_SKIP_BUILD === '1' && existsSync(join(rendererDir, 'index.html'))) return
  const { build } = await import('vite')
  await build({ configFile: join(repoRoot, 'src-renderer', 'vite.config.ts'), logLevel: 'warn' })
}
