// The Go clients against the target: franz-go (kgo + kadm; idempotent acks=all producer,
// consumer group, transactions) and sarama (ClusterAdmin, idempotent SyncProducer,
// ConsumerGroup), through test/interop/go. Each creates a topic (and the same again), produces
// keyed messages with every codec, reads them back in a group and commits; franz-go also
// aborts one transaction and commits another, read back read_committed and read_uncommitted,
// and runs its admin client's calls over a topic (configs, offsets, DeleteRecords, lag,
// CreatePartitions, log dirs, producers, DeleteTopics).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CODECS, distinctRecords, expectLog, keyedMessages, type Produced } from './expect-log.ts'
import { buildGoDriver, type GoClient, type GoDriver, type GoPartition, type GoRecord } from './go-driver.ts'
import { startTarget, uniqueTopic, type Target } from './target.ts'

let target: Target
let driver: GoDriver

beforeAll(async () => {
  ;[target, driver] = await Promise.all([startTarget(), buildGoDriver()])
})
afterAll(async () => {
  driver?.remove()
  await target?.stop()
})

interface Created {
  error: string | null
  again_error: string | null
  brokers: number[]
  partitions: GoPartition[]
}

const call = <T>(client: GoClient, command: string, args: object) => driver.call<T>(client, command, target.bootstrap, args)

/** The committed offsets a group must have after reading `records` in full: the next offset of each partition. */
function nextOffsets(records: GoRecord[]): number[][] {
  const next = new Map<number, number>()
  for (const r of records) next.set(r.partition, Math.max(next.get(r.partition) ?? 0, r.offset + 1))
  return [...next].sort((a, b) => a[0] - b[0])
}

for (const client of ['franz', 'sarama'] as const) {
  describe(client === 'franz' ? 'franz-go' : 'sarama', () => {
    const topic = uniqueTopic(`go-${client}`)
    const produced: Produced[] = []
    const reports: GoRecord[] = []

    it('creates a topic with 3 partitions; the same again is TOPIC_ALREADY_EXISTS', async () => {
      const res = await call<Created>(client, 'create', { topic, partitions: 3 })
      expect(res.error).toBeNull()
      expect(res.again_error).toBe('TOPIC_ALREADY_EXISTS')
      expect(res.partitions.map((p) => p.id)).toEqual([0, 1, 2])
      for (const p of res.partitions) {
        expect(res.brokers).toContain(p.leader)
        expect(p.isr).toContain(p.leader)
      }
    })

    it('produces keyed messages with every codec (idempotent, acks=all); the reports carry the offsets', async () => {
      for (const codec of CODECS) {
        const messages = keyedMessages(`go-${client}-${codec}`, 30)
        const res = await call<{ reports: GoRecord[]; errors: string[] }>(client, 'produce', { topic, codec, messages })
        expect(res.errors).toEqual([])
        expect(res.reports.map((r) => `${r.key}=${r.value}`).sort()).toEqual(messages.map((m) => `${m.key}=${m.value}`).sort())
        produced.push(...messages)
        reports.push(...res.reports)
      }
    })

    it('reads everything back in a consumer group and commits where it stopped', async () => {
      const res = await call<{ records: GoRecord[]; errors: string[]; committed: number[][] }>(client, 'consume', {
        topic,
        group: uniqueTopic(`go-${client}-group`),
        count: produced.length,
      })
      expect(res.errors).toEqual([])
      const records = distinctRecords(res.records)
      expectLog(records, produced, 3)
      // The offsets the producer was told are the offsets the records have.
      const key = (r: GoRecord) => `${r.partition}@${r.offset}=${r.key}=${r.value}`
      expect(records.map(key).sort()).toEqual(reports.map(key).sort())
      expect(res.committed).toEqual(nextOffsets(records))
      for (const r of records) expect(Math.abs(r.timestamp! - Date.now())).toBeLessThan(10 * 60_000)
    })
  })
}

