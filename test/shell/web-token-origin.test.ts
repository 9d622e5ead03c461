// Issue 7: the web token must never reach another origin. Cookies ignore ports, so a cookie set
// by 127.0.0.1:A goes to every server on 127.0.0.1 the browser talks to. Here, in real headless
// Chromium, the console is opened with its printed URL, then the same browser context talks to a
// second local HTTP server on another port (a navigation from the console's page, and that
// server's own page loading an image and fetching with credentials), and that server records
// every request: none may carry the token in any header or in its URL. The console keeps
// working (also after a reload, which no longer has the token in its URL), and a WebSocket
// opened without the token is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../e2e/browser'
import { buildRenderer, rendererDir } from '../e2e/build-renderer'
import { startServe, type RunningServe } from '../../src-main/cli/serve'

interface Seen {
  url: string
  headers: IncomingHttpHeaders
}

let dir: string
let running: RunningServe
let browser: Browser
let other: Server
let otherOrigin: string
const seen: Seen[] = []

const otherPage = `<!doctype html><title>another local app</title>
<img src="/from-other-page.png">
<script>fetch('/fetch-with-credentials', { credentials: 'include' }).then(() => { document.title = 'fetched' }, () => { document.title = 'fetch failed' })</script>`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-token-origin-'))
  await buildRenderer()
  running = await startServe({ port: 0, embedded: true, brokers: 1, clusterPort: 0, dataDir: join(dir, 'data'), rendererDir })
  other = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers })
    res.setHeader('Content-Type', req.url?.startsWith('/page') ? 'text/html' : 'text/plain')
    res.end(req.url?.startsWith('/page') ? otherPage : 'ok')
  })
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r))
  otherOrigin = `http://127.0.0.1:${(other.address() as { port: number }).port}`
  browser = await launchChromium()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((r) => (other ? other.close(r) : r(undefined)))
  await running?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** The app is mounted, its WebSocket is open and it has shown data that came through it. */
async function consoleWorks(page: Page): Promise<void> {
  await page.waitForSelector('#app .app', { timeout: 30_000 })
  await page.waitForFunction(() => document.querySelector('.sidebar-foot .badge')?.textContent?.trim() === 'open', undefined, { timeout: 30_000 })
  // embedded.status answered over the socket: the picker shows the running cluster.
  await page.waitForFunction(
    () => /Embedded[^()]*\(running\)/.test(document.querySelector('[data-testid="active-connection"]')?.textContent ?? ''),
    undefined,
    { timeout: 30_000 },
  )
}

describe('the web token and other local servers', () => {
  it('never reaches a second local server, and the console keeps working', async () => {
    const token = running.web.token
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(running.web.url)
    await consoleWorks(page)
    // The page took the token out of its address: it is not in history or a bookmark.
    await page.waitForFunction(() => !location.search.includes('token='), undefined, { timeout: 10_000 })

    // A reload (no token in the URL any more) still works: the tab kept it for itself.
    await page.reload()
    await consoleWorks(page)

    // The console's page navigates to the other server; then the other server's own page, in the
    // same browser context, loads an image and fetches with credentials.
    await page.evaluate((u) => (location.href = `${u}/navigated-from-console`), otherOrigin)
    await page.waitForURL(`${otherOrigin}/navigated-from-console`)
    const second = await context.newPage()
    await second.goto(`${otherOrigin}/page`)
    await second.waitForFunction(() => document.title === 'fetched', undefined, { timeout: 10_000 })
    await second.waitForFunction(() => (document.querySelector('img') as HTMLImageElement | null)?.complete === true, undefined, { timeout: 10_000 })
    await context.close()

    const urls = seen.map((s) => s.url)
    expect(urls).toEqual(expect.arrayContaining(['/navigated-from-console', '/page', '/from-other-page.png', '/fetch-with-credentials']))
    for (const s of seen) {
      expect(s.url, s.url).not.toContain(token)
      expect(JSON.stringify(s.headers), s.url).not.toContain(token)
      expect(s.headers.cookie ?? '', s.url).not.toMatch(/kafkadesk/)
    }
  })

  it('refuses a WebSocket without the token, from the console’s own page', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(running.web.url)
    await consoleWorks(page)
    const outcome = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/ws`)
          ws.onopen = () => {
            ws.close()
            resolve('open')
          }
          ws.onclose = () => resolve('refused')
        }),
    )
    expect(outcome).toBe('refused')
    await context.close()
  })
})
