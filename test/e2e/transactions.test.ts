// End-to-end: the message browser's isolation option and transaction-marker toggle over a topic
// with a committed and an aborted transaction, and the Transactions page listing an open
// transaction and aborting it after the confirm dialog.
import kafkajs from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs
const TOPIC = 'txn-browser'
const OPEN_TOPIC = 'txn-open'
const OPEN_ID = 'e2e-open-txn'

describe('transactions in the console', () => {
  let e: E2E
  let kafka: InstanceType<typeof Kafka>
  let openProducer: kafkajs.Producer | undefined

  beforeAll(async () => {
    e = await startE2E()
    kafka = new Kafka({ clientId: 'e2e-txn', brokers: [e.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        { topic: TOPIC, numPartitions: 1 },
        { topic: OPEN_TOPIC, numPartitions: 1 },
      ],
      waitForLeaders: true,
    })
    await admin.disconnect()
    const producer = kafka.producer({ transactionalId: 'e2e-txn-done', idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const committed = await producer.transaction()
    await committed.send({ topic: TOPIC, messages: [{ value: 'committed-0' }, { value: 'committed-1' }] })
    await committed.commit()
    const aborted = await producer.transaction()
    await aborted.send({ topic: TOPIC, messages: [{ value: 'aborted-0' }] })
    await aborted.abort()
    await producer.disconnect()
  }, 120_000)

  afterEach(async (c) => {
    if (c.task.result?.state === 'fail' && e) await e.shot(`failed-${c.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await openProducer?.disconnect().catch(() => {})
    await e?.close()
  })

  const table = () => e.page.getByTestId('messages-table')
  const values = () => table().locator('tbody tr.clickable:not(:has([data-testid="control-marker"])) td:nth-child(6)').allTextContents()
  const markers = () => table().getByTestId('control-marker').allTextContents()

  it('reads read_uncommitted by default, read_committed on request, and shows markers only when asked', async () => {
    await go(e.page, `/topics/${TOPIC}/messages`)
    await table().waitFor()
    expect(await e.page.getByTestId('isolation-level').inputValue()).toBe('read_uncommitted')
    await e.page.getByTestId('read-messages').click()
    await expect.poll(values).toEqual(['aborted-0', 'committed-1', 'committed-0'])
    expect(await markers()).toEqual([])

    await e.page.getByTestId('isolation-level').selectOption('read_committed')
    await e.page.getByTestId('read-messages').click()
    await expect.poll(values).toEqual(['committed-1', 'committed-0'])

    await e.page.getByTestId('show-control-records').check()
    await e.page.getByTestId('read-messages').click()
    await expect.poll(async () => (await markers()).map((m) => m.trim().split(' ')[0])).toEqual(['ABORT', 'COMMIT'])
    expect((await markers())[0]).toMatch(/producer \d+ epoch \d+/)
    expect(await values()).toEqual(['committed-1', 'committed-0'])
    await table().getByTestId('control-marker').first().click()
    await expect.poll(() => e.page.getByTestId('detail-control').textContent()).toMatch(/ABORT marker of producer \d+, epoch \d+/)
    await e.shot('messages-transaction-markers')
  }, 60_000)

  it('lists an open transaction and aborts it after confirming', async () => {
    openProducer = kafka.producer({ transactionalId: OPEN_ID, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60_000 })
    await openProducer.connect()
    const tx = await openProducer.transaction()
    await tx.send({ topic: OPEN_TOPIC, messages: [{ value: 'open-0' }] })

    await go(e.page, '/transactions')
    const row = e.page.locator(`[data-testid="transactions-table"] tr[data-txn="${OPEN_ID}"]`)
    await row.waitFor()
    expect(await row.textContent()).toContain(`${OPEN_TOPIC}-0`)
    expect(await row.textContent()).toContain('Ongoing')
    await e.shot('transactions-open')

    await row.getByTestId('txn-abort').click()
    await e.page.getByTestId('confirm-ok').click()
    await expect.poll(() => e.page.getByText('Transaction aborted').count()).toBeGreaterThan(0)
    expect(e.pageErrors).toEqual([])
  }, 60_000)
})
