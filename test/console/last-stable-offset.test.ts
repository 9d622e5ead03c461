// A partition's details show the last stable offset next to the high watermark: what the broker
// answers to ListOffsets LATEST under read_committed. While a transaction is open it stays where
// the transaction began; once it commits it reaches the log end (past the commit marker).
// Through the console's handlers on the embedded cluster, or real Kafka with KAFKADESK_TARGET=kafka.
import { describe, expect, it } from 'vitest'
import { createTopic, partitionEnds, transactionalProducer, useHarness } from './fixtures'
import { uniqueName } from './setup'

const h = useHarness()

describe('last stable offset', () => {
  it('stays below the high watermark while a transaction is open and reaches it on commit', async () => {
    const topic = uniqueName('lso')
    await createTopic(h, topic, 1)
    await h.call('produce.send', {
      connectionId: h.connectionId,
      topic,
      messages: Array.from({ length: 5 }, (_, i) => ({ value: { format: 'string' as const, data: `plain-${i}` } })),
    })
    const offsets = () => partitionEnds(h, topic)
    expect(await offsets()).toEqual({ latest: 5, stable: 5 })

    const producer = transactionalProducer(h, 'lso-test', uniqueName('lso-tx'))
    await producer.connect()
    try {
      const tx = await producer.transaction()
      await tx.send({ topic, messages: [{ value: 'tx-0' }, { value: 'tx-1' }, { value: 'tx-2' }] })
      expect(await offsets()).toEqual({ latest: 8, stable: 5 })
      await tx.commit()
      // The commit marker takes offset 8. Kafka answers EndTxn once the commit is decided and
      // writes the markers after, so the partition gets there a moment later.
      await expect.poll(offsets, { timeout: 15_000 }).toEqual({ latest: 9, stable: 9 })
    } finally {
      await producer.disconnect()
    }
  }, 60_000)
})
