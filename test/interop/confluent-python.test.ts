// confluent-kafka-python (librdkafka 2.0.x, Debian python3-confluent-kafka) against the target.
// The driver is test/interop/python/confluent_client.py, run with Debian's /usr/bin/python3.
import { describe, expect, it } from 'vitest'
import { CODECS, distinctRecords, expectLog, keyedMessages, type Produced } from './expect-log.ts'
import { pythonClient, type Record, type Report } from './python-driver.ts'
import { uniqueTopic } from './target.ts'

const SCRIPT = 'confluent_client.py'

interface Meta {
  error: string | null
  brokers: number[]
  partitions: Array<{ id: number; leader: number; replicas: number[]; isrs: number[] }>
  again_error?: string | null
}

const call = pythonClient(SCRIPT)

describe('confluent-kafka-python', () => {
  const topic = uniqueTopic('confluent-py')
  const produced: Produced[] = []
  const reports: Report[] = []
  let records: Record[] = []

  it('creates a topic with 3 partitions', async () => {
    const meta = await call<Meta>('create', { topic, partitions: 3 })
    expect(meta.error).toBeNull()
    expect(meta.again_error).toBe('TOPIC_ALREADY_EXISTS')
    expect(meta.partitions.map((p) => p.id)).toEqual([0, 1, 2])
    for (const p of meta.partitions) {
      expect(meta.brokers).toContain(p.leader)
      expect(p.isrs).toContain(p.leader)
    }
  })

  it('produces keyed messages with every codec; delivery reports carry the offsets', async () => {
    for (const codec of CODECS) {
      const messages = keyedMessages(`confluent-py-${codec}`, 30)
      const res = await call<{ reports: Report[]; errors: string[]; unflushed: number }>('produce', { topic, codec, messages })
      expect(res.errors).toEqual([])
      expect(res.unflushed).toBe(0)
      expect(res.reports.map((r) => `${r.key}=${r.value}`).sort()).toEqual(messages.map((m) => `${m.key}=${m.value}`).sort())
      produced.push(...messages)
      reports.push(...res.reports)
    }
  })

  it('consumes everything from the beginning and commits', async () => {
    const res = await call<{ records: Record[]; errors: string[]; committed: number[][] }>('consume', {
      topic,
      count: produced.length,
      group: uniqueTopic('confluent-py-group'),
    })
    expect(res.errors).toEqual([])
    records = distinctRecords(res.records)
    expectLog(records, produced, 3)
    // The offsets the producer was told are the offsets the records have.
    const key = (r: Report) => `${r.partition}@${r.offset}=${r.key}=${r.value}`
    expect(records.map(key).sort()).toEqual(reports.map(key).sort())
    // Committed offset = next offset to read = number of records in the partition.
    const counts = [0, 1, 2].map((p) => records.filter((r) => r.partition === p).length)
    expect(res.committed).toEqual([0, 1, 2].filter((p) => counts[p]! > 0).map((p) => [p, counts[p]]))
  })

  it('reads watermarks and offsets for times', async () => {
    const byPart = [0, 1, 2].map((p) => records.filter((r) => r.partition === p).sort((a, b) => a.offset - b.offset))
    const mid = byPart[0]![Math.floor(byPart[0]!.length / 2)]!.timestamp
    const res = await call<{ watermarks: number[][]; times: number[][][] }>('offsets', {
      topic,
      partitions: 3,
      times: [0, mid, Date.now() + 3_600_000],
    })
    expect(res.watermarks).toEqual(byPart.map((rs, p) => [p, 0, rs.length]))
    const firstAtOrAfter = (p: number, ts: number): number => byPart[p]!.find((r) => r.timestamp >= ts)?.offset ?? -1
    expect(res.times[0]).toEqual([0, 1, 2].map((p) => [p, 0]))
    expect(res.times[1]).toEqual([0, 1, 2].map((p) => [p, firstAtOrAfter(p, mid)]))
    expect(res.times[2]).toEqual([0, 1, 2].map((p) => [p, -1]))
  })

  it('alters and describes topic configs', async () => {
    const res = await call<{ entries: { [name: string]: { value: string | null; is_default: boolean; source: number } } }>('configs', {
      topic,
      set: { 'retention.ms': '3600000', 'max.message.bytes': '2000000' },
    })
    expect(res.entries['retention.ms']).toMatchObject({ value: '3600000', is_default: false, source: 1 })
    expect(res.entries['max.message.bytes']).toMatchObject({ value: '2000000', is_default: false, source: 1 })
    // Everything else is a default, e.g. Kafka's cleanup.policy=delete.
    expect(res.entries['cleanup.policy']).toMatchObject({ value: 'delete', is_default: true })
    expect(Object.keys(res.entries).length).toBeGreaterThan(20)
  })

  it('adds partitions and deletes the topic', async () => {
    const meta = await call<Meta>('partitions', { topic, count: 5 })
    expect(meta.partitions.map((p) => p.id)).toEqual([0, 1, 2, 3, 4])
    expect(await call<{ gone: boolean }>('delete', { topic })).toEqual({ gone: true })
  })
})
