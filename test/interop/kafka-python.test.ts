// kafka-python 2.0.2 (Debian python3-kafka) against the target. Codecs need python3-snappy,
// python3-lz4 and python3-zstandard (installed by .ci/run). The driver is
// test/interop/python/kafka_python_client.py, run with Debian's /usr/bin/python3.
import { describe, expect, it } from 'vitest'
import { CODECS, distinctRecords, expectLog, keyedMessages, type Produced } from './expect-log.ts'
import { pythonClient, type Record, type Report } from './python-driver.ts'
import { uniqueTopic } from './target.ts'

const SCRIPT = 'kafka_python_client.py'

const call = pythonClient(SCRIPT)

describe('kafka-python', () => {
  const topic = uniqueTopic('kafka-python')
  const produced: Produced[] = []
  const reports: Report[] = []
  let records: Record[] = []

  it('creates a topic with 3 partitions and recognises a modern broker', async () => {
    const res = await call<{ partitions: number[]; again_error: string | null; api_version: number[] }>('create', { topic, partitions: 3 })
    expect(res.partitions).toEqual([0, 1, 2])
    expect(res.again_error).toBe('TopicAlreadyExistsError')
    // kafka-python 2.0.2 guesses the broker release from ApiVersions; 2.5 is the newest it
    // knows. Anything older would make it fall back to older protocol and message formats.
    expect(res.api_version).toEqual([2, 5, 0])
  })

  it('produces keyed messages with every codec', async () => {
    for (const codec of CODECS) {
      const messages = keyedMessages(`kafka-python-${codec}`, 30)
      const res = await call<{ reports: Report[] }>('produce', { topic, codec, messages })
      expect(res.reports.map((r) => `${r.key}=${r.value}`)).toEqual(messages.map((m) => `${m.key}=${m.value}`))
      produced.push(...messages)
      reports.push(...res.reports)
    }
  })

  it('consumes everything from the beginning and commits', async () => {
    const res = await call<{ records: Record[]; committed: number[][] }>('consume', {
      topic,
      count: produced.length,
      group: uniqueTopic('kafka-python-group'),
    })
    records = distinctRecords(res.records)
    expectLog(records, produced, 3)
    const key = (r: Report) => `${r.partition}@${r.offset}=${r.key}=${r.value}`
    expect(records.map(key).sort()).toEqual(reports.map(key).sort())
    const counts = [0, 1, 2].map((p) => records.filter((r) => r.partition === p).length)
    expect(res.committed).toEqual(counts.map((n, p) => [p, n]))
  })

  it('reads beginning/end offsets and offsets for times', async () => {
    const byPart = [0, 1, 2].map((p) => records.filter((r) => r.partition === p).sort((a, b) => a.offset - b.offset))
    const mid = byPart[1]![Math.floor(byPart[1]!.length / 2)]!.timestamp
    const res = await call<{ beginning: number[][]; end: number[][]; times: Array<Array<[number, number | null]>> }>('offsets', {
      topic,
      partitions: 3,
      times: [0, mid, Date.now() + 3_600_000],
    })
    expect(res.beginning).toEqual([0, 1, 2].map((p) => [p, 0]))
    expect(res.end).toEqual(byPart.map((rs, p) => [p, rs.length]))
    // No matching offset comes back as None (the broker answered -1).
    const firstAtOrAfter = (p: number, ts: number): number | null => byPart[p]!.find((r) => r.timestamp >= ts)?.offset ?? null
    expect(res.times[0]).toEqual([0, 1, 2].map((p) => [p, 0]))
    expect(res.times[1]).toEqual([0, 1, 2].map((p) => [p, firstAtOrAfter(p, mid)]))
    expect(res.times[2]).toEqual([0, 1, 2].map((p) => [p, null]))
  })

  it('alters and describes topic configs', async () => {
    const res = await call<{ entries: { [name: string]: { value: string | null; read_only: boolean; source: number } } }>('configs', {
      topic,
      set: { 'retention.ms': '5400000' },
    })
    // config_source 1 = TOPIC_CONFIG (set on the topic), 5 = DEFAULT_CONFIG.
    expect(res.entries['retention.ms']).toMatchObject({ value: '5400000', source: 1, read_only: false })
    expect(res.entries['segment.bytes']).toMatchObject({ value: '1073741824', source: 5 })
    expect(res.entries['cleanup.policy']).toMatchObject({ value: 'delete', source: 5 })
  })

  it('adds partitions and deletes the topic', async () => {
    expect(await call<{ partitions: number[] }>('partitions', { topic, count: 4 })).toEqual({ partitions: [0, 1, 2, 3] })
    expect(await call<{ gone: boolean }>('delete', { topic })).toEqual({ gone: true })
  })
})
