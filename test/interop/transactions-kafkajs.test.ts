// kafkajs 2.2.4's transactions against the target: it speaks the oldest versions of the
// transaction APIs (InitProducerId v1, AddPartitionsToTxn / AddOffsetsToTxn / EndTxn v1,
// TxnOffsetCommit v0) and reads with read_committed by default. A committed and an aborted
// transaction, and a fenced producer that learns it with the error codes those versions carry.
// (sendOffsets is left out: real Kafka 4.1 answers kafkajs's TxnOffsetCommit v0 with
// NOT_COORDINATOR; the Java and librdkafka tests cover offsets in transactions.)
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTarget, uniqueTopic, type Target } from './target.ts'

let target: Target
let kafka: Kafka
let admin: Admin

beforeAll(async () => {
  target = await startTarget()
  kafka = new Kafka({ clientId: 'txn-kafkajs', brokers: [target.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 200 } })
  admin = kafka.admin()
  await admin.connect()
}, 180_000)

afterAll(async () => {
  await admin?.disconnect()
  await target?.stop()
})

/** Every value of a topic as a kafkajs consumer with that isolation sees it. */
async function readAll(topic: string, readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: uniqueTopic('txn-kafkajs-reader'), readUncommitted })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const values: string[] = []
  await new Promise<void>((resolve) => {
    let timer = setTimeout(resolve, 15_000)
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString())
        // after the expected count, wait a little for anything that should not be there
        if (values.length >= expected) {
          clearTimeout(timer)
          timer = setTimeout(resolve, 1500)
        }
      },
    })
  })
  await consumer.disconnect()
  return values.sort()
}

describe('kafkajs transactions', () => {
  it('commits, aborts, and fences an older producer', async () => {
    const topic = uniqueTopic('txn-kafkajs')
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })
    const transactionalId = uniqueTopic('txn-kafkajs-id')
    const producer = kafka.producer({ transactionalId, maxInFlightRequests: 1, idempotent: true })
    await producer.connect()

    const t1 = await producer.transaction()
    await t1.send({
      topic,
      messages: [
        { key: 'a', value: 'c1' },
        { key: 'b', value: 'c2' },
      ],
    })
    await t1.commit()

    const t2 = await producer.transaction()
    await t2.send({
      topic,
      messages: [
        { key: 'a', value: 'x1' },
        { key: 'b', value: 'x2' },
      ],
    })
    await t2.abort()

    expect(await readAll(topic, false, 2)).toEqual(['c1', 'c2'])
    expect(await readAll(topic, true, 4)).toEqual(['c1', 'c2', 'x1', 'x2'])

    // a second producer with the same id fences the first
    const newer = kafka.producer({ transactionalId, maxInFlightRequests: 1, idempotent: true })
    await newer.connect()
    const t3 = await producer.transaction()
    await t3.send({ topic, messages: [{ key: 'a', value: 'zombie' }] }).catch(() => undefined)
    const t4 = await newer.transaction()
    await t4.send({ topic, messages: [{ key: 'a', value: 'n1' }] })
    await t4.commit()
    const err = await t3.commit().then(
      () => null,
      (e: Error & { type?: string }) => e,
    )
    expect(err).not.toBeNull()
    expect(String(err?.type ?? err?.name)).toMatch(/INVALID_PRODUCER_EPOCH|PRODUCER_FENCED|KafkaJSNonRetriableError/)
    expect(await readAll(topic, false, 3)).toEqual(['c1', 'c2', 'n1'])
    await newer.disconnect()
    await producer.disconnect().catch(() => undefined)
  }, 120_000)
})
