// One served console (embedded cluster, web mode) and one headless Chromium page per e2e file.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startServe, type RunningServe } from '../../src-main/cli/serve'
import { buildRenderer, rendererDir, repoRoot } from './build-renderer'
import { launchChromium } from './browser'

export const shots = join(repoRoot, 'test', 'e2e', 'screenshots')

export interface E2E {
  serve: RunningServe
  browser: Browser
  context: BrowserContext
  page: Page
  /** Uncaught exceptions and console errors seen on the page. */
  pageErrors: string[]
  bootstrap: string
  shot(name: string, fullPage?: boolean): Promise<void>
  close(): Promise<void>
}

export async function startE2E(opts: { colorScheme?: 'light' | 'dark'; brokers?: number; viewport?: { width: number; height: number } } = {}): Promise<E2E> {
  await buildRenderer()
  const dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-e2e-'))
  mkdirSync(shots, { recursive: true })
  const serve = await startServe({ port: 0, embedded: true, brokers: opts.brokers ?? 1, dataDir, rendererDir })
  const browser = await launchChromium()
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 }, colorScheme: opts.colorScheme ?? 'light' })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text())
  })
  await page.goto(serve.web.url)
  const bootstrap = serve.console.embeddedBootstrap()
  if (!bootstrap) throw new Error('the embedded cluster has no bootstrap address')
  return {
    serve,
    browser,
    context,
    page,
    pageErrors,
    bootstrap,
    async shot(name, fullPage = false) {
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage })
    },
    async close() {
      await browser.close().catch(() => {})
      await serve.stop().catch(() => {})
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Navigates the hash router. */
export async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => (location.hash = p), path)
}
