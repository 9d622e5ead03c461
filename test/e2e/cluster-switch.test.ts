// End-to-end: switching the cluster in the sidebar never leaves the previous cluster's topic,
// messages or group on screen. A second, separate cluster (its own brokers and data) is the
// "remote" connection; the topic and group exist only on the embedded one.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import kafkajs from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedCluster } from '../../src-main/broker/cluster'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs
const TOPIC = 'only-on-embedded'
const GROUP = 'only-on-embedded-group'

describe('cluster switch in the sidebar', () => {
  let e: E2E
  let other: EmbeddedCluster
  let otherDir: string

  beforeAll(async () => {
    e = await startE2E()
    otherDir = mkdtempSync(join(tmpdir(), 'kafkadesk-e2e-other-'))
    other = new EmbeddedCluster({ brokers: 1, port: 0, dataDir: otherDir })
    await other.start()
    const kafka = new Kafka({ clientId: 'e2e-switch', brokers: [e.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `embedded-value-${i}` })) })
    await producer.disconnect()
    await admin.setOffsets({
      groupId: GROUP,
      topic: TOPIC,
      partitions: [
        { partition: 0, offset: '1' },
        { partition: 1, offset: '1' },
      ],
    })
    await admin.disconnect()
    // The second cluster as a saved connection.
    await go(e.page, '/connections')
    await e.page.getByTestId('add-connection').click()
    await e.page.getByTestId('conn-name').fill('other-cluster')
    await e.page.getByTestId('conn-bootstrap').fill(other.bootstrap())
    await e.page.getByTestId('conn-save').click()
    await e.page.getByTestId('test-result').waitFor({ timeout: 20_000 })
  })

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && e) await e.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await e?.close()
    await other?.stop().catch(() => {})
    if (otherDir) rmSync(otherDir, { recursive: true, force: true })
  })

  const useCluster = (label: string) => e.page.getByTestId('active-connection').selectOption({ label })

  it('the topic page of the previous cluster goes: no messages, no badges, an error naming the topic', async () => {
    await e.page.getByTestId('active-connection').selectOption({ label: 'Embedded (running)' })
    await go(e.page, `/topics/${TOPIC}/messages`)
    const rows = e.page.getByTestId('messages-table').locator('tbody tr', { hasText: 'embedded-value-' })
    await rows.first().waitFor()
    await useCluster('other-cluster')
    await e.page
      .locator('.inline-error', { hasText: `topic ${TOPIC} does not exist` })
      .first()
      .waitFor()
    expect(await e.page.getByText('embedded-value-').count()).toBe(0)
    expect(await e.page.locator('.page-head .badge', { hasText: 'partitions' }).count()).toBe(0)
  })

  it('the group page of the previous cluster goes: Reset and Delete disabled, no offsets', async () => {
    await e.page.getByTestId('active-connection').selectOption({ label: 'Embedded (running)' })
    await go(e.page, `/groups/${GROUP}`)
    await e.page.getByTestId('group-offsets').locator('tbody tr', { hasText: TOPIC }).first().waitFor()
    await useCluster('other-cluster')
    await e.page.locator('.inline-error').first().waitFor()
    expect(await e.page.getByTestId('group-offsets').count()).toBe(0)
    expect(await e.page.getByTestId('reset-offsets').isDisabled()).toBe(true)
    expect(await e.page.getByRole('button', { name: 'Delete group' }).isDisabled()).toBe(true)
  })

  it('the topic list shows only the selected cluster', async () => {
    await e.page.getByTestId('active-connection').selectOption({ label: 'Embedded (running)' })
    await go(e.page, '/topics')
    await e.page.getByTestId('topics-table').locator('tbody tr', { hasText: TOPIC }).waitFor()
    await useCluster('other-cluster')
    await expect.poll(() => e.page.getByTestId('topics-table').locator('tbody tr', { hasText: TOPIC }).count()).toBe(0)
  })
})
