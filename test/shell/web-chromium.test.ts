// Smoke test in real headless Chromium: web mode serves a fresh build of the renderer, the
// page opened with the printed URL mounts the app, its WebSocket opens under the strict CSP,
// and the page without the token is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { build } from 'vite'
import { parseServeArgs, startServe, type RunningServe } from '../../src-main/cli/serve'

/** Chromium from CHROMIUM_PATH or the PATH (Debian's `chromium` package). */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) if (dir && existsSync(join(dir, name))) return join(dir, name)
  }
  return undefined
}
const CHROMIUM = findChromium() ?? ''
const haveChromium = CHROMIUM !== '' && existsSync(CHROMIUM)
const root = fileURLToPath(new URL('../..', import.meta.url))

let dir: string
let running: RunningServe
let browser: Browser

beforeAll(async () => {
  if (!haveChromium) return
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-chromium-'))
  const rendererDir = join(dir, 'renderer')
  // Build the renderer as it is now with its own config, into a folder of this test's own.
  await build({ configFile: join(root, 'src-renderer', 'vite.config.ts'), logLevel: 'warn', build: { outDir: rendererDir, emptyOutDir: true } })
  running = await startServe({ ...parseServeArgs(['--embedded', '--brokers', '1', '--data-dir', join(dir, 'data')]), rendererDir })
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await running?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!haveChromium)('web mode in headless Chromium', () => {
  it('mounts the app with the token URL, over the WebSocket, without CSP violations', async () => {
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text())
    })
    page.on('pageerror', (e) => problems.push(e.message))
    const res = await page.goto(running.web.url)
    expect(res?.status()).toBe(200)
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'")
    await page.waitForSelector('#app .app', { timeout: 30_000 })
    // The transport badge turns "open" once the WebSocket (with the token) is up.
    await page.waitForFunction(() => document.querySelector('.sidebar-foot .badge')?.textContent?.trim() === 'open', undefined, { timeout: 30_000 })
    expect(await page.locator('.sidebar-foot').textContent()).toContain('web mode')
    // And the app got data through it: the embedded cluster's state in the picker.
    await page.waitForFunction(() => /Embedded[^()]*\(running\)/.test(document.querySelector('[data-testid="active-connection"]')?.textContent ?? ''), undefined, { timeout: 30_000 })
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([])
    await page.close()
  })

  it('refuses the page without the token', async () => {
    const page = await browser.newPage()
    const res = await page.goto(`http://127.0.0.1:${running.web.port}/`)
    expect(res?.status()).toBe(403)
    expect(await page.locator('#app').count()).toBe(0)
    await page.close()
  })
})
