// Topics auto-created by a Metadata request (auto.create.topics.enable, a producer's first send)
// are held to the same partition limits as CreateTopics: max.partitions for the whole cluster.
// A real client (kafkajs) against `kafkadesk cluster`; a refused creation leaves no topic behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { startEmbedded, type EmbeddedProcess } from '../../helpers/embedded'

let cluster: EmbeddedProcess
let dir: string
let kafka: Kafka

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-auto-create-'))
  // room for 7 partitions; an auto-created topic takes num.partitions = 4
  cluster = await startEmbedded(dir, ['--config', 'max.partitions=7', '--config', 'num.partitions=4'])
  kafka = new Kafka({ clientId: 'auto-create-limits', brokers: [`${cluster.host}:${cluster.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
}, 60_000)

afterAll(async () => {
  await cluster?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function sendTo(topic: string): Promise<unknown> {
  const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 0 } })
  await producer.connect()
  try {
    await producer.send({ topic, messages: [{ value: 'x' }] })
    return null
  } catch (e) {
    return e
  } finally {
    await producer.disconnect()
  }
}

describe('auto-created topics and max.partitions', () => {
  it('creates a topic on first send while it fits, and refuses one that would pass max.partitions', async () => {
    const admin = kafka.admin()
    await admin.connect()
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'explicit', numPartitions: 3 }] })).toBe(true)

      // 3 + 4 = 7: fits exactly
      expect(await sendTo('auto-fits')).toBe(null)
      const fits = await admin.fetchTopicMetadata({ topics: ['auto-fits'] })
      expect(fits.topics[0]!.partitions).toHaveLength(4)

      // 7 + 4 > 7: refused with Kafka's POLICY_VIOLATION, and nothing is created
      const err = (await sendTo('auto-refused')) as { type?: string; message?: string } | null
      expect(err, 'the send to a topic that cannot be created must fail').not.toBe(null)
      expect(`${err?.type} ${err?.message}`).toMatch(/POLICY_VIOLATION|max\.partitions|policy/i)
      const topics = await admin.listTopics()
      expect(topics.sort()).toEqual(['auto-fits', 'explicit'])

      // CreateTopics is refused the same way, so neither path gets around the limit
      const refused = (await admin.createTopics({ topics: [{ topic: 'explicit-2', numPartitions: 1 }] }).catch((e: unknown) => e)) as {
        errors?: { type?: string }[]
      }
      expect(refused.errors?.map((e) => e.type)).toEqual(['POLICY_VIOLATION'])
    } finally {
      await admin.disconnect()
    }
    // the refusals cost the cluster nothing: it still serves the topics it has
    const consumer = kafka.consumer({ groupId: 'auto-create-limits' })
    await consumer.connect()
    const got: string[] = []
    await consumer.subscribe({ topic: 'auto-fits', fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no record read back from auto-fits')), 30_000)
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message.value!.toString())
          clearTimeout(timer)
          resolve()
        },
      })
    })
    await consumer.disconnect()
    expect(got).toEqual(['x'])
  }, 90_000)
})
