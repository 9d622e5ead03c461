// End-to-end: a group's page lists the partitions it never committed (and says what the lag
// total covers), "reset to earliest" covers them, and a CSV reset shows every line it cannot
// apply and refuses to execute instead of dropping them; executing a reset shows its steps and
// can be cancelled before it commits.
import kafkajs from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/ipc/contract'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs
const TOPIC = 'car-gps'
const GROUP = 'stopped-tracker'

describe('group lag and offset resets tell the whole truth', () => {
  let e: E2E

  beforeAll(async () => {
    e = await startE2E()
    const kafka = new Kafka({ clientId: 'e2e-group-truth', brokers: [e.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4, replicationFactor: 1 }], waitForLeaders: true })
    const producer = kafka.producer()
    await producer.connect()
    // 25 messages on each partition.
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: 100 }, (_, i) => ({ partition: i % 4, key: `car-${i}`, value: JSON.stringify({ i }) })),
    })
    await producer.disconnect()
    // The group committed two of the four partitions.
    await admin.setOffsets({
      groupId: GROUP,
      topic: TOPIC,
      partitions: [
        { partition: 0, offset: '20' },
        { partition: 1, offset: '15' },
      ],
    })
    await admin.disconnect()
  })

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && e) await e.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await e?.close()
  })

  const rowsOf = (testId: string) =>
    e.page
      .getByTestId(testId)
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')))

  it('lists every partition of the topic, marks the uncommitted ones, and says what the total covers', async () => {
    await go(e.page, `/groups/${GROUP}`)
    await e.page.getByTestId('group-offsets').waitFor()
    const rows = await rowsOf('group-offsets')
    expect(rows.map((r) => [r[1], r[2], r[5]])).toEqual([
      ['0', '20', '5'],
      ['1', '15', '10'],
      ['2', 'not committed', '—'],
      ['3', 'not committed', '—'],
    ])
    expect(await e.page.getByTestId('group-total-lag').textContent()).toMatch(/15\s*on 2 committed partition/)
    const unc = (await e.page.getByTestId('group-uncommitted').textContent()) ?? ''
    expect(unc).toMatch(/Partitions never committed\s*2/)
    expect(unc).toContain('50 messages')
    await e.shot('group-uncommitted')
  })

  it('previews "earliest" over every partition, committed or not', async () => {
    await e.page.getByTestId('reset-offsets').click()
    await e.page.getByTestId('reset-mode-earliest').check()
    await e.page.getByTestId('reset-preview-btn').click()
    await e.page.getByTestId('reset-preview').waitFor()
    const rows = await rowsOf('reset-preview')
    expect(rows.map((r) => [r[1], r[4], r[6]])).toEqual([
      ['0', '20', '0'],
      ['1', '15', '0'],
      ['2', '—', '0'],
      ['3', '—', '0'],
    ])
    await e.page.getByRole('button', { name: '← Back' }).click()
  })

  it('shows the CSV lines it cannot apply and blocks execution', async () => {
    await e.page.getByTestId('reset-mode-file').check()
    await e.page.locator('.modal textarea').fill(`${TOPIC},2,3\n${TOPIC},9,1\nno-such-topic,0,4\n`)
    await e.page.getByTestId('reset-preview-btn').click()
    await e.page.getByTestId('reset-problems').waitFor()
    const problems = await rowsOf('reset-problems')
    expect(problems).toEqual([
      ['2', `${TOPIC},9,1`, `partition 9 of ${TOPIC} does not exist (the topic has 4 partitions)`],
      ['3', 'no-such-topic,0,4', 'topic no-such-topic does not exist'],
    ])
    // The applicable line is previewed (a partition without a commit is not dropped) …
    expect((await rowsOf('reset-preview')).map((r) => [r[1], r[4], r[6]])).toEqual([['2', '—', '3']])
    // … but nothing can be executed until the file is fixed.
    expect(await e.page.getByTestId('reset-execute').isDisabled()).toBe(true)
    expect(await e.page.getByTestId('reset-refused').textContent()).toContain('2 lines of the CSV cannot be applied')
    await e.shot('reset-csv-problems')
    await e.page.keyboard.press('Escape')
  })

  it('executing a reset shows its steps, and Cancel stops it before anything is committed', async () => {
    const ctx = { sink: { emit: () => {} }, clientId: 'e2e-group-truth' }
    const latency = async (ms: number) =>
      expect((await dispatch(e.serve.console.handlers, 'embedded.broker.faults', { nodeId: 1, latencyMs: ms }, ctx)).ok).toBe(true)
    await e.page.getByTestId('reset-offsets').click()
    await e.page.getByTestId('reset-mode-earliest').check()
    await e.page.getByTestId('reset-preview-btn').click()
    await e.page.getByTestId('reset-preview').waitFor()
    // Every answer of the broker now takes 2 s: the reset's look-ups take several.
    await latency(2000)
    try {
      await e.page.getByTestId('reset-execute').click()
      await e.page.getByTestId('confirm-ok').click()
      const progress = e.page.getByTestId('reset-progress')
      await progress.waitFor({ timeout: 20_000 })
      expect(await progress.textContent()).toMatch(/Resetting: step \d+ of/)
      await e.shot('reset-progress')
      await e.page.getByTestId('reset-cancel').click()
      await e.page.locator('.toast', { hasText: 'Reset cancelled' }).waitFor({ timeout: 30_000 })
      await progress.waitFor({ state: 'detached' })
    } finally {
      await latency(0)
    }
    await e.page.keyboard.press('Escape')
    // Nothing was committed: the group still has its two offsets and two uncommitted partitions.
    await e.page.getByRole('button', { name: 'Refresh' }).click()
    await expect.poll(async () => (await rowsOf('group-offsets')).map((r) => r[2]), { timeout: 20_000 }).toEqual(['20', '15', 'not committed', 'not committed'])
  }, 90_000)

  it('raised no page errors', () => {
    expect(e.pageErrors).toEqual([])
  })
})
