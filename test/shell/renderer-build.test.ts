// `kafkadesk serve` builds a missing UI once, with a progress line, rather than answering 503:
// a real Vite build of a minimal checkout (src-renderer/vite.config.ts → out/renderer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureRenderer } from '../../src-main/cli/renderer-build'

let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kafkadesk-renderer-build-'))
  mkdirSync(join(root, 'src-renderer'))
  writeFileSync(join(root, 'src-renderer', 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="./main.js"></script>')
  writeFileSync(join(root, 'src-renderer', 'main.js'), 'document.getElementById("app").textContent = "built"\n')
  writeFileSync(
    join(root, 'src-renderer', 'vite.config.ts'),
    `export default { root: ${JSON.stringify(join(root, 'src-renderer'))}, base: './', logLevel: 'warn', build: { outDir: ${JSON.stringify(join(root, 'out', 'renderer'))}, emptyOutDir: true } }\n`,
  )
})

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true })
})

describe('a missing UI', () => {
  it('is built once, with a progress line, then found', async () => {
    const logs: string[] = []
    const dir = join(root, 'out', 'renderer')
    expect(await ensureRenderer(dir, (l) => logs.push(l))).toBe('built')
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toMatch(/<script type="module"[^>]*src="\.\/assets\/[^"]+\.js"/)
    expect(logs[0]).toMatch(/building the UI once/)
    expect(logs[1]).toMatch(/^UI built in \d+\.\d s$/)
    expect(await ensureRenderer(dir, (l) => logs.push(l))).toBe('present')
    expect(logs).toHaveLength(2)
  }, 120_000)

  it('outside a checkout with the renderer’s sources, is reported, not built', async () => {
    const elsewhere = join(root, 'elsewhere', 'renderer')
    expect(await ensureRenderer(elsewhere, () => {})).toBe('unavailable')
    expect(existsSync(elsewhere)).toBe(false)
  })
})
