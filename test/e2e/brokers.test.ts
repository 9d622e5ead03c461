// End-to-end: the embedded cluster's broker cards (Connections) in headless Chromium against the
// real web mode with 3 broker processes. Each card shows its broker's PID; the Kill dialog names
// the process and says what happens to the leaderships it holds, as the controller will do it;
// after the kill the card shows the broker killed with no process, and Start brings a new one.
// Isolate (Faults) cuts a broker off: it drops out of every ISR, and rejoins when healed. The
// Overview's brokers table shows the same PIDs and states.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { Kafka, logLevel } from 'kafkajs'
import { go, startE2E, type E2E } from './harness'
import { alive } from '../helpers/pid'

describe('broker cards of the embedded cluster (real broker processes, headless Chromium)', () => {
  let e: E2E
  let page: Page

  beforeAll(async () => {
    e = await startE2E({ brokers: 3 })
    page = e.page
  }, 120_000)

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && e) await e.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await e?.close()
  })

  const pidOf = async (id: number) => Number(/pid (\d+)/.exec((await page.getByTestId(`broker-${id}-pid`).textContent()) ?? '')?.[1])

  it('shows every broker running with the PID of its own live process', async () => {
    await go(page, '/connections')
    for (const id of [1, 2, 3]) {
      await expect.poll(() => page.getByTestId(`broker-${id}-state`).textContent()).toBe('running')
      const pid = await pidOf(id)
      expect(pid).toBeGreaterThan(0)
      expect(pid).not.toBe(process.pid)
      expect(alive(pid)).toBe(true)
    }
    expect(new Set([await pidOf(1), await pidOf(2), await pidOf(3)]).size).toBe(3)
    // The Overview's brokers table shows the same processes.
    const pid1 = await pidOf(1)
    await go(page, '/overview')
    await expect.poll(() => page.getByTestId('overview-process-1').textContent()).toMatch(new RegExp(`${pid1}\\s*running`))
    await go(page, '/connections')
  })

  it('kills a broker from its card: the dialog tells what happens to its leaderships, the card shows it killed, Start brings a new process', async () => {
    const admin = new Kafka({ clientId: 'e2e-brokers', brokers: e.bootstrap.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    let partitions: { leader: number; isr: number[] }[]
    try {
      await admin.createTopics({ topics: [{ topic: 'cards', numPartitions: 6, replicationFactor: 3 }], waitForLeaders: true })
      // Let followers catch up, so the ISR read here is the one the dialog is computed from.
      const t0 = Date.now()
      do {
        partitions = (await admin.fetchTopicMetadata({ topics: ['cards'] })).topics[0]!.partitions
        if (partitions.every((p) => p.isr.length === 3)) break
        await new Promise((r) => setTimeout(r, 300))
      } while (Date.now() - t0 < 10_000)
    } finally {
      await admin.disconnect()
    }
    const led = partitions.filter((p) => p.leader === 2)
    const movable = led.filter((p) => p.isr.some((r) => r !== 2)).length
    expect(led.length).toBeGreaterThan(0)
    // The card refreshes with the controller's changes; give it the topic's leaderships.
    await expect.poll(() => page.getByTestId('broker-2-pid').textContent(), { timeout: 10_000 }).toContain(`leader of ${led.length}`)

    const pid = await pidOf(2)
    await page.getByTestId('broker-2').getByRole('button', { name: 'Kill' }).click()
    const message = (await page.locator('.confirm-message').textContent()) ?? ''
    expect(message).toContain(`Its process (pid ${pid}) is killed with SIGKILL`)
    if (movable === led.length)
      expect(message).toContain(`The leaders of the ${led.length} partition${led.length === 1 ? '' : 's'} it leads move at once to other in-sync replicas.`)
    else if (movable === 0) expect(message).toContain('has another in-sync replica: they go offline')
    else expect(message).toContain(`${movable} get a new leader at once`)
    await e.shot('broker-kill-dialog')
    await page.getByTestId('confirm-ok').click()

    await expect.poll(() => page.getByTestId('broker-2-state').textContent(), { timeout: 15_000 }).toBe('killed')
    expect(await page.getByTestId('broker-2-pid').textContent()).toContain('no process')
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false)
    await e.shot('broker-killed')
    await go(page, '/overview')
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect.poll(() => page.getByTestId('overview-process-2').textContent(), { timeout: 10_000 }).toContain('killed')
    await e.shot('overview-broker-killed')
    await go(page, '/connections')

    await page.getByTestId('broker-2').getByRole('button', { name: 'Start' }).click()
    await expect.poll(() => page.getByTestId('broker-2-state').textContent(), { timeout: 30_000 }).toBe('running')
    const again = await pidOf(2)
    expect(again).not.toBe(pid)
    expect(alive(again)).toBe(true)
    expect(e.pageErrors).toEqual([])
  }, 90_000)

  it('isolates a broker from its Faults panel: it drops out of every ISR while serving clients, and rejoins when healed', async () => {
    const isr = async () => {
      const admin = new Kafka({ clientId: 'e2e-brokers', brokers: [e.bootstrap.split(',')[0]!], logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      try {
        return (await admin.fetchTopicMetadata({ topics: ['cards'] })).topics[0]!.partitions.map((p) => p.isr)
      } finally {
        await admin.disconnect()
      }
    }
    const card = page.getByTestId('broker-3')
    await card.locator('summary', { hasText: 'Faults' }).click()
    await page.getByTestId('faults-isolate-3').click()
    await expect.poll(() => page.getByTestId('broker-3-state').textContent(), { timeout: 10_000 }).toBe('isolated')
    await expect.poll(async () => (await isr()).every((r) => !r.includes(3)), { timeout: 20_000 }).toBe(true)
    await expect.poll(() => page.getByTestId('broker-3-pid').textContent(), { timeout: 10_000 }).toContain('leader of 0')
    await e.shot('broker-isolated')
    await page.getByTestId('faults-isolate-3').click()
    await expect.poll(() => page.getByTestId('broker-3-state').textContent(), { timeout: 15_000 }).toBe('running')
    await expect.poll(async () => (await isr()).every((r) => r.includes(3)), { timeout: 30_000 }).toBe(true)
    expect(e.pageErrors).toEqual([])
  }, 90_000)
})
