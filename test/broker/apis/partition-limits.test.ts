// One request cannot make the cluster build unbounded partitions: CreateTopics and CreatePartitions
// are checked against max.partitions.per.request (Kafka's 10,000) and max.partitions before any
// work, answer POLICY_VIOLATION at once, and change nothing when refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { startEmbedded, type EmbeddedProcess } from '../../helpers/embedded'
import { WireClient } from '../fuzz/wire-client'

const POLICY_VIOLATION = 44
const INT_MAX = 2147483647
const CLUSTER_CAP = 300

interface CreateTopicsAnswer {
  topics: { name: string; errorCode: number; errorMessage: string | null }[]
}
interface CreatePartitionsAnswer {
  results: { name: string; errorCode: number; errorMessage: string | null }[]
}

let broker: EmbeddedProcess
const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-partition-limits-'))

beforeAll(async () => {
  broker = await startEmbedded(dir, ['--config', `max.partitions=${CLUSTER_CAP}`])
})

afterAll(async () => {
  await broker?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const topic = (name: string, numPartitions: number) => ({ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] })

async function partitionCount(client: WireClient, name: string): Promise<number | undefined> {
  const md = await client.request<{ topics: { name: string; errorCode: number; partitions: unknown[] }[] }>(3, 12, {
    topics: [{ name, topicId: Buffer.alloc(16) }],
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  })
  const t = md.topics.find((x) => x.name === name)
  return t && t.errorCode === 0 ? t.partitions.length : undefined
}

describe('partition limits', () => {
  it('refuses a 2^31-1 partition CreateTopics from a real client at once', async () => {
    const admin = new Kafka({ clientId: 'limits', brokers: [`${broker.host}:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin()
    await admin.connect()
    try {
      const started = performance.now()
      const err = await admin.createTopics({ topics: [{ topic: 'huge', numPartitions: INT_MAX }] }).then(
        () => undefined,
        (e: unknown) => e,
      )
      const ms = performance.now() - started
      const errors = (err as { errors?: { type: string; code: number }[] } | undefined)?.errors
      expect(errors?.[0]).toMatchObject({ type: 'POLICY_VIOLATION', code: POLICY_VIOLATION })
      expect(ms).toBeLessThan(2000)
      expect((await admin.listTopics()).includes('huge')).toBe(false)
    } finally {
      await admin.disconnect()
    }
  })

  it('refuses CreateTopics over the per-request total as a whole, validate_only or not, and creates nothing', async () => {
    const c = await WireClient.connect(broker.host, broker.port)
    try {
      for (const validateOnly of [true, false]) {
        const started = performance.now()
        const res = await c.request<CreateTopicsAnswer>(19, 7, {
          topics: [topic('split-a', 6000), topic('split-b', 6000), topic('small', 1)],
          timeoutMs: 5000,
          validateOnly,
        })
        expect(performance.now() - started).toBeLessThan(2000)
        expect(res.topics.map((t) => [t.name, t.errorCode, t.errorMessage])).toEqual([
          ['split-a', POLICY_VIOLATION, 'Excessively large number of partitions per request.'],
          ['split-b', POLICY_VIOLATION, 'Excessively large number of partitions per request.'],
          ['small', POLICY_VIOLATION, 'Excessively large number of partitions per request.'],
        ])
        const huge = await c.request<CreateTopicsAnswer>(19, 7, { topics: [topic('int-max', INT_MAX), topic('one-more', 1)], timeoutMs: 5000, validateOnly })
        expect(huge.topics.map((t) => t.errorCode)).toEqual([POLICY_VIOLATION, POLICY_VIOLATION])
      }
      for (const name of ['split-a', 'split-b', 'small', 'int-max', 'one-more']) expect(await partitionCount(c, name)).toBeUndefined()
    } finally {
      c.close()
    }
  })

  it('refuses CreatePartitions to 2^31-1 (validate_only too) at once and leaves the topic as it was', async () => {
    const c = await WireClient.connect(broker.host, broker.port)
    try {
      const made = await c.request<CreateTopicsAnswer>(19, 7, { topics: [topic('grow', 2)], timeoutMs: 5000, validateOnly: false })
      expect(made.topics[0]!.errorCode).toBe(0)
      for (const validateOnly of [true, false]) {
        const started = performance.now()
        const res = await c.request<CreatePartitionsAnswer>(37, 3, {
          topics: [{ name: 'grow', count: INT_MAX, assignments: null }],
          timeoutMs: 5000,
          validateOnly,
        })
        expect(performance.now() - started).toBeLessThan(2000)
        expect(res.results).toEqual([{ name: 'grow', errorCode: POLICY_VIOLATION, errorMessage: 'Excessively large number of partitions per request.' }])
      }
      expect(await partitionCount(c, 'grow')).toBe(2)
    } finally {
      c.close()
    }
  })

  it('bounds the whole cluster by max.partitions: topics within it are made, the one passing it is refused', async () => {
    const c = await WireClient.connect(broker.host, broker.port)
    try {
      const md = await c.request<{ topics: { partitions: unknown[] }[] }>(3, 12, {
        topics: null,
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      })
      const existing = md.topics.reduce((n, t) => n + t.partitions.length, 0)
      const room = CLUSTER_CAP - existing
      expect(room).toBeGreaterThan(20)
      const res = await c.request<CreateTopicsAnswer>(19, 7, { topics: [topic('fits', room - 10), topic('passes', 11)], timeoutMs: 5000, validateOnly: false })
      expect(res.topics[0]!.errorCode).toBe(0)
      expect(res.topics[1]!.errorCode).toBe(POLICY_VIOLATION)
      expect(res.topics[1]!.errorMessage).toMatch(/max\.partitions \(300\)/)
      const grow = await c.request<CreatePartitionsAnswer>(37, 3, {
        topics: [{ name: 'fits', count: room + 1, assignments: null }],
        timeoutMs: 5000,
        validateOnly: false,
      })
      expect(grow.results[0]!.errorCode).toBe(POLICY_VIOLATION)
      expect(await partitionCount(c, 'fits')).toBe(room - 10)
      expect(await partitionCount(c, 'passes')).toBeUndefined()
      const toCap = await c.request<CreatePartitionsAnswer>(37, 3, {
        topics: [{ name: 'fits', count: room, assignments: null }],
        timeoutMs: 5000,
        validateOnly: false,
      })
      expect(toCap.results[0]!.errorCode).toBe(0)
    } finally {
      c.close()
    }
  })

  it('restarts on its data dir after a burst of mutated CreatePartitions', async () => {
    const c = await WireClient.connect(broker.host, broker.port)
    const counts = [INT_MAX, -1, 0, 0x40000000, 10_003, 65_536, 3, 2 ** 31 - 2]
    for (const count of counts) {
      const res = await c.request<CreatePartitionsAnswer>(37, 3, {
        topics: [
          { name: 'grow', count, assignments: null },
          { name: 'grow', count, assignments: null },
        ],
        timeoutMs: 5000,
        validateOnly: false,
      })
      expect(res.results[0]!.errorCode).not.toBe(0)
    }
    c.close()
    await broker.stop()
    broker = await startEmbedded(dir, ['--config', `max.partitions=${CLUSTER_CAP}`])
    const again = await WireClient.connect(broker.host, broker.port)
    expect(await partitionCount(again, 'grow')).toBe(2)
    again.close()
  })
})
