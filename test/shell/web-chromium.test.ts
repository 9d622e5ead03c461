// Smoke test in real headless Chromium: web mode serves the current build of the renderer, the
// page opened with the printed URL mounts the app, its WebSocket opens under the strict CSP,
// and a page opened without the token gets no API and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../e2e/browser'
import { buildRenderer, rendererDir } from '../e2e/build-renderer'
import { parseServeArgs, startServe, type RunningServe } from '../../src-main/cli/serve'

let dir: string
let running: RunningServe
let browser: Browser

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-chromium-'))
  // The renderer as its sources are now, built with its own config.
  await buildRenderer()
  running = await startServe({ ...parseServeArgs(['--embedded', '--brokers', '1', '--cluster-port', '0', '--data-dir', join(dir, 'data')]), rendererDir })
  browser = await launchChromium()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await running?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('web mode in headless Chromium', () => {
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
    await page.waitForFunction(
      () => /Embedded[^()]*\(running\)/.test(document.querySelector('[data-testid="active-connection"]')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    )
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([])
    await page.close()
  })

  it('shows the embedded cluster’s bootstrap address on its card, with a copy button that copies it', async () => {
    const context = await browser.newContext()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${running.web.port}` })
    const page = await context.newPage()
    await page.goto(running.web.url)
    await page.waitForSelector('#app .app', { timeout: 30_000 })
    await page.evaluate(() => (location.hash = '#/connections'))
    const bootstrap = running.console.embeddedBootstrap()
    expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+$/)
    const card = page.getByTestId('embedded-card')
    await expect.poll(() => card.getByTestId('bootstrap-value').textContent(), { timeout: 30_000 }).toBe(bootstrap)
    await card.getByTestId('bootstrap-copy').click()
    await expect.poll(() => card.getByTestId('bootstrap-copy').textContent()).toMatch(/Copied/)
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(bootstrap)
    // The client settings, one line each.
    await card.locator('.client-configs summary').click()
    const settings = await card.locator('.client-configs dd code').allTextContents()
    expect(settings).toEqual([`bootstrap.servers=${bootstrap}`, `-b ${bootstrap}`, `brokers: ['${bootstrap}']`])
    await context.close()
  })

  it('without the token the page loads but its API is refused, and it says which URL to open', async () => {
    const page = await browser.newPage()
    const res = await page.goto(`http://127.0.0.1:${running.web.port}/`)
    expect(res?.status()).toBe(200)
    await page.waitForSelector('#app .app', { timeout: 30_000 })
    await page.getByText('Kafkadesk refused this page').waitFor({ timeout: 10_000 })
    expect(await page.locator('.sidebar-foot .badge').textContent()).not.toContain('open')
    await page.close()
  })
})
