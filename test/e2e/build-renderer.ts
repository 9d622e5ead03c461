// Builds the renderer into out/renderer when its sources are newer than the last build, so a
// test run builds it once however many UI test files it has.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const rendererDir = join(repoRoot, 'out', 'renderer')

function newestMtime(path: string): number {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

export async function buildRenderer(): Promise<void> {
  const index = join(rendererDir, 'index.html')
  const sources = Math.max(newestMtime(join(repoRoot, 'src-renderer')), newestMtime(join(repoRoot, 'src-main', 'ipc', 'contract.ts')))
  if (existsSync(index) && statSync(index).mtimeMs > sources) return
  const { build } = await import('vite')
  await build({ configFile: join(repoRoot, 'src-renderer', 'vite.config.ts'), logLevel: 'warn' })
}
