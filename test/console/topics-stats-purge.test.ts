// The topic list's figures (messages, size on disk, retention, cleanup policy), purging a topic
// with DeleteRecords to its high watermark, the partition offset range a jump reads from, and
// log dirs per broker — through the console's handlers on a 3-broker embedded cluster (or real
// Kafka with KAFKADESK_TARGET=kafka). With one broker paused, the figures it holds are missing
// and that broker, not another, is named.
import { beforeAll, describe, expect, it } from 'vitest'
import { createTopic, useHarness } from './fixtures'
import { uniqueName, waitFor } from './setup'

const h = useHarness({ brokers: 3 })
const topic = uniqueName('stats')
const compacted = uniqueName('stats-compacted')

beforeAll(async () => {
  await createTopic(h, topic, 3, { 'retention.ms': '3600000' })
  await createTopic(h, compacted, 1, { 'cleanup.policy': 'compact' })
  const base = Date.now() - 100_000
  await h.call('produce.send', {
    connectionId: h.connectionId,
    topic,
    messages: Array.from({ length: 30 }, (_, i) => ({ value: { format: 'string' as const, data: `v${i}` }, partition: i % 3, timestamp: base + i * 1000 })),
  })
  await h.call('produce.send', {
    connectionId: h.connectionId,
    topic: compacted,
    messages: [{ key: { format: 'string', data: 'k' }, value: { format: 'string', data: 'x' } }],
  })
}, 120_000)

describe('topic figures, purge, offset range and log dirs', () => {
  it('lists messages, size on disk, retention and cleanup policy per topic', async () => {
    const r = await h.call('topics.list', { connectionId: h.connectionId, withStats: true })
    const t = r.topics.find((x) => x.name === topic)!
    expect(t).toMatchObject({ messages: 30, retentionMs: '3600000', cleanupPolicy: 'delete' })
    expect(t.sizeBytes).toBeGreaterThan(0)
    expect(r.topics.find((x) => x.name === compacted)).toMatchObject({ messages: 1, cleanupPolicy: 'compact' })
    expect(r.unavailable).toEqual([])
    // Without withStats the list stays as cheap as before.
    const plain = await h.call('topics.list', { connectionId: h.connectionId })
    expect(plain.topics.find((x) => x.name === topic)?.messages).toBeUndefined()
  })

  it('gives the low/high watermark of a partition and the offset a timestamp falls on', async () => {
    const all = await h.call('messages.offsetRange', { connectionId: h.connectionId, topic })
    expect(all.partitions.map((p) => [p.earliestOffset, p.latestOffset])).toEqual([
      [0, 10],
      [0, 10],
      [0, 10],
    ])
    // Message i went to partition i % 3 at base + i s: on partition 1, offset 4 is message 13.
    const read = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type: 'offset', partition: 1, offset: 4 }, limit: 1 })
    const ts = read.messages[0]!.timestamp
    const one = await h.call('messages.offsetRange', { connectionId: h.connectionId, topic, partition: 1, timestamp: ts })
    expect(one.partitions).toEqual([{ partition: 1, earliestOffset: 0, latestOffset: 10, timestampOffset: 4 }])
    const future = await h.call('messages.offsetRange', { connectionId: h.connectionId, topic, partition: 1, timestamp: Date.now() + 3_600_000 })
    expect(future.partitions[0]!.timestampOffset).toBeNull()
    const none = await h.tryCall('messages.offsetRange', { connectionId: h.connectionId, topic, partition: 7 })
    expect(none.ok === false && none.error.code).toBe('NOT_FOUND')
  })

  it("shows each broker's log dir with the replicas it holds and their sizes", async () => {
    const r = await h.call('brokers.logDirs', { connectionId: h.connectionId })
    expect(r.unavailable).toEqual([])
    // The embedded cluster here has three brokers; the real-Kafka target is a single node.
    expect(r.brokers.length).toBe(h.kind === 'kafka' ? 1 : 3)
    const held = r.brokers.flatMap((b) => b.logDirs.flatMap((d) => d.partitions.filter((p) => p.topic === topic)))
    expect(held.map((p) => p.partition).sort()).toEqual([0, 1, 2])
    expect(held.every((p) => p.sizeBytes > 0)).toBe(true)
    for (const b of r.brokers) for (const d of b.logDirs) expect(d.sizeBytes).toBe(d.partitions.reduce((n, p) => n + p.sizeBytes, 0))
    const list = await h.call('topics.list', { connectionId: h.connectionId, withStats: true })
    expect(list.topics.find((x) => x.name === topic)!.sizeBytes).toBe(held.reduce((n, p) => n + p.sizeBytes, 0))
  })

  it("purges a topic to its high watermark; a compacted topic is refused by Kafka's policy", async () => {
    const r = await h.call('topics.purge', { connectionId: h.connectionId, topic })
    expect(r.partitions).toEqual([0, 1, 2].map((partition) => ({ partition, lowWatermark: 10 })))
    const range = await h.call('messages.offsetRange', { connectionId: h.connectionId, topic })
    expect(range.partitions.every((p) => p.earliestOffset === 10 && p.latestOffset === 10)).toBe(true)
    const read = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type: 'earliest' }, limit: 100 })
    expect(read.messages).toEqual([])
    const list = await h.call('topics.list', { connectionId: h.connectionId, withStats: true })
    expect(list.topics.find((x) => x.name === topic)!.messages).toBe(0)
    const c = await h.call('topics.purge', { connectionId: h.connectionId, topic: compacted })
    expect(c.partitions[0]).toMatchObject({ partition: 0, lowWatermark: -1, error: { code: 'KAFKA_POLICY_VIOLATION' } })
  })

  it.runIf(process.env.KAFKADESK_TARGET !== 'kafka')(
    'with a broker paused, names that broker and still lists the rest',
    async () => {
      const meta = await h.call('topics.describe', { connectionId: h.connectionId, topic, withSizes: false })
      const paused = meta.partitions[0]!.leader
      await h.call('embedded.broker.faults', { nodeId: paused, paused: true })
      try {
        const t0 = Date.now()
        const r = await h.call('topics.list', { connectionId: h.connectionId, withStats: true })
        console.log(`topic list with broker ${paused} paused answered in ${Date.now() - t0} ms`)
        expect(r.unavailable!.map((u) => u.nodeId)).toEqual([paused])
        expect(r.unavailable![0]!.reason).toMatch(/did not answer/)
        expect(r.topics.find((x) => x.name === topic)!.messages).toBeNull()
        const logDirs = await h.call('brokers.logDirs', { connectionId: h.connectionId })
        expect(logDirs.unavailable.map((u) => u.nodeId)).toEqual([paused])
        expect(logDirs.brokers.map((b) => b.nodeId)).not.toContain(paused)
        expect(logDirs.brokers.length).toBe(2)
      } finally {
        await h.call('embedded.broker.faults', { nodeId: paused, paused: false })
      }
      await waitFor(
        async () => (await h.call('topics.list', { connectionId: h.connectionId, withStats: true })).unavailable?.length === 0,
        20_000,
        'all brokers answering again',
      )
    },
    60_000,
  )
})
