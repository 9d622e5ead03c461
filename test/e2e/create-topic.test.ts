// End-to-end: the create-topic dialog tells the truth — a typed replication factor works, the
// broker's refusals arrive as Kafka's error name and message in the dialog (which stays usable),
// and the success toast names the replication factor the topic really got.
import kafkajs from 'kafkajs'
import type { Admin } from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs

describe('create-topic dialog on a 3-broker cluster', () => {
  let e: E2E
  let admin: Admin

  beforeAll(async () => {
    e = await startE2E({ brokers: 3 })
    admin = new Kafka({ clientId: 'e2e-create', brokers: e.bootstrap.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
  })

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && e) await e.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await admin?.disconnect().catch(() => {})
    await e?.close()
  })

  const open = async () => {
    await go(e.page, '/topics')
    await e.page.getByTestId('create-topic').click()
  }
  const dialogError = () => e.page.locator('.modal').locator('.field-error, .inline-error').allTextContents()

  it('creates a topic with a typed replication factor and names it in the toast', async () => {
    await open()
    await e.page.getByTestId('topic-name').fill('typed-rf')
    await e.page.getByTestId('topic-partitions').fill('2')
    await e.page.getByTestId('topic-rf').fill('2')
    await e.page.getByTestId('topic-create-submit').click()
    await e.page.locator('.toast', { hasText: 'Created topic typed-rf' }).waitFor()
    expect(await e.page.locator('.toast', { hasText: 'Created topic typed-rf' }).textContent()).toContain('replication factor 2')
    const meta = await admin.fetchTopicMetadata({ topics: ['typed-rf'] })
    expect(meta.topics[0]!.partitions.map((p) => p.replicas.length)).toEqual([2, 2])
  })

  it('with the broker default replication factor, the toast says the factor the broker chose', async () => {
    await open()
    await e.page.getByTestId('topic-name').fill('default-rf')
    await e.page.getByTestId('topic-create-submit').click()
    const toast = e.page.locator('.toast', { hasText: 'Created topic default-rf' })
    await toast.waitFor()
    const meta = await admin.fetchTopicMetadata({ topics: ['default-rf'] })
    const rf = meta.topics[0]!.partitions[0]!.replicas.length
    expect(await toast.textContent()).toContain(`replication factor ${rf}`)
    expect(await toast.textContent()).not.toContain('-1')
  })

  it("shows the broker's refusal of RF 5 on 3 brokers by Kafka's error name, keeps the dialog usable", async () => {
    await open()
    await e.page.getByTestId('topic-name').fill('too-many-replicas')
    await e.page.getByTestId('topic-rf').fill('5')
    await e.page.getByTestId('topic-create-submit').click()
    await expect.poll(dialogError, { timeout: 15_000 }).toContainEqual(expect.stringContaining('INVALID_REPLICATION_FACTOR'))
    expect((await dialogError()).join(' ')).not.toContain('INTERNAL')
    expect((await dialogError()).join(' ')).toMatch(/replication factor/i)
    expect(await e.page.locator('.modal').isVisible()).toBe(true)
    // Fixing the value and pressing Create again works.
    await e.page.getByTestId('topic-rf').fill('3')
    await e.page.getByTestId('topic-create-submit').click()
    await e.page.locator('.toast', { hasText: 'Created topic too-many-replicas' }).waitFor()
    expect(await e.page.locator('.modal').count()).toBe(0)
  })

  it("shows a bad config value as the broker's INVALID_CONFIG with its message", async () => {
    await open()
    await e.page.getByTestId('topic-name').fill('bad-config')
    await e.page.getByRole('button', { name: 'Add config' }).click()
    await e.page.getByLabel('Config 1 name').fill('cleanup.policy')
    await e.page.getByLabel('Config 1 value').fill('sometimes')
    await e.page.getByTestId('topic-create-submit').click()
    await expect.poll(dialogError, { timeout: 15_000 }).toContainEqual(expect.stringContaining('INVALID_CONFIG'))
    expect((await dialogError()).join(' ')).toContain('sometimes')
    expect(await e.page.getByTestId('topic-create-submit').isDisabled()).toBe(false)
    await e.page.keyboard.press('Escape')
    const topics = await admin.listTopics()
    expect(topics).not.toContain('bad-config')
  })

  it('refuses a partition count above what the broker accepts, before sending', async () => {
    await open()
    await e.page.getByTestId('topic-name').fill('huge')
    await e.page.getByTestId('topic-partitions').fill('200000')
    await e.page.getByTestId('topic-create-submit').click()
    await expect.poll(dialogError).toContainEqual(expect.stringMatching(/Partitions must be at most/))
    await e.page.keyboard.press('Escape')
  })

  it('raised no page errors', () => {
    expect(e.pageErrors).toEqual([])
  })
})
