// Open transactions in the console: a transaction begun and not ended is listed by its
// coordinator with its producer, state and partitions; an admin abort (ABORT markers written to
// the partitions' leaders, as `kafka-transactions abort` does) ends it on those partitions, so
// the last stable offset reaches the log end and read_committed readers move past it.
// Through the console's handlers on the embedded cluster, or real Kafka with KAFKADESK_TARGET=kafka.
import { describe, expect, it } from 'vitest'
import { createTopic, transactionalProducer, useHarness } from './fixtures'
import { uniqueName } from './setup'

const h = useHarness()

describe('transactions', () => {
  it('lists an open transaction with its partitions, and an admin abort ends it', async () => {
    const topic = uniqueName('txn-open')
    await createTopic(h, topic, 2)
    const transactionalId = uniqueName('txn-open-id')
    // A long timeout: the coordinator must not abort it itself while the test looks at it.
    const producer = transactionalProducer(h, 'txn-open-test', transactionalId, { transactionTimeout: 60_000 })
    await producer.connect()
    const began = Date.now()
    try {
      const tx = await producer.transaction()
      await tx.send({
        topic,
        messages: [
          { value: 'open-0', partition: 0 },
          { value: 'open-1', partition: 1 },
        ],
      })

      const listed = await h.call('transactions.list', { connectionId: h.connectionId })
      const t = listed.transactions.find((x) => x.transactionalId === transactionalId)
      expect(t, JSON.stringify(listed)).toBeDefined()
      expect(t!.state).toBe('Ongoing')
      expect(t!.error).toBeUndefined()
      expect(t!.producerId).toBeGreaterThanOrEqual(0)
      expect(t!.producerEpoch).toBeGreaterThanOrEqual(0)
      expect(t!.timeoutMs).toBe(60_000)
      expect(t!.startTimeMs).not.toBeNull()
      expect(Math.abs(t!.startTimeMs! - began)).toBeLessThan(30_000)
      expect(t!.partitions).toEqual([
        { topic, partition: 0 },
        { topic, partition: 1 },
      ])

      const stable = async () =>
        (await h.call('topics.describe', { connectionId: h.connectionId, topic, withSizes: false })).partitions.map((p) => [p.latestOffset, p.lastStableOffset])
      // Open: each partition's LSO stays at the transaction's first offset.
      expect(await stable()).toEqual([
        [1, 0],
        [1, 0],
      ])

      const aborted = await h.call('transactions.abort', {
        connectionId: h.connectionId,
        producerId: t!.producerId,
        producerEpoch: t!.producerEpoch,
        partitions: t!.partitions,
      })
      expect(aborted.results).toEqual([
        { topic, partition: 0, ok: true },
        { topic, partition: 1, ok: true },
      ])
      // The ABORT marker takes offset 1 of each partition; nothing is unstable any more.
      expect(await stable()).toEqual([
        [2, 2],
        [2, 2],
      ])
      const read = await h.call('messages.read', {
        connectionId: h.connectionId,
        topic,
        position: { type: 'earliest' },
        isolationLevel: 'read_committed',
        showControlRecords: true,
      })
      expect(read.messages.map((m) => [m.partition, m.offset, m.control?.type ?? m.value?.text])).toEqual([
        [0, 1, 'ABORT'],
        [1, 1, 'ABORT'],
      ])
    } finally {
      await producer.disconnect()
    }
  }, 60_000)
})
