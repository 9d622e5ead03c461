// What every interop test checks after producing keyed messages and reading a topic back.
import { expect } from 'vitest'

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type Codec = (typeof CODECS)[number]

export interface Produced {
  key: string
  value: string
}

export interface Consumed {
  partition: number
  offset: number | bigint | string
  key: string | null
  value: string | null
}

/**
 * `count` messages tagged `tag` (values `<tag>-<i>`), keys cycling over `keys` distinct keys.
 * Values carry the tag so a message that crossed into another codec's batch is caught.
 */
export function keyedMessages(tag: string, count: number, keys = 8): Produced[] {
  return Array.from({ length: count }, (_, i) => ({ key: `key-${i % keys}`, value: `${tag}-${i}` }))
}

/**
 * Consumers deliver at least once: after a group rebalance (e.g. on a loaded machine) a
 * consumer may read an offset again. A repeated partition/offset must carry the same record;
 * it is then counted once. Distinct offsets with the same content are NOT merged, so a
 * duplicated write still fails the checks below.
 */
export function distinctRecords<T extends Consumed>(consumed: T[]): T[] {
  const seen = new Map<string, T>()
  for (const c of consumed) {
    const id = `${c.partition}@${Number(c.offset)}`
    const first = seen.get(id)
    if (first) {
      expect({ key: c.key, value: c.value }, `record redelivered at ${id}`).toEqual({ key: first.key, value: first.value })
    } else {
      seen.set(id, c)
    }
  }
  return [...seen.values()]
}

/**
 * Checks a topic read back in full against what was produced to it, in produce order:
 * - every produced message comes back exactly once, with its key;
 * - offsets in each partition are 0, 1, 2, … with no gap or repeat;
 * - each key lives in exactly one partition (keys routed consistently), and keys spread over
 *   more than one partition;
 * - within each partition the messages are in produce order.
 * Returns the partition of each key.
 */
export function expectLog(consumed: Consumed[], produced: Produced[], partitions: number): Map<string, number> {
  consumed = distinctRecords(consumed)
  expect(consumed.length, 'number of messages read back').toBe(produced.length)

  const byPartition = new Map<number, Array<{ offset: number; key: string | null; value: string | null }>>()
  for (const c of consumed) {
    expect(c.partition).toBeGreaterThanOrEqual(0)
    expect(c.partition).toBeLessThan(partitions)
    const list = byPartition.get(c.partition) ?? []
    list.push({ offset: Number(c.offset), key: c.key, value: c.value })
    byPartition.set(c.partition, list)
  }

  const keyPartition = new Map<string, number>()
  for (const [partition, list] of byPartition) {
    list.sort((a, b) => a.offset - b.offset)
    expect(
      list.map((m) => m.offset),
      `offsets of partition ${partition}`,
    ).toEqual(list.map((_, i) => i))
    for (const m of list) {
      expect(m.key, `key of ${partition}@${m.offset}`).not.toBeNull()
      const seen = keyPartition.get(m.key!)
      if (seen !== undefined) expect(partition, `partition of key ${m.key}`).toBe(seen)
      keyPartition.set(m.key!, partition)
    }
  }

  const sortPairs = (xs: Array<{ key: string | null; value: string | null }>): string[] => xs.map((m) => `${m.key}=${m.value}`).sort()
  expect(sortPairs(consumed), 'messages read back').toEqual(sortPairs(produced))

  for (const [partition, list] of byPartition) {
    const expected = produced.filter((p) => keyPartition.get(p.key) === partition).map((p) => `${p.key}=${p.value}`)
    expect(
      list.map((m) => `${m.key}=${m.value}`),
      `order in partition ${partition}`,
    ).toEqual(expected)
  }
  if (new Set(produced.map((p) => p.key)).size >= 8 && partitions > 1) {
    expect(byPartition.size, 'partitions the keys were spread over').toBeGreaterThan(1)
  }
  return keyPartition
}
