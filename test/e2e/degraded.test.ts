// End-to-end on a 3-broker embedded cluster with the cluster's own faults: with one broker
// paused the topic list still shows what the others hold and names the paused broker (no other
// one); with every broker paused the overview, the topic list, the group list and a group's lag
// keep their last data marked "stale — as of HH:MM:SS"; a long read shows its progress and can
// be cancelled; the sidebar collapses and stays so; the throughput view opens on the busiest
// topic, not the alphabetically first idle one, and comes back to the topic last shown.
import kafkajs from 'kafkajs'
import type { Admin } from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/ipc/contract'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel, CompressionTypes } = kafkajs
const FLEET = 'fleet'
const BULK = 'bulk'
const IDLE = 'aaa-idle'
const GROUP = 'dispatchers'
const BULK_COUNT = 60_000

describe('a console that degrades gracefully', () => {
  let e: E2E
  let admin: Admin
  const ctx = { sink: { emit: () => {} }, clientId: 'e2e-degraded' }
  const faults = async (nodeId: number, f: { paused?: boolean; latencyMs?: number }) => {
    const r = await dispatch(e.serve.console.handlers, 'embedded.broker.faults', { nodeId, ...f }, ctx)
    expect(r.ok).toBe(true)
  }

  beforeAll(async () => {
    e = await startE2E({ brokers: 3 })
    const kafka = new Kafka({ clientId: 'e2e-degraded', brokers: e.bootstrap.split(','), logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        { topic: FLEET, numPartitions: 3, replicationFactor: 1 },
        { topic: BULK, numPartitions: 1, replicationFactor: 1 },
        { topic: IDLE, numPartitions: 1, replicationFactor: 1 },
      ],
      waitForLeaders: true,
    })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: FLEET, messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: `fix-${i}` })) })
    for (let b = 0; b < BULK_COUNT; b += 10_000)
      await producer.send({
        topic: BULK,
        compression: CompressionTypes.None,
        messages: Array.from({ length: 10_000 }, (_, j) => ({ key: `k-${(b + j) % 97}`, value: JSON.stringify({ n: b + j, pad: 'x'.repeat(60) }) })),
      })
    await producer.disconnect()
    await admin.setOffsets({ groupId: GROUP, topic: FLEET, partitions: [0, 1, 2].map((p) => ({ partition: p, offset: '5' })) })
  }, 180_000)

  afterEach(async (c) => {
    if (c.task.result?.state === 'fail' && e) await e.shot(`failed-${c.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    if (e)
      for (const id of [1, 2, 3])
        await dispatch(e.serve.console.handlers, 'embedded.broker.faults', { nodeId: id, paused: false, latencyMs: 0 }, ctx).catch(() => {})
    await admin?.disconnect().catch(() => {})
    await e?.close()
  })

  const row = (topic: string) => e.page.getByTestId('topics-table').locator(`tbody tr[data-topic="${topic}"]`)

  it('with a broker paused, the topic list names that broker and shows the rest', async () => {
    await go(e.page, '/topics')
    await expect.poll(() => row(FLEET).locator('td[data-col="messages"]').textContent(), { timeout: 15_000 }).toBe('30')
    const meta = await admin.fetchTopicMetadata({ topics: [FLEET, BULK] })
    const bulkLeader = meta.topics.find((t) => t.name === BULK)!.partitions[0]!.leader
    const paused = meta.topics
      .find((t) => t.name === FLEET)!
      .partitions.map((p) => p.leader)
      .find((l) => l !== bulkLeader)!
    await faults(paused, { paused: true })
    try {
      const t0 = Date.now()
      await e.page.getByRole('button', { name: 'Refresh' }).click()
      const note = e.page.getByTestId('topics-unavailable')
      await note.waitFor({ timeout: 30_000 })
      console.log(`topic list with broker ${paused} paused: warning shown after ${Date.now() - t0} ms`)
      const text = (await note.textContent()) ?? ''
      expect(text).toContain(`broker ${paused}`)
      for (const other of [1, 2, 3].filter((b) => b !== paused)) expect(text).not.toContain(`broker ${other}`)
      // FLEET has a partition on the paused broker: its count is unknown, not silently smaller.
      expect(await row(FLEET).locator('td[data-col="messages"]').textContent()).toBe('—')
      expect(await row(BULK).locator('td[data-col="messages"]').textContent()).toBe('60,000')
      await e.shot('topics-broker-paused')
    } finally {
      await faults(paused, { paused: false })
    }
    await e.page.getByRole('button', { name: 'Refresh' }).click()
    await expect.poll(() => e.page.getByTestId('topics-unavailable').count(), { timeout: 20_000 }).toBe(0)
  })

  it('with every broker paused, the overview and the topic list keep their data marked stale with its time', async () => {
    await go(e.page, '/groups')
    await e.page.locator('tbody tr', { hasText: GROUP }).waitFor()
    expect((await e.page.getByTestId('as-of').textContent())!.trim()).toMatch(/^as of \d\d:\d\d:\d\d$/)
    await go(e.page, '/overview')
    await e.page.getByTestId('as-of').waitFor()
    await go(e.page, '/topics')
    await expect.poll(() => row(FLEET).locator('td[data-col="messages"]').textContent()).toBe('30')
    const before = (await e.page.getByTestId('as-of').textContent())!.trim()
    expect(before).toMatch(/^as of \d\d:\d\d:\d\d$/)
    for (const id of [1, 2, 3]) await faults(id, { paused: true })
    try {
      await e.page.getByRole('button', { name: 'Refresh' }).click()
      await e.page.locator('.inline-error').waitFor({ timeout: 40_000 })
      const err = (await e.page.locator('.inline-error').textContent()) ?? ''
      expect(err).toMatch(/broker \d/)
      expect(await e.page.getByTestId('as-of').getAttribute('data-stale')).toBe('true')
      expect((await e.page.getByTestId('as-of').textContent())!.trim()).toBe(`stale — ${before}`)
      expect(await row(FLEET).count()).toBe(1)
      await e.shot('topics-stale')
      await go(e.page, '/overview')
      await e.page.getByRole('button', { name: 'Refresh' }).click()
      await e.page.locator('.inline-error').waitFor({ timeout: 40_000 })
      expect(await e.page.getByTestId('as-of').getAttribute('data-stale')).toBe('true')
      expect((await e.page.getByTestId('as-of').textContent())!.trim()).toMatch(/^stale — as of \d\d:\d\d:\d\d$/)
    } finally {
      for (const id of [1, 2, 3]) await faults(id, { paused: false })
    }
  }, 120_000)

  it('with every broker paused, the group list and the group lag keep their numbers marked stale with its time', async () => {
    // FLEET holds 10 messages per partition and the group committed 5 on each: lag 15.
    await go(e.page, `/groups/${GROUP}`)
    const total = e.page.getByTestId('group-total-lag').locator('.value')
    await expect.poll(() => total.textContent(), { timeout: 20_000 }).toBe('15')
    const detailBefore = (await e.page.getByTestId('as-of').textContent())!.trim()
    expect(detailBefore).toMatch(/^as of \d\d:\d\d:\d\d$/)
    const lagCells = () => e.page.getByTestId('group-offsets').locator('tbody tr td:nth-child(6)').allTextContents()
    const lagsBefore = await lagCells()
    expect(lagsBefore).toEqual(['5', '5', '5'])

    await go(e.page, '/groups')
    const groupRow = e.page.getByTestId('groups-table').locator('tbody tr', { hasText: GROUP })
    await expect.poll(() => groupRow.locator('td:nth-child(5)').textContent(), { timeout: 20_000 }).toBe('15')
    const listBefore = (await e.page.getByTestId('as-of').textContent())!.trim()
    for (const id of [1, 2, 3]) await faults(id, { paused: true })
    const pausedAt = await e.page.evaluate(() => {
      const d = new Date()
      return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
    })
    /**
     * The stale mark keeps the time of the last refresh that worked: the one seen before, or a
     * timer's refresh that ended between that look and the pause (never a later time).
     */
    const expectStaleSince = async (before: string) => {
      expect(await e.page.getByTestId('as-of').getAttribute('data-stale')).toBe('true')
      const m = /^stale — as of (\d\d:\d\d:\d\d)$/.exec((await e.page.getByTestId('as-of').textContent())!.trim())
      expect(m).not.toBeNull()
      expect(m![1]! >= before.slice('as of '.length) && m![1]! <= pausedAt, `${m![1]} between ${before} and ${pausedAt}`).toBe(true)
    }
    try {
      const t0 = Date.now()
      await expect.poll(() => e.page.getByRole('button', { name: 'Refresh' }).isEnabled(), { timeout: 40_000 }).toBe(true)
      await e.page.getByRole('button', { name: 'Refresh' }).click()
      await e.page.locator('.inline-error').waitFor({ timeout: 40_000 })
      console.log(`group list with every broker paused: stale after ${Date.now() - t0} ms`)
      expect((await e.page.locator('.inline-error').textContent()) ?? '').toMatch(/broker 1, broker 2, broker 3 did not answer/)
      await expectStaleSince(listBefore)
      // The last known numbers, not an empty table or zeros.
      expect(await groupRow.locator('td:nth-child(5)').textContent()).toBe('15')
      await e.shot('groups-stale')

      // The group's page refreshes on opening: it keeps its lag and says how old it is.
      await go(e.page, `/groups/${GROUP}`)
      await e.page.locator('.inline-error').waitFor({ timeout: 40_000 })
      await expectStaleSince(detailBefore)
      expect(await total.textContent()).toBe('15')
      expect(await lagCells()).toEqual(lagsBefore)
      await e.shot('group-lag-stale')
    } finally {
      for (const id of [1, 2, 3]) await faults(id, { paused: false })
    }
    // Back to fresh numbers once the brokers answer again.
    await e.page.getByRole('button', { name: 'Refresh' }).click()
    await expect.poll(async () => e.page.getByTestId('as-of').getAttribute('data-stale'), { timeout: 60_000 }).toBe('false')
    expect(await total.textContent()).toBe('15')
  }, 180_000)

  it('a long read shows its progress and can be cancelled, keeping what was shown', async () => {
    const meta = await admin.fetchTopicMetadata({ topics: [BULK] })
    const leader = meta.topics[0]!.partitions[0]!.leader
    await go(e.page, `/topics/${BULK}/messages`)
    await expect.poll(() => e.page.getByTestId('messages-table').locator('tbody tr.clickable').count(), { timeout: 20_000 }).toBeGreaterThan(0)
    const firstBefore = await e.page.getByTestId('messages-table').locator('tbody tr.clickable td:nth-child(3)').first().textContent()
    // Each fetch from the leader now takes a while. Reads take up to 4 MiB per fetch, so 60,000
    // messages are only two or three fetches: each must be slow enough to click Cancel during one.
    await faults(leader, { latencyMs: 3000 })
    try {
      await e.page.getByTestId('read-mode').selectOption('earliest')
      await e.page.locator('label:has-text("Limit") input').fill(String(BULK_COUNT))
      await e.page.getByTestId('read-messages').click()
      const progress = e.page.getByTestId('operation-progress')
      await progress.waitFor()
      await expect.poll(async () => /Reading: [1-9][\d,]* of 60,000 messages/.test((await progress.textContent()) ?? ''), { timeout: 60_000 }).toBe(true)
      console.log(`read progress when cancelled: ${(await progress.textContent())?.trim()}`)
      await e.page.getByTestId('operation-cancel').click()
      await e.page.locator('.toast', { hasText: 'Read cancelled' }).waitFor({ timeout: 15_000 })
      await expect.poll(() => progress.count()).toBe(0)
      expect(await e.page.getByTestId('read-messages').isEnabled()).toBe(true)
      // What was on screen stays.
      expect(await e.page.getByTestId('messages-table').locator('tbody tr.clickable td:nth-child(3)').first().textContent()).toBe(firstBefore)
    } finally {
      await faults(leader, { latencyMs: 0 })
    }
  }, 90_000)

  it('the sidebar collapses to a rail and stays collapsed after a reload', async () => {
    const width = () => e.page.getByTestId('sidebar').evaluate((el) => el.getBoundingClientRect().width)
    expect(await width()).toBeGreaterThan(200)
    await e.page.getByTestId('sidebar-toggle').click()
    expect(await width()).toBeLessThan(80)
    await e.page.reload()
    await e.page.getByTestId('sidebar').waitFor()
    expect(await width()).toBeLessThan(80)
    expect(await e.page.getByTestId('sidebar').getByRole('link', { name: 'Topics', exact: true }).getAttribute('title')).toBe('Topics')
    await e.shot('sidebar-collapsed')
    await e.page.getByTestId('sidebar-toggle').click()
    expect(await width()).toBeGreaterThan(200)
  })

  it('throughput opens on the busiest topic, not the first idle one, and returns to the last one shown', async () => {
    await go(e.page, '/topics')
    await expect.poll(() => row(BULK).locator('td[data-col="messages"]').textContent(), { timeout: 20_000 }).toBe('60,000')
    await go(e.page, '/throughput')
    await expect.poll(() => e.page.getByTestId('throughput-topic').inputValue(), { timeout: 15_000 }).toBe(BULK)
    await e.page.getByTestId('throughput-topic').selectOption(FLEET)
    await go(e.page, '/topics')
    await go(e.page, '/throughput')
    await expect.poll(() => e.page.getByTestId('throughput-topic').inputValue()).toBe(FLEET)
  })

  it('raised no page errors', () => {
    // A refused request while brokers were paused is reported in the page, not thrown.
    expect(e.pageErrors.filter((m) => !/Failed to load resource/.test(m))).toEqual([])
  })
})