describe('franz-go transactions', () => {
  it('an aborted transaction stays invisible to read_committed; a committed one is read by both isolation levels', async () => {
    const topic = uniqueTopic('go-franz-txn')
    expect((await call<Created>('franz', 'create', { topic, partitions: 3 })).error).toBeNull()
    const aborted = keyedMessages('go-txn-aborted', 20)
    const committed = keyedMessages('go-txn-committed', 20)
    const res = await call<{ errors: string[] }>('franz', 'transactions', {
      topic,
      transactionalId: uniqueTopic('go-franz-tx'),
      aborted,
      messages: committed,
    })
    expect(res.errors).toEqual([])
    const values = (rs: GoRecord[]) => rs.map((r) => r.value).sort()
    const rc = await call<{ records: GoRecord[]; errors: string[] }>('franz', 'read', { topic })
    expect(rc.errors).toEqual([])
    expect(values(rc.records)).toEqual(committed.map((m) => m.value).sort())
    const ru = await call<{ records: GoRecord[]; errors: string[] }>('franz', 'read', { topic, isolation: 'read_uncommitted' })
    expect(ru.errors).toEqual([])
    expect(values(ru.records)).toEqual([...aborted, ...committed].map((m) => m.value).sort())
  })
})

interface AdminAnswer {
  errors: Record<string, string | null>
  configs: Record<string, string>
  configsAfterAlter: Record<string, string>
  start: Record<string, number>
  end: Record<string, number>
  afterAnHourAgo: Record<string, number>
  afterAnHourFromNow: Record<string, number>
  lowWatermark: number
  startAfterDelete: Record<string, number>
  groupState: string
  lag: Record<string, number>
  partitionsAfterCreate: number
  logDirBytes: Record<string, number>
  producerLastSequences: Record<string, number[]>
  describeAfterDelete: string | null
}

describe('franz-go admin (kadm)', () => {
  it('describes and alters configs, lists offsets, deletes records, shows lag, adds partitions, sizes log dirs, lists producers and deletes the topic', async () => {
    const topic = uniqueTopic('go-franz-admin')
    const group = uniqueTopic('go-franz-admin-group')
    expect((await call<Created>('franz', 'create', { topic, partitions: 3 })).error).toBeNull()
    const messages = keyedMessages('go-admin', 60)
    const produced = await call<{ reports: GoRecord[]; errors: string[] }>('franz', 'produce', { topic, messages })
    expect(produced.errors).toEqual([])
    const read = await call<{ errors: string[] }>('franz', 'consume', { topic, group, count: messages.length })
    expect(read.errors).toEqual([])
    const counts: Record<string, number> = { 0: 0, 1: 0, 2: 0 }
    for (const r of produced.reports) counts[r.partition]! += 1
    const zeros = { 0: 0, 1: 0, 2: 0 }

    const res = await call<AdminAnswer>('franz', 'admin', { topic, group, partitions: 3 })
    expect(Object.entries(res.errors).filter(([, e]) => e !== null)).toEqual([])
    expect(res.configs).toEqual({ 'cleanup.policy': 'delete (DEFAULT_CONFIG)', 'retention.ms': '604800000 (DEFAULT_CONFIG)' })
    expect(res.configsAfterAlter).toEqual({ 'cleanup.policy': 'delete (DEFAULT_CONFIG)', 'retention.ms': '3600000 (DYNAMIC_TOPIC_CONFIG)' })
    expect(res.start).toEqual(zeros)
    expect(res.end).toEqual(counts)
    expect(res.afterAnHourAgo).toEqual(zeros)
    // Past the last timestamp Kafka answers -1; kadm reads that as the end offset.
    expect(res.afterAnHourFromNow).toEqual(counts)
    expect(res.lowWatermark).toBe(2)
    expect(res.startAfterDelete).toEqual({ ...zeros, 0: 2 })
    expect(res.groupState).toBe('Empty')
    expect(res.lag).toEqual(zeros)
    expect(res.partitionsAfterCreate).toBe(5)
    for (const p of ['0', '1', '2']) expect(res.logDirBytes[p], `bytes of partition ${p}`).toBeGreaterThan(0)
    // One idempotent producer: its last sequence in each partition is that partition's count - 1.
    expect(res.producerLastSequences).toEqual(Object.fromEntries(Object.entries(counts).map(([p, n]) => [p, [n - 1]])))
    expect(res.describeAfterDelete).toBe('UNKNOWN_TOPIC_OR_PARTITION')
  })
})
