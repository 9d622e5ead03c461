// A compacted topic's dirty ratio and last cleaning through the console's embedded.cleaner
// channel, as the topic page asks for them: Kafka has these only as JMX metrics, so the broker
// processes of the embedded cluster answer them over their supervisor's channel. The topic
// starts with min.cleanable.dirty.ratio=1 (a ratio must be strictly above it, so nothing is
// cleaned) while repeated keys fill several segments; then the ratio is lowered and the cleaner,
// whose backoff is lowered through a dynamic broker config, cleans it. Embedded only.
import { beforeAll, describe, expect, it } from 'vitest'
import { uniqueName, waitFor } from './setup'
import { targetKind } from '../interop/target'
import type { CleanerPartition } from '../../src-main/ipc/contract'
import { useHarness } from './fixtures'

const embedded = targetKind() === 'embedded'
const h = useHarness({ brokers: 1, enabled: embedded })

beforeAll(async () => {
  if (!embedded) return
  const diff = await h.call('configs.alter', {
    connectionId: h.connectionId,
    resource: { type: 'broker', name: '1' },
    changes: [{ name: 'log.cleaner.backoff.ms', op: 'set', value: '200' }],
  })
  expect(diff.errors).toEqual([])
}, 90_000)

async function partition0(topic: string): Promise<CleanerPartition | undefined> {
  const r = await h.call('embedded.cleaner', { topic })
  expect(r.unavailable).toEqual([])
  return r.partitions.find((p) => p.partition === 0)
}

/** One round of 20 records over 5 keys, in a batch of its own. */
async function round(topic: string, n: number): Promise<void> {
  const messages = Array.from({ length: 20 }, (_, i) => ({
    key: { format: 'string' as const, data: `key-${i % 5}` },
    value: { format: 'string' as const, data: `round ${n} value ${i} ${'x'.repeat(200)}` },
    partition: 0,
  }))
  await h.call('produce.send', { connectionId: h.connectionId, topic, messages })
}

describe.skipIf(!embedded)('the log cleaner state of a compacted topic in the console', () => {
  it('shows a dirty ratio above zero before cleaning, then a last cleaning and a lower dirty ratio after the cleaner ran', async () => {
    const topic = uniqueName('compacted-stats')
    await h.call('topics.create', {
      connectionId: h.connectionId,
      topic,
      partitions: 1,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '1' },
    })
    // Each round goes to a new segment once segment.ms has passed; the last one stays active and is never cleaned.
    let n = 0
    const before = await waitFor(
      async () => {
        await round(topic, n++)
        const p = await partition0(topic)
        return p && n >= 4 && p.dirtyBytes > 0 ? p : undefined
      },
      20_000,
      'dirty segments below the active one',
    )
    expect(before).toMatchObject({ nodeId: 1, leader: true, compacted: true, minCleanableDirtyRatio: 1, lastCleanTime: null, checkpointOffset: null })
    expect(before.dirtyRatio).toBeGreaterThan(0)
    expect(before.firstUncleanableOffset).toBeGreaterThan(before.firstDirtyOffset)

    const lowered = Date.now()
    await h.call('configs.alter', {
      connectionId: h.connectionId,
      resource: { type: 'topic', name: topic },
      changes: [{ name: 'min.cleanable.dirty.ratio', op: 'set', value: '0.01' }],
    })
    const after = await waitFor(
      async () => {
        const p = await partition0(topic)
        return p && p.lastCleanTime !== null ? p : undefined
      },
      25_000,
      'a cleaning',
    )
    expect(after.minCleanableDirtyRatio).toBe(0.01)
    expect(after.lastCleanTime).toBeGreaterThanOrEqual(lowered)
    expect(after.lastCleanMs).toBeGreaterThanOrEqual(0)
    expect(after.dirtyRatio).toBeLessThan(before.dirtyRatio)
    // The checkpoint is the new first dirty offset: everything below the old first uncleanable offset was cleaned.
    expect(after.checkpointOffset).toBeGreaterThanOrEqual(before.firstUncleanableOffset)
    // 4 or more rounds of the same 5 keys: all but the latest value of each key in the cleaned segments went.
    expect(after.recordsRemoved).toBeGreaterThan(0)
    expect(after.bytesRemoved).toBeGreaterThan(0)

    // More of the same keys: once a new segment rolls the ratio is above 0.01 again, and the next cleaning shows a later time.
    const again = await waitFor(
      async () => {
        await round(topic, n++)
        const p = await partition0(topic)
        return p?.lastCleanTime && p.lastCleanTime > after.lastCleanTime! ? p : undefined
      },
      20_000,
      'a second cleaning',
    )
    expect(again.checkpointOffset).toBeGreaterThan(after.checkpointOffset!)
  }, 60_000)

  it('lists no partitions of a topic that does not exist', async () => {
    const r = await h.call('embedded.cleaner', { topic: uniqueName('absent') })
    expect(r).toEqual({ topic: expect.any(String), partitions: [], unavailable: [] })
  })
})
