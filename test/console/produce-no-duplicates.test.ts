// Produce never writes a record twice when Kafka refuses one partition of a request.
//
// The refusal is made on purpose and lasts: two partitions led by the same broker (so kafkajs
// puts them in one Produce request), partition 0 on brokers {A, C} and partition 1 on {A, B},
// min.insync.replicas=2, and broker C taken away so only partition 0 falls below it. With
// acks=all Kafka writes partition 1 and answers NOT_ENOUGH_REPLICAS (retriable) for partition 0,
// so the client retries. A producer without idempotence retries the whole request and writes
// partition 1 again on every retry; the console's must not. With acks=1 each partition goes in
// its own request. Runs on 3 embedded brokers and, with KAFKADESK_TARGET=kafka, on a 3-node Kafka.
import type { Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTopic, kafkaClient, useHarness } from './fixtures'
import { uniqueName, waitFor } from './setup'

const h = useHarness({ brokers: 3, kafkaBrokers: 3, startTimeoutMs: 300_000 })
let admin: Admin

beforeAll(async () => {
  admin = kafkaClient(h, 'no-duplicates-test').admin()
  await admin.connect()
})
afterAll(async () => {
  await admin?.disconnect()
}, 60_000)

const values = (p: number, n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ value: { format: 'string' as const, data: `${tag}-${p}-${i}` }, partition: p }))

async function latest(topic: string): Promise<number[]> {
  const r = await h.call('messages.offsetRange', { connectionId: h.connectionId, topic })
  return r.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.latestOffset)
}

describe('produce with one partition of a request refused', () => {
  it('acks=all writes the accepted partition once, names the refusal, and the next send works', async () => {
    const topic = uniqueName('t-refused')
    const ids = (await h.call('cluster.overview', { connectionId: h.connectionId })).brokers.map((b) => b.nodeId).sort((a, b) => a - b)
    const [a, b, c] = [ids[0]!, ids[1]!, ids[2]!]
    await admin.createTopics({
      topics: [
        {
          topic,
          replicaAssignment: [
            { partition: 0, replicas: [a, c] },
            { partition: 1, replicas: [a, b] },
          ],
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    })
    await h.stopBroker(c)
    // Partition 0 must have lost C from its ISR, and partition 1 kept both replicas in sync.
    await waitFor(
      async () => {
        const d = await h.call('topics.describe', { connectionId: h.connectionId, topic, withSizes: false })
        const [p0, p1] = d.partitions.sort((x, y) => x.partition - y.partition)
        return p0?.leader === a && p1?.leader === a && p0.isr.length === 1 && p1.isr.length === 2
      },
      60_000,
      'partition 0 with 1 in sync, partition 1 with 2, both led by one broker',
    )

    const started = Date.now()
    const refused = await h.tryCall('produce.send', { connectionId: h.connectionId, topic, acks: -1, messages: [...values(0, 10, 'a'), ...values(1, 10, 'a')] })
    const tookMs = Date.now() - started
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.error, refused.error.message).toMatchObject({ code: 'KAFKA_NOT_ENOUGH_REPLICAS' })
    expect(refused.error.message).toContain(topic)
    // Retries are bounded (about ten seconds), not kafkajs' forever for idempotent producers.
    expect(tookMs).toBeLessThan(40_000)
    console.log(`refused send answered after ${tookMs} ms`)

    // Partition 1 holds its 10 records once; partition 0 none.
    expect(await latest(topic)).toEqual([0, 10])
    const read = await h.call('messages.read', {
      connectionId: h.connectionId,
      topic,
      position: { type: 'earliest' },
      limit: 100,
      keyDecoding: 'string',
      valueDecoding: 'string',
    })
    expect(read.messages.map((m) => m.value?.text).sort()).toEqual(
      values(1, 10, 'a')
        .map((m) => m.value.data)
        .sort(),
    )

    // The next acks=all send to partition 1 goes through with a new producer id (the failed one's
    // sequence numbers no longer match the broker's).
    const ok = await h.call('produce.send', { connectionId: h.connectionId, topic, acks: -1, messages: values(1, 5, 'b') })
    expect(ok.partitions).toEqual([{ partition: 1, baseOffset: 10, count: 5 }])
    expect(await latest(topic)).toEqual([0, 15])
  }, 120_000)

  it('acks=1 sends each partition in its own request: every partition written once', async () => {
    const topic = uniqueName('t-acks1')
    await createTopic(h, topic, 3)
    const r = await h.call('produce.send', {
      connectionId: h.connectionId,
      topic,
      acks: 1,
      messages: [...values(0, 10, 'c'), ...values(1, 10, 'c'), ...values(2, 10, 'c')],
    })
    expect(r.partitions.map((p) => [p.partition, p.count])).toEqual([
      [0, 10],
      [1, 10],
      [2, 10],
    ])
    expect(await latest(topic)).toEqual([10, 10, 10])
  }, 60_000)
})
