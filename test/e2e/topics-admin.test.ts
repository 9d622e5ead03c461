// End-to-end on a 3-broker embedded cluster: the topic list shows messages, size on disk,
// retention and cleanup policy and sorts by them; several topics are deleted at once after a
// typed confirmation; a topic is purged (DeleteRecords to the high watermark) after a
// confirmation naming it; the message browser shows a partition's low/high watermark beside the
// offset or time to jump to and reads from there; the Brokers page shows log-dir sizes per
// broker and partition. Everything is checked against what kafkajs reads from the cluster.
import kafkajs from 'kafkajs'
import type { Admin } from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { toDatetimeLocal } from '../../src-renderer/src/lib/format'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs
const ORDERS = 'orders'
const LEDGER = 'ledger'
const SCRATCH = ['scratch-a', 'scratch-b']
// Whole seconds, so a datetime-local value (to the second) hits a message's timestamp exactly.
const BASE = Math.floor((Date.now() - 600_000) / 1000) * 1000

describe('topic administration and jumping to an offset', () => {
  let e: E2E
  let admin: Admin

  beforeAll(async () => {
    e = await startE2E({ brokers: 3 })
    const kafka = new Kafka({ clientId: 'e2e-topics-admin', brokers: e.bootstrap.split(','), logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        { topic: ORDERS, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
        { topic: LEDGER, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        ...SCRATCH.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
      ],
      waitForLeaders: true,
    })
    const producer = kafka.producer()
    await producer.connect()
    // Message i: partition i % 3, timestamp BASE + i s; so partition p holds i = p, p+3, … at offsets 0..9.
    await producer.send({
      topic: ORDERS,
      messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, key: `o-${i}`, value: `order-${i}`, timestamp: String(BASE + i * 1000) })),
    })
    await producer.send({ topic: LEDGER, messages: Array.from({ length: 5 }, (_, i) => ({ key: `acct-${i}`, value: `balance-${i}` })) })
    await producer.disconnect()
  }, 120_000)

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && e) await e.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await admin?.disconnect().catch(() => {})
    await e?.close()
  })

  const row = (topic: string) => e.page.getByTestId('topics-table').locator(`tbody tr[data-topic="${topic}"]`)
  const cell = (topic: string, col: string) => row(topic).locator(`td[data-col="${col}"]`)
  const order = () =>
    e.page
      .getByTestId('topics-table')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-topic')))

  it('lists messages, size on disk, retention and cleanup policy, and sorts by them', async () => {
    await go(e.page, '/topics')
    await expect.poll(() => cell(ORDERS, 'messages').textContent(), { timeout: 15_000 }).toBe('30')
    expect(await cell(LEDGER, 'messages').textContent()).toBe('5')
    expect(await cell(ORDERS, 'retention').textContent()).toBe('1 h')
    expect(await cell(LEDGER, 'cleanup').textContent()).toBe('compact')
    expect(await cell(ORDERS, 'cleanup').textContent()).toBe('delete')
    expect(await cell(ORDERS, 'size').textContent()).toMatch(/^\d+(\.\d)? (B|KiB)$/)
    await e.page.getByTestId('sort-messages').click()
    expect((await order()).slice(0, 2)).toEqual([ORDERS, LEDGER])
    await e.page.getByTestId('sort-messages').click()
    expect((await order()).slice(-2)).toEqual([LEDGER, ORDERS])
    await e.page.getByTestId('sort-sizeBytes').click()
    expect((await order())[0]).toBe(ORDERS)
    await e.page.getByTestId('sort-name').click()
    expect(await e.page.getByTestId('as-of').textContent()).toMatch(/as of \d\d:\d\d:\d\d/)
    await e.shot('topics-figures')
  })

  it('deletes several topics at once after typing what is deleted', async () => {
    for (const t of SCRATCH) await row(t).locator('td.check-col input').check()
    await e.page.getByTestId('delete-selected').click()
    const dialog = e.page.locator('.modal')
    expect(await dialog.textContent()).toContain(SCRATCH.join(', '))
    expect(await e.page.getByTestId('confirm-ok').isDisabled()).toBe(true)
    await e.page.getByTestId('confirm-input').fill('delete 2 topics')
    await e.page.getByTestId('confirm-ok').click()
    await expect.poll(() => row(SCRATCH[0]!).count()).toBe(0)
    expect(await row(SCRATCH[1]!).count()).toBe(0)
    await expect.poll(async () => (await admin.listTopics()).filter((t) => SCRATCH.includes(t))).toEqual([])
    expect(await admin.listTopics()).toContain(ORDERS)
  })

  it("shows the partition's low and high watermark beside the offset and reads from there", async () => {
    await go(e.page, `/topics/${ORDERS}/messages`)
    await e.page.getByTestId('messages-table').waitFor()
    await e.page.getByTestId('read-mode').selectOption('offset')
    await e.page.getByTestId('read-offset-partition').selectOption('1')
    await expect.poll(() => e.page.getByTestId('low-watermark').textContent()).toBe('0')
    expect(await e.page.getByTestId('high-watermark').textContent()).toBe('10')
    await e.page.locator('label:has-text("Offset") input').fill('4')
    await e.page.getByTestId('read-messages').click()
    // Offsets 4..9 of partition 1: messages 13, 16, …, 28 (newest first).
    await expect
      .poll(() => e.page.getByTestId('messages-table').locator('tbody tr.clickable td:nth-child(3)').allTextContents())
      .toEqual(['9', '8', '7', '6', '5', '4'])
    const values = await e.page.getByTestId('messages-table').locator('tbody tr.clickable td:nth-child(6)').allTextContents()
    expect(values.at(-1)).toBe('order-13')
  })

  it('says which offset a time falls on and reads from that time', async () => {
    await e.page.getByTestId('read-mode').selectOption('timestamp')
    await e.page.getByTestId('read-partition').selectOption('2')
    // Message 20 (partition 2, offset 6) was written at BASE + 20 s.
    await e.page.locator('input[type="datetime-local"]').fill(toDatetimeLocal(BASE + 20_000))
    await expect.poll(() => e.page.getByTestId('time-offset').textContent()).toContain('offset 6')
    await e.page.getByTestId('read-messages').click()
    await expect
      .poll(() => e.page.getByTestId('messages-table').locator('tbody tr.clickable td:nth-child(6)').allTextContents())
      .toEqual(['order-29', 'order-26', 'order-23', 'order-20'])
  })

  it('purges a topic after a confirmation naming it; the watermarks show it', async () => {
    await go(e.page, '/topics')
    await expect.poll(() => cell(ORDERS, 'messages').textContent()).toBe('30')
    await row(ORDERS).getByTestId('purge-topic').click()
    const dialog = e.page.locator('.modal')
    expect(await dialog.textContent()).toContain(`Purge topic ${ORDERS}`)
    expect(await dialog.textContent()).toContain('all 30 messages')
    await e.page.getByTestId('confirm-input').fill(ORDERS)
    await e.page.getByTestId('confirm-ok').click()
    await expect.poll(() => cell(ORDERS, 'messages').textContent(), { timeout: 15_000 }).toBe('0')
    const offsets = await admin.fetchTopicOffsets(ORDERS)
    expect(offsets.map((o) => [o.low, o.high])).toEqual([
      ['10', '10'],
      ['10', '10'],
      ['10', '10'],
    ])
    // The topic is still there, empty, and the jump shows where it now starts.
    await go(e.page, `/topics/${ORDERS}/messages`)
    await e.page.getByTestId('read-mode').selectOption('offset')
    await expect.poll(() => e.page.getByTestId('low-watermark').textContent()).toBe('10')
    expect(await e.page.getByTestId('offset-range').textContent()).toContain('(empty)')
  })

  it('a compacted topic cannot be purged, and the error says why', async () => {
    await go(e.page, '/topics')
    await row(LEDGER).getByTestId('purge-topic').click()
    await e.page.getByTestId('confirm-input').fill(LEDGER)
    await e.page.getByTestId('confirm-ok').click()
    await e.page.locator('.toast', { hasText: 'cleanup.policy' }).waitFor()
    expect(await cell(LEDGER, 'messages').textContent()).toBe('5')
  })

  it('shows log-dir sizes per broker and per partition', async () => {
    await go(e.page, '/brokers/log-dirs')
    await e.page.getByTestId('log-dirs-broker-3').waitFor()
    for (const id of [1, 2, 3]) expect(await e.page.getByTestId(`log-dirs-broker-${id}`).getByTestId('broker-size').textContent()).toMatch(/\d/)
    const meta = await admin.fetchTopicMetadata({ topics: [LEDGER] })
    const leader = meta.topics[0]!.partitions[0]!.leader
    const ledgerRow = e.page.getByTestId(`log-dirs-broker-${leader}`).locator('tbody tr', { hasText: LEDGER })
    expect(await ledgerRow.count()).toBe(1)
    expect(await ledgerRow.locator('td[data-col="size"]').textContent()).toMatch(/^\d+(\.\d)? (B|KiB)$/)
    // ORDERS' three partitions are spread over the brokers; each appears once.
    expect(await e.page.getByTestId('log-dirs').locator('tbody tr', { hasText: ORDERS }).count()).toBe(3)
    await e.shot('brokers-log-dirs')
  })

  it('raised no page errors', () => {
    expect(e.pageErrors).toEqual([])
  })
})
