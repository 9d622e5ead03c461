// The leader-epoch cache answers where a leader epoch ended (Kafka's endOffsetFor), which epoch
// wrote an offset, and survives a restart as Kafka's leader-epoch-checkpoint file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LeaderEpochCache, LEADER_EPOCH_CHECKPOINT_FILE } from '../../../src-main/broker/storage/leader-epoch-cache'

const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})

function cache(entries: [number, number][]): LeaderEpochCache {
  const c = LeaderEpochCache.inMemory()
  for (const [epoch, start] of entries) c.assign(epoch, start)
  return c
}

describe('LeaderEpochCache', () => {
  it("answers Kafka's endOffsetFor: the latest epoch ends at the log end, older ones where the next begins", () => {
    const c = cache([
      [0, 0],
      [2, 10],
      [5, 25],
    ])
    expect(c.endOffsetFor(5, 40)).toEqual({ epoch: 5, endOffset: 40 })
    expect(c.endOffsetFor(2, 40)).toEqual({ epoch: 2, endOffset: 25 })
    // An epoch this log never saw: the largest epoch below it, ending where the next starts.
    expect(c.endOffsetFor(3, 40)).toEqual({ epoch: 2, endOffset: 25 })
    expect(c.endOffsetFor(1, 40)).toEqual({ epoch: 0, endOffset: 10 })
    // Newer than any known epoch, or no epoch: undefined.
    expect(c.endOffsetFor(6, 40)).toEqual({ epoch: -1, endOffset: -1 })
    expect(c.endOffsetFor(-1, 40)).toEqual({ epoch: -1, endOffset: -1 })
    expect(LeaderEpochCache.inMemory().endOffsetFor(0, 0)).toEqual({ epoch: -1, endOffset: -1 })
  })

  it('names the epoch that wrote an offset', () => {
    const c = cache([
      [1, 5],
      [3, 12],
    ])
    expect(c.epochForOffset(4)).toBe(-1)
    expect(c.epochForOffset(5)).toBe(1)
    expect(c.epochForOffset(11)).toBe(1)
    expect(c.epochForOffset(12)).toBe(3)
    expect(c.epochForOffset(1000)).toBe(3)
  })

  it('keeps epochs increasing: an older or contradicted epoch is not added, truncation cuts both ends', () => {
    const c = cache([
      [0, 0],
      [1, 10],
      [2, 20],
    ])
    c.assign(1, 30) // older than the latest: ignored
    expect(c.all()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 10 },
      { epoch: 2, startOffset: 20 },
    ])
    c.assign(3, 15) // a newer epoch starting earlier replaces what it contradicts
    expect(c.all()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 10 },
      { epoch: 3, startOffset: 15 },
    ])
    c.truncateFromEnd(15)
    expect(c.latestEpoch()).toBe(1)
    c.truncateFromStart(12)
    expect(c.all()).toEqual([{ epoch: 1, startOffset: 12 }])
  })

  it("persists as Kafka's leader-epoch-checkpoint and loads it back", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-epochs-'))
    dirs.push(dir)
    const c = LeaderEpochCache.load(dir)
    c.assign(0, 0)
    c.assign(4, 17)
    expect(readFileSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), 'utf8')).toBe('0\n2\n0 0\n4 17\n')
    expect(LeaderEpochCache.load(dir).all()).toEqual(c.all())
  })
})
