// End-to-end: the Messages tab on a 3-broker cluster — "Latest N" newest first with a sort
// toggle, reading past the end names the partition's offset range, read settings stay with
// their topic, and with a broker stopped the readable partitions are still shown while the
// unreadable ones are named with their broker.
import kafkajs from 'kafkajs'
import type { Admin } from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/ipc/contract'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs
const TOPIC = 'fixes'
const OTHER = 'fixes-other'
const PARTITIONS = 6
// Several groups, so some have their coordinator on the stopped broker and some do not.
const GROUPS = ['trackers-a', 'trackers-b', 'trackers-c', 'trackers-d', 'trackers-e', 'trackers-f']

describe('messages tab tells the truth', () => {
  let e: E2E
  let admin: Admin

  beforeAll(async () => {
    e = await startE2E({ brokers: 3 })
    const kafka = new Kafka({ clientId: 'e2e-messages-truth', brokers: e.bootstrap.split(','), logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        { topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 },
        { topic: OTHER, numPartitions: 1, replicationFactor: 1 },
      ],
      waitForLeaders: true,
    })
    const producer = kafka.producer()
    await producer.connect()
    // Distinct, increasing timestamps: message i is the i-th newest from the end.
    const base = Date.now() - 60_000
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: 60 }, (_, i) => ({ partition: i % PARTITIONS, key: `car-${i}`, value: `fix-${i}`, timestamp: String(base + i * 100) })),
    })
    await producer.send({ topic: OTHER, messages: [{ value: 'other-0' }] })
    for (const g of GROUPS)
      await admin.setOffsets({ groupId: g, topic: TOPIC, partitions: [...Array(PARTITIONS).keys()].map((p) => ({ partition: p, offset: '5' })) })
    await producer.disconnect()
  })

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && e) await e.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await admin?.disconnect().catch(() => {})
    await e?.close()
  })

  const values = () => e.page.getByTestId('messages-table').locator('tbody tr.clickable td:nth-child(6)').allTextContents()

  it('lists "Latest N" newest first, and the toggle turns it to oldest first', async () => {
    await go(e.page, `/topics/${TOPIC}/messages`)
    await e.page.getByTestId('messages-table').waitFor()
    const newest = await values()
    expect(newest.length).toBe(60)
    expect(newest.slice(0, 3)).toEqual(['fix-59', 'fix-58', 'fix-57'])
    await e.page.getByTestId('messages-order').click()
    expect((await values()).slice(0, 3)).toEqual(['fix-0', 'fix-1', 'fix-2'])
    await e.page.getByTestId('messages-order').click()
  })

  it('reading past the end shows the offsets the partition holds', async () => {
    await e.page.getByTestId('read-mode').selectOption('offset')
    await e.page.locator('label:has-text("Offset") input').fill('500')
    await e.page.getByTestId('read-messages').click()
    await e.page.locator('.empty-state', { hasText: 'partition 0 holds offsets 0–9' }).waitFor()
  })

  it('read settings do not follow the user to another topic', async () => {
    await e.page.getByTestId('read-mode').selectOption('latest')
    await e.page.locator('label:has-text("Limit") input').fill('7')
    await e.page.getByTestId('read-partition').selectOption('3')
    await e.page.getByTestId('read-messages').click()
    await expect.poll(async () => (await values()).length).toBe(7)
    await go(e.page, `/topics/${OTHER}/messages`)
    await e.page.getByTestId('messages-table').locator('tbody tr', { hasText: 'other-0' }).waitFor()
    expect(await e.page.locator('label:has-text("Limit") input').inputValue()).toBe('100')
    expect(await e.page.getByTestId('read-partition').inputValue()).not.toBe('3')
  })

  it('with a broker stopped, shows the readable partitions and names the others with their broker', async () => {
    const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] })
    const onBroker2 = meta.topics[0]!.partitions.filter((p) => p.leader === 2)
      .map((p) => p.partitionId)
      .sort()
    expect(onBroker2.length).toBeGreaterThan(0)
    const ctx = { sink: { emit: () => {} }, clientId: 'e2e-test' }
    const stopped = await dispatch(e.serve.console.handlers, 'embedded.broker.stop', { nodeId: 2 }, ctx)
    expect(stopped.ok).toBe(true)
    await go(e.page, `/topics/${TOPIC}/partitions`)
    await go(e.page, `/topics/${TOPIC}/messages`)
    const notice = e.page.getByTestId('messages-unavailable')
    await notice.waitFor({ timeout: 20_000 })
    const text = (await notice.textContent()) ?? ''
    expect(text).toContain(`${onBroker2.length} partition`)
    for (const p of onBroker2) expect(text).toMatch(new RegExp(`partition ${p}\\b`))
    expect(text).toContain('broker 2')
    const shownPartitions = await e.page.getByTestId('messages-table').locator('tbody tr.clickable td:nth-child(2)').allTextContents()
    const readable = [...Array(PARTITIONS).keys()].filter((p) => !onBroker2.includes(p))
    expect([...new Set(shownPartitions.map(Number))].sort()).toEqual(readable)
    expect(shownPartitions.length).toBe(readable.length * 10)
    // The topic's message count does not silently drop: it says what it leaves out.
    expect(await e.page.getByTestId('topic-message-count').textContent()).toBe(`${readable.length * 10}+ messages`)
    expect(await e.page.getByTestId('topic-offline').textContent()).toContain(`${onBroker2.length} partitions offline`)
    await e.shot('messages-broker-down')
  })

  it('with a broker stopped, a group page is never blank or a raw socket error: it names the broker', async () => {
    for (const g of GROUPS) {
      await go(e.page, `/groups/${g}`)
      const offsets = e.page.getByTestId('group-unavailable')
      const failed = e.page.locator('.inline-error')
      await offsets.or(failed).first().waitFor({ timeout: 30_000 })
      const text = (await e.page.locator('.page').textContent()) ?? ''
      expect(text).not.toContain('ECONNREFUSED')
      expect(text).toContain('broker 2')
    }
    await e.shot('group-broker-down')
  })

  it('with a broker stopped, the overview keeps it as down and the cluster picker says how many brokers are up', async () => {
    await go(e.page, '/overview')
    await e.page.getByTestId('broker-down-row').waitFor()
    expect(await e.page.getByTestId('broker-down-row').textContent()).toMatch(/^2\s*down/)
    expect(await e.page.getByTestId('stat-brokers-down').textContent()).toContain('1 down (2)')
    // Two user topics and __consumer_offsets: counted once.
    expect(await e.page.getByTestId('stat-topics').textContent()).toBe('2')
    await expect.poll(() => e.page.getByTestId('active-connection').locator('option:checked').textContent()).toBe('Embedded (2/3 brokers up)')
    await e.page.getByTestId('offline-list').waitFor()
    await e.shot('overview-broker-down')
  })

  it('raised no page errors', () => {
    expect(e.pageErrors).toEqual([])
  })
})
