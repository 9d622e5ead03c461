// End-to-end: the main views at 1024×700 and 1920×1080, light and dark. Nothing scrolls
// sideways at 1024 px; screenshots go to a temp dir (printed) to be looked at, not committed.
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import kafkajs from 'kafkajs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs
const TOPIC = 'layout-orders'
const GROUP = 'layout-billing'
const dir = join(tmpdir(), 'kafkadesk-layout-shots')

const VIEWS: { name: string; path: string; ready: (p: Page) => Promise<unknown> }[] = [
  { name: 'overview', path: '/overview', ready: (p) => p.getByTestId('stat-brokers').waitFor() },
  { name: 'topics', path: '/topics', ready: (p) => p.getByTestId('topics-table').waitFor() },
  {
    name: 'messages',
    path: `/topics/${TOPIC}/messages`,
    ready: async (p) => {
      await p.getByTestId('messages-table').locator('tbody tr.clickable').first().click()
      await p.getByTestId('message-detail').waitFor()
    },
  },
  { name: 'group', path: `/groups/${GROUP}`, ready: (p) => p.getByTestId('group-offsets').waitFor() },
  { name: 'connections', path: '/connections', ready: (p) => p.getByTestId('add-connection').waitFor() },
]

describe('layouts at 1024 and 1920 px, light and dark', () => {
  let e: E2E

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true })
    e = await startE2E()
    const kafka = new Kafka({ clientId: 'e2e-layouts', brokers: [e.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })
    const producer = kafka.producer()
    await producer.connect()
    const long = 'x'.repeat(2000)
    await producer.send({
      topic: TOPIC,
      messages: [
        ...Array.from({ length: 30 }, (_, i) => ({
          key: `customer-${i}`,
          value: JSON.stringify({ order: i, items: [{ sku: 'kafka-book', qty: 2 }], note: i === 3 ? long : 'ok' }),
          headers: { source: 'layout' },
        })),
        { key: 'binary', value: Buffer.from(Array.from({ length: 600 }, (_, i) => i % 256)) },
      ],
    })
    await producer.disconnect()
    await admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: [{ partition: 0, offset: '2' }] })
    await admin.disconnect()
  })

  afterAll(async () => {
    console.log(`layout screenshots in ${dir}`)
    await e?.close()
  })

  for (const size of [
    { width: 1024, height: 700 },
    { width: 1920, height: 1080 },
  ])
    for (const scheme of ['light', 'dark'] as const)
      it(`${size.width}×${size.height} ${scheme}: no sideways scrolling`, async () => {
        const ctx = await e.browser.newContext({ viewport: size, colorScheme: scheme })
        try {
          const page = await ctx.newPage()
          await page.goto(e.serve.web.url)
          for (const v of VIEWS) {
            await go(page, v.path)
            await v.ready(page)
            await page.waitForTimeout(300) // charts settle
            await page.screenshot({ path: join(dir, `${v.name}-${size.width}-${scheme}.png`) })
            const overflow = await page.evaluate(() => {
              const main = document.querySelector('.main') as HTMLElement
              return { main: main.scrollWidth - main.clientWidth, doc: document.documentElement.scrollWidth - window.innerWidth }
            })
            expect({ view: v.name, ...overflow }).toEqual({ view: v.name, main: 0, doc: 0 })
          }
        } finally {
          await ctx.close()
        }
      })
})
