// End-to-end: the real web mode (`kafkadesk serve` in-process: embedded cluster, console
// services, WebSocket contract) driven through the UI in headless Chromium. Nothing is mocked.
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { shots, startE2E, type E2E } from './harness'

describe('console in web mode (real server, headless Chromium)', () => {
  let e: E2E
  let page: Page

  beforeAll(async () => {
    e = await startE2E()
    page = e.page
  })

  afterEach(async (ctx) => {
    // A failed step leaves a screenshot of what the page showed.
    if (ctx.task.result?.state === 'fail' && e) await e.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await e?.close()
  })

  it('shows the overview of the embedded cluster', async () => {
    await page.getByTestId('stat-brokers').waitFor()
    expect(await page.getByTestId('stat-brokers').textContent()).toBe('1')
    await page.screenshot({ path: join(shots, 'overview.png') })
  })

  it('validates the create-topic form before sending', async () => {
    await page.locator('nav a', { hasText: 'Topics' }).click()
    await page.getByTestId('create-topic').click()
    await page.getByTestId('topic-name').fill('bad name!')
    await page.getByTestId('topic-create-submit').click()
    await expect.poll(() => page.locator('.field-error').first().textContent()).toContain('Only letters')
    await page.keyboard.press('Escape')
  })

  it('creates a topic through the UI', async () => {
    await page.getByTestId('create-topic').click()
    await page.getByTestId('topic-name').fill('e2e-orders')
    await page.getByTestId('topic-partitions').fill('3')
    await page.getByTestId('topic-create-submit').click()
    await page.getByTestId('topic-title').filter({ hasText: 'e2e-orders' }).waitFor()
    await page.getByTestId('partitions-table').waitFor()
    expect(await page.getByTestId('partitions-table').locator('tbody tr').count()).toBe(3)
  })

  it('produces a message through the UI', async () => {
    await page.getByTestId('tab-produce').click()
    await page.getByTestId('produce-key').fill('customer-42')
    await page.getByTestId('produce-value').fill('{"order":1001,"item":"kafka-book","qty":2}')
    await page.getByTestId('add-header').click()
    await page.getByLabel('Header 1 key').fill('source')
    await page.getByLabel('Header 1 value').fill('e2e')
    await page.getByTestId('produce-send').click()
    await page.getByTestId('produce-result').waitFor()
    expect(await page.getByTestId('produce-result').textContent()).toContain('1 produced')
  })

  it('shows the message in the messages view', async () => {
    await page.getByTestId('tab-messages').click()
    await page.getByTestId('read-messages').click()
    const row = page.getByTestId('messages-table').locator('tbody tr', { hasText: 'kafka-book' })
    await row.waitFor()
    expect(await row.textContent()).toContain('customer-42')
    await row.click()
    // The detail pane shows the JSON value as a tree, and its bytes as hex + ASCII.
    const tree = page.getByTestId('value-tree')
    await tree.waitFor()
    expect((await tree.textContent())?.replace(/\s+/g, ' ')).toContain('qty: 2')
    await page.getByTestId('detail-hex').click()
    expect(await page.getByTestId('value-hex').textContent()).toMatch(/^00000000 {2}7b 22 6f 72 64 65 72 22 .* {2}\{"order":1001,"i/)
    await page.screenshot({ path: join(shots, 'messages.png'), fullPage: true })
  })

  it('searches with a filter and finds the message', async () => {
    await page.getByRole('button', { name: /Filter \/ search/ }).click()
    await page.getByTestId('filter-value').fill('kafka-book')
    await page.getByTestId('search-messages').click()
    await page.locator('.note', { hasText: /1 match in/ }).waitFor()
    await page.getByTestId('filter-value').fill('no-such-text')
    await page.getByTestId('search-messages').click()
    await page.locator('.note', { hasText: /0 matches in/ }).waitFor()
  })

  it('republishes a selected message, and reading again shows both copies', async () => {
    await page.getByTestId('read-messages').click()
    // Message rows (an expanded row's detail is a row of its own).
    const rows = page.getByTestId('messages-table').locator('tbody tr.clickable', { hasText: 'kafka-book' })
    await rows.first().waitFor()
    expect(await rows.count()).toBe(1)
    await rows.first().locator('input[type=checkbox]').check()
    await page.getByTestId('republish-open').click()
    // No default target: defaulting to the source topic silently duplicated messages.
    expect(await page.getByTestId('republish-topic').inputValue()).toBe('')
    expect(await page.getByTestId('republish-submit').isDisabled()).toBe(true)
    await page.getByTestId('republish-topic').fill('e2e-orders')
    await page.locator('.modal .field-warning', { hasText: 'they will be in it twice' }).waitFor()
    await page.getByTestId('republish-submit').click()
    await page.locator('.toast', { hasText: 'Republished 1 message to e2e-orders' }).waitFor()
    await page.getByTestId('read-messages').click()
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2)
    // Same key, so key-based partitioning put the copy beside the original.
    const texts = await rows.allTextContents()
    expect(texts.every((t) => t.includes('customer-42'))).toBe(true)
  })

  it('asks for confirmation before deleting a topic', async () => {
    await page.locator('nav a', { hasText: 'Topics' }).click()
    const row = page.getByTestId('topics-table').locator('tbody tr', { hasText: 'e2e-orders' })
    await row.getByRole('button', { name: 'Delete' }).click()
    const ok = page.getByTestId('confirm-ok')
    expect(await ok.isDisabled()).toBe(true)
    await page.screenshot({ path: join(shots, 'confirm-delete.png') })
    await page.getByRole('button', { name: 'Cancel' }).click()
    await row.waitFor()
  })

  it('raised no page errors', () => {
    expect(e.pageErrors).toEqual([])
  })
})
