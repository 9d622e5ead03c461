// End-to-end: topic config editing (diff → apply, and a rejected value), remote connections
// (a good one and a closed port, with their diagnosis), Overview and Throughput with real data,
// and the same screens in dark mode.
import { createServer } from 'node:net'
import kafkajs from 'kafkajs'
import type { Admin, Kafka as KafkaClient, Producer } from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs
const METRICS = 'e2e-metrics'
const CFG = 'e2e-settings'

/** A localhost port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

describe('configs, connections, overview and throughput in the UI', () => {
  let e: E2E
  let kafka: KafkaClient
  let admin: Admin
  let producer: Producer

  const produce = (n: number) =>
    producer.send({
      topic: METRICS,
      messages: Array.from({ length: n }, (_, i) => ({ key: `sensor-${i % 5}`, value: JSON.stringify({ i, reading: i * 1.5, unit: 'kPa' }) })),
    })

  /** The rows of a table as arrays of trimmed cell texts. */
  const rowsOf = (testId: string) =>
    e.page
      .getByTestId(testId)
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')))

  beforeAll(async () => {
    e = await startE2E()
    kafka = new Kafka({ clientId: 'e2e-flows', brokers: [e.bootstrap], logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        { topic: METRICS, numPartitions: 3, replicationFactor: 1 },
        { topic: CFG, numPartitions: 1, replicationFactor: 1 },
      ],
      waitForLeaders: true,
    })
    producer = kafka.producer()
    await producer.connect()
    await produce(200)
  })

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && e) await e.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await producer?.disconnect().catch(() => {})
    await admin?.disconnect().catch(() => {})
    await e?.close()
  })

  it('starts charting throughput of a topic', async () => {
    // Sampling of a topic starts when it is first charted (every 10 s); the later test looks
    // at the chart once samples have been taken.
    await go(e.page, '/throughput')
    await e.page.getByTestId('throughput-topic').selectOption(METRICS)
    await e.page.locator('.empty-title', { hasText: 'Collecting samples' }).waitFor()
    await produce(300)
  })

  it('edits retention.ms on a topic: diff, apply, and the new value with its source', async () => {
    await go(e.page, `/topics/${CFG}/configs`)
    const row = e.page.getByTestId('configs-table').locator('tbody tr', { has: e.page.getByRole('button', { name: 'retention.ms', exact: true }) })
    await row.waitFor()
    expect(await row.locator('td').nth(3).textContent()).toContain('default')
    await e.page.getByTestId('config-edit').click()
    await e.page.getByLabel('Value of retention.ms', { exact: true }).fill('3600000')
    await e.page.getByTestId('config-review').click()
    const diff = e.page.getByTestId('config-diff')
    await diff.waitFor()
    expect(await rowsOf('config-diff')).toEqual([['retention.ms', expect.stringContaining('604800000'), '3600000']])
    await e.page.locator('.modal .note.good').waitFor()
    await e.shot('config-diff')
    await e.page.getByTestId('config-apply').click()
    await diff.waitFor({ state: 'detached' })
    await expect.poll(() => row.locator('td').nth(1).textContent()).toContain('3600000')
    expect(await row.locator('td').nth(1).textContent()).toContain('(1 h)')
    expect(await row.locator('td').nth(3).textContent()).toMatch(/topic/)
    expect(await row.locator('td').nth(3).textContent()).toMatch(/dynamic/)
    // "only overrides" shows just the change.
    await e.page.getByLabel('only overrides').check()
    await expect.poll(() => rowsOf('configs-table').then((rs) => rs.map((r) => r[0]))).toEqual(['retention.ms'])
    await e.shot('config-applied')
    await e.page.getByLabel('only overrides').uncheck()
    // And the broker reports the same.
    const described = await admin.describeConfigs({ resources: [{ type: 2, name: CFG, configNames: ['retention.ms'] }], includeSynonyms: false })
    expect(described.resources[0]!.configEntries[0]!.configValue).toBe('3600000')
  })

  it('shows a clear error for an invalid value and changes nothing', async () => {
    await e.page.getByTestId('config-edit').click()
    await e.page.getByLabel('Value of retention.ms', { exact: true }).fill('one hour')
    await e.page.getByTestId('config-review').click()
    const rejected = e.page.locator('.modal .note.danger')
    await rejected.waitFor()
    const msg = (await rejected.textContent()) ?? ''
    expect(msg).toContain('retention.ms')
    expect(msg.length).toBeGreaterThan(30)
    expect(await e.page.getByTestId('config-apply').isDisabled()).toBe(true)
    await e.shot('config-invalid')
    await e.page.getByRole('button', { name: 'Back' }).click()
    await e.page.getByRole('button', { name: 'Cancel' }).click()
    const row = e.page.getByTestId('configs-table').locator('tbody tr', { has: e.page.getByRole('button', { name: 'retention.ms', exact: true }) })
    expect(await row.locator('td').nth(1).textContent()).toContain('3600000')
    const described = await admin.describeConfigs({ resources: [{ type: 2, name: CFG, configNames: ['retention.ms'] }], includeSynonyms: false })
    expect(described.resources[0]!.configEntries[0]!.configValue).toBe('3600000')
  })

  it('warns in the review when min.insync.replicas exceeds the replication factor', async () => {
    await go(e.page, `/topics/${CFG}/configs`)
    await e.page.getByTestId('config-edit').click()
    await e.page.getByLabel('Value of min.insync.replicas', { exact: true }).fill('5')
    await e.page.getByTestId('config-review').click()
    const warning = e.page.getByTestId('config-warning')
    await warning.waitFor()
    expect(await warning.textContent()).toContain("min.insync.replicas=5 is larger than the topic's replication factor 1")
    await e.page.getByRole('button', { name: 'Back' }).click()
    await e.page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('adds a remote connection to the embedded broker and its test passes', async () => {
    await go(e.page, '/connections')
    await e.page.getByTestId('add-connection').click()
    await e.page.getByTestId('conn-name').fill('local-bootstrap')
    await e.page.getByTestId('conn-bootstrap').fill(e.bootstrap)
    await e.page.getByTestId('conn-save').click()
    // Saving runs the connection test; its result shows under the connection.
    const result = e.page.getByTestId('test-result')
    await result.waitFor({ timeout: 20_000 })
    const text = (await result.textContent()) ?? ''
    expect(text).toContain('Connected')
    expect(text).toMatch(/broker \d+ at .* — reachable/)
    await e.shot('connection-ok')
  })

  it('uses the remote connection: the overview shows that cluster', async () => {
    await e.page.locator('tbody tr', { hasText: 'local-bootstrap' }).getByRole('button', { name: 'Use' }).click()
    await e.page.getByTestId('stat-brokers').waitFor()
    expect(await e.page.getByTestId('active-connection').locator('option:checked').textContent()).toBe('local-bootstrap')
    expect(await e.page.getByTestId('stat-brokers').textContent()).toBe('1')
    await go(e.page, '/topics')
    await e.page.getByTestId('topics-table').locator('tbody tr', { hasText: METRICS }).waitFor()
    await e.page.getByTestId('active-connection').selectOption({ label: 'Embedded (running)' })
    await go(e.page, '/connections')
  })

  it('diagnoses a closed port as unreachable with a clear message', async () => {
    const port = await closedPort()
    await e.page.getByTestId('add-connection').click()
    await e.page.getByTestId('conn-name').fill('nobody-home')
    await e.page.getByTestId('conn-bootstrap').fill(`127.0.0.1:${port}`)
    await e.page.getByTestId('conn-test').click()
    const result = e.page.locator('.modal').getByTestId('test-result')
    await result.waitFor({ timeout: 20_000 })
    const text = (await result.textContent()) ?? ''
    expect(text).toContain('Unreachable')
    expect(text).toContain(`127.0.0.1:${port}`)
    await e.shot('connection-unreachable')
    // The result was about that address: editing it leaves no stale verdict on screen.
    await e.page.getByTestId('conn-bootstrap').fill('not an address')
    expect(await e.page.locator('.modal').getByTestId('test-result').count()).toBe(0)
    await e.page.locator('.modal').getByRole('button', { name: 'Cancel' }).click()
  })

  it('injects latency into the embedded broker and lifts it again', async () => {
    await go(e.page, '/connections')
    const broker = e.page.getByTestId('broker-1')
    await broker.locator('summary').click()
    await e.page.getByTestId('faults-latency-1').fill('400')
    await broker.getByRole('button', { name: 'Apply' }).click()
    await broker.locator('.badge', { hasText: 'active' }).waitFor({ timeout: 10_000 })
    // A real client now waits at least the injected latency for an answer from that broker.
    const t0 = performance.now()
    await admin.fetchTopicMetadata({ topics: [METRICS] })
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390)
    await e.shot('broker-faults')
    await e.page.getByTestId('faults-latency-1').fill('0')
    await broker.getByRole('button', { name: 'Apply' }).click()
    await broker.locator('.badge', { hasText: 'active' }).waitFor({ state: 'detached', timeout: 10_000 })
    const t1 = performance.now()
    await admin.fetchTopicMetadata({ topics: [METRICS] })
    expect(performance.now() - t1).toBeLessThan(390)
  })

  it('lists the clients talking to the embedded cluster', async () => {
    await go(e.page, '/connections')
    const activity = e.page.getByTestId('client-activity')
    await activity.locator('summary').click()
    // This test's own kafkajs client, with the APIs it used.
    const row = activity.locator('tbody tr', { hasText: 'e2e-flows' }).first()
    await row.waitFor({ timeout: 10_000 })
    expect(await row.textContent()).toMatch(/Metadata \d+/)
    await e.shot('client-activity')
  })

  it('renders the overview with its per-broker chart', async () => {
    await go(e.page, '/overview')
    await e.page.getByTestId('stat-brokers').waitFor()
    await e.page.locator('.chart canvas').waitFor()
    const stats = await e.page.locator('.stat').allTextContents()
    expect(stats.find((s) => s.startsWith('Topics'))).toMatch(/^Topics2/)
    expect(stats.find((s) => s.startsWith('Partitions'))).toMatch(/^Partitions4\b/)
    await e.page.waitForTimeout(400)
    await e.shot('flows-overview')
  })

  it('charts messages and bytes in per second once samples exist', async () => {
    await go(e.page, '/throughput')
    await e.page.getByTestId('throughput-topic').selectOption(METRICS)
    await expect.poll(() => e.page.locator('.chart canvas').count(), { timeout: 30_000, interval: 1000 }).toBe(2)
    await e.page.waitForTimeout(400)
    await e.shot('throughput')
    // Per partition: one series per partition, from the samples already taken.
    await e.page.getByLabel('per partition').check()
    await e.page.locator('.chart canvas').first().waitFor()
    await e.page.waitForTimeout(600)
    await e.shot('throughput-partitions')
    await e.page.getByLabel('per partition').uncheck()
  })

  it('is readable in dark mode', async () => {
    await e.page.emulateMedia({ colorScheme: 'dark' })
    const colors = await e.page.evaluate(() => {
      const cs = getComputedStyle(document.body)
      return { bg: cs.backgroundColor, fg: cs.color }
    })
    const lum = (c: string) => {
      const [r, g, b] = (c.match(/\d+/g) ?? [])
        .map(Number)
        .map((v) => v / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
    }
    const [hi, lo] = [lum(colors.fg), lum(colors.bg)].sort((a, b) => b - a)
    expect(lum(colors.bg)).toBeLessThan(0.05)
    expect((hi! + 0.05) / (lo! + 0.05)).toBeGreaterThan(7)
    await e.page.waitForTimeout(400)
    await e.shot('dark-throughput')
    await go(e.page, '/overview')
    await e.page.locator('.chart canvas').waitFor()
    await e.page.waitForTimeout(400)
    await e.shot('dark-overview')
    await go(e.page, `/topics/${CFG}/configs`)
    await e.page.getByTestId('configs-table').waitFor()
    await e.shot('dark-configs')
    await go(e.page, '/connections')
    await e.page.locator('tbody tr', { hasText: 'local-bootstrap' }).waitFor()
    await e.shot('dark-connections')
    await e.page.emulateMedia({ colorScheme: 'light' })
  })

  it('raised no page errors', () => {
    expect(e.pageErrors).toEqual([])
  })
})
