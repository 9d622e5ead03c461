// End-to-end: consumer groups in the UI — a group that committed offsets with a real kafkajs
// consumer, its lag in the list and the detail (table and chart), and the reset-offsets wizard:
// preview → execute, and the refusal while a consumer is active.
import kafkajs from 'kafkajs'
import type { Admin, Consumer, Kafka as KafkaClient, Producer } from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs
const TOPIC = 'e2e-payments'
const GROUP = 'e2e-billing'

describe('consumer groups in the UI', () => {
  let e: E2E
  let kafka: KafkaClient
  let admin: Admin
  let producer: Producer
  let active: Consumer | null = null

  const texts = (sel: string) => e.page.locator(sel).allTextContents()

  async function produce(n: number, from: number) {
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: n }, (_, i) => ({ key: `k${(from + i) % 7}`, value: JSON.stringify({ n: from + i }) })),
    })
  }

  /** A consumer of GROUP that reads `count` messages, commits them and leaves the group. */
  async function consumeAndCommit(count: number) {
    const c = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, rebalanceTimeout: 3_000, heartbeatInterval: 500 })
    await c.connect()
    await c.subscribe({ topic: TOPIC, fromBeginning: true })
    let seen = 0
    await new Promise<void>((resolve, reject) => {
      c.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          if (seen >= count) return
          seen++
          await c.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }])
          if (seen === count) resolve()
        },
      }).catch(reject)
    })
    await c.disconnect()
  }

  beforeAll(async () => {
    e = await startE2E()
    kafka = new Kafka({ clientId: 'e2e-groups', brokers: [e.bootstrap], logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })
    producer = kafka.producer()
    await producer.connect()
    await produce(30, 0)
    await consumeAndCommit(30)
    await produce(12, 30)
  })

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && e) await e.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await active?.disconnect().catch(() => {})
    await producer?.disconnect().catch(() => {})
    await admin?.disconnect().catch(() => {})
    await e?.close()
  })

  it('lists the group with its state and total lag', async () => {
    await go(e.page, '/groups')
    const row = e.page.getByTestId('groups-table').locator('tbody tr', { hasText: GROUP })
    await row.waitFor()
    const cells = await row.locator('td').allTextContents()
    expect(cells[1]).toBe('Empty')
    expect(cells[2]).toBe('0')
    expect(cells[3]).toBe(TOPIC)
    expect(cells[4]).toBe('12')
    await e.shot('groups-list')
  })

  it('shows per-partition committed, log end and lag, and the lag chart', async () => {
    await e.page.getByRole('link', { name: GROUP }).click()
    const table = e.page.getByTestId('group-offsets')
    await table.locator('tbody tr').first().waitFor()
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')))
    expect(rows).toHaveLength(3)
    let committed = 0
    let end = 0
    let lag = 0
    for (const r of rows) {
      expect(r[0]).toBe(TOPIC)
      committed += Number(r[2]!.replace(/\D/g, ''))
      end += Number(r[4]!.replace(/\D/g, ''))
      lag += Number(r[5]!.replace(/\D/g, ''))
      expect(Number(r[4]!.replace(/\D/g, '')) - Number(r[2]!.replace(/\D/g, ''))).toBe(Number(r[5]!.replace(/\D/g, '')))
    }
    expect([committed, end, lag]).toEqual([30, 42, 12])
    expect(await texts('.stat .value')).toContain('12')
    // The sampler takes a lag sample every 10 s; the chart appears with the first one.
    await e.page.locator('.chart canvas').first().waitFor({ timeout: 25_000 })
    await e.page.waitForTimeout(400)
    await e.shot('group-detail', true)
  })

  it('resets the offsets to earliest through the wizard: preview, then execute', async () => {
    await e.page.getByTestId('reset-offsets').click()
    await e.page.getByTestId('reset-mode-earliest').check()
    await e.shot('reset-wizard')
    await e.page.getByTestId('reset-preview-btn').click()
    const preview = e.page.getByTestId('reset-preview')
    await preview.waitFor()
    const rows = await preview
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')))
    expect(rows).toHaveLength(3)
    expect(rows.reduce((s, r) => s + Number(r[4]), 0)).toBe(30)
    for (const r of rows) expect(r[6]).toBe('0')
    await e.shot('reset-preview')
    await e.page.getByTestId('reset-execute').click()
    await e.page.getByTestId('confirm-ok').click()
    await e.page.getByTestId('reset-preview').waitFor({ state: 'detached' })
    // Lag is now the whole log: 42.
    await expect.poll(() => texts('.stat .value'), { timeout: 10_000 }).toContain('42')
    const committed = await e.page.getByTestId('group-offsets').locator('tbody tr td:nth-child(3)').allTextContents()
    expect(committed).toEqual(['0', '0', '0'])
    await e.shot('group-after-reset', true)
  })

  it('refuses the reset with a clear reason while a consumer is active', async () => {
    active = kafka.consumer({ groupId: GROUP, sessionTimeout: 30_000, rebalanceTimeout: 3_000, heartbeatInterval: 500 })
    const joined = new Promise<void>((resolve) => active!.on(active!.events.GROUP_JOIN, () => resolve()))
    await active.connect()
    await active.subscribe({ topic: TOPIC })
    // Commits nothing (autoCommit off), so the committed offsets stay where the reset put them.
    await active.run({ autoCommit: false, eachMessage: async () => {} })
    await joined
    await e.page.getByRole('button', { name: 'Refresh' }).click()
    await expect.poll(() => e.page.locator('.page-head .badge').first().textContent(), { timeout: 10_000 }).toBe('Stable')
    await e.page.getByTestId('reset-offsets').click()
    await e.page.locator('.modal .note.danger', { hasText: 'active member' }).waitFor()
    await e.page.getByTestId('reset-mode-earliest').check()
    await e.page.getByTestId('reset-preview-btn').click()
    const refused = e.page.getByTestId('reset-refused')
    await refused.waitFor()
    expect(await refused.textContent()).toMatch(/Cannot execute: .+/)
    expect(await e.page.getByTestId('reset-execute').isDisabled()).toBe(true)
    await e.shot('reset-refused')
    // Escape closes the wizard even though the focused Preview button is gone.
    await e.page.keyboard.press('Escape')
    await e.page.locator('.modal').waitFor({ state: 'detached', timeout: 2000 })
  })

  it('shows the group detail readably in dark mode', async () => {
    await e.page.emulateMedia({ colorScheme: 'dark' })
    await e.page.getByTestId('group-offsets').waitFor()
    await e.page.waitForTimeout(400)
    await e.shot('dark-group-detail', true)
    await e.page.emulateMedia({ colorScheme: 'light' })
  })

  it('raised no page errors', () => {
    expect(e.pageErrors).toEqual([])
  })
})
