// The built UI for `kafkadesk serve`. `npm install` builds it (the `prepare` script); when it is
// missing anyway (installed with --ignore-scripts, or out/ removed) and this is a checkout with
// the renderer's sources and Vite, serve builds it once before listening, with a progress line,
// instead of answering every page with 503.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** Builds the renderer into rendererDir if it is missing and can be built here; says what it did. */
export async function ensureRenderer(rendererDir: string, log: (line: string) => void): Promise<'present' | 'built' | 'unavailable'> {
  if (existsSync(join(rendererDir, 'index.html'))) return 'present'
  // out/renderer of a checkout: its root holds src-renderer/vite.config.ts.
  const root = dirname(dirname(resolve(rendererDir)))
  const config = join(root, 'src-renderer', 'vite.config.ts')
  if (resolve(rendererDir) !== join(root, 'out', 'renderer') || !existsSync(config)) return 'unavailable'
  let vite: typeof import('vite')
  try {
    vite = await import('vite')
  } catch {
    return 'unavailable'
  }
  const started = Date.now()
  log('building the UI once (it was not built at install); this takes a few seconds…')
  await vite.build({ configFile: config, logLevel: 'warn' })
  log(`UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return existsSync(join(rendererDir, 'index.html')) ? 'built' : 'unavailable'
}
