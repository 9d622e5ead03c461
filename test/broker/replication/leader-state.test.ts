// The leader's bookkeeping of its followers (replication/leader-state.ts): the high watermark is
// the smallest log end offset in the ISR, a follower is in sync while it keeps catching up with
// the leader's log end (Kafka's lastCaughtUpTimeMs), and joins the ISR only once it holds the
// high watermark and the start of the leader's epoch.
import { describe, expect, it } from 'vitest'
import { LeaderState } from '../../../src-main/broker/replication/leader-state'

describe('LeaderState', () => {
  it('holds the high watermark until every ISR member has fetched, then takes their smallest log end offset', () => {
    const s = new LeaderState(1, [1, 2, 3], [1, 2, 3], 0, 1000)
    expect(s.highWatermark([1, 2, 3], 10)).toBe(-1)
    s.updateFollower(2, 10, 10, 1001)
    expect(s.highWatermark([1, 2, 3], 10)).toBe(-1)
    s.updateFollower(3, 6, 10, 1002)
    expect(s.highWatermark([1, 2, 3], 10)).toBe(6)
    // A follower outside the ISR does not hold it back.
    expect(s.highWatermark([1, 2], 10)).toBe(10)
    // The leader alone: its own log end.
    expect(s.highWatermark([1], 12)).toBe(12)
  })

  it('keeps a follower in sync while it reaches the log end it saw at its previous fetch, and drops it after the lag time', () => {
    const lag = 1000
    const s = new LeaderState(1, [1, 2], [1, 2], 0, 0)
    // In sync at start: a full lag period to show up.
    expect(s.laggingReplicas([1, 2], 900, lag)).toEqual([])
    expect(s.laggingReplicas([1, 2], 1001, lag)).toEqual([2])
    s.updateFollower(2, 5, 5, 1100) // caught up with the leader's end
    expect(s.laggingReplicas([1, 2], 2000, lag)).toEqual([])
    // The leader moved on to 9; the follower's next fetch asks for 5..9's start (what it had
    // then): caught up as of its previous fetch, not now.
    s.updateFollower(2, 5, 9, 1500)
    expect(s.followers.get(2)!.lastCaughtUpTimeMs).toBe(1100)
    s.updateFollower(2, 9, 20, 1900) // reached what the leader had at 1500
    expect(s.followers.get(2)!.lastCaughtUpTimeMs).toBe(1500)
    expect(s.laggingReplicas([1, 2], 2400, lag)).toEqual([])
    expect(s.laggingReplicas([1, 2], 2600, lag)).toEqual([2])
    // The leader itself never lags.
    expect(s.laggingReplicas([1], 1e9, lag)).toEqual([])
  })

  it('lets a follower join the ISR only at or past the high watermark and the start of the leader epoch', () => {
    const s = new LeaderState(1, [1, 2, 3], [1, 2], 50, 0)
    expect(s.canJoinIsr(3, [1, 2], 40)).toBe(false) // never fetched
    s.updateFollower(3, 45, 60, 10)
    expect(s.canJoinIsr(3, [1, 2], 40)).toBe(false) // below the epoch start
    s.updateFollower(3, 55, 60, 20)
    expect(s.canJoinIsr(3, [1, 2], 58)).toBe(false) // below the high watermark
    expect(s.canJoinIsr(3, [1, 2], 55)).toBe(true)
    expect(s.canJoinIsr(2, [1, 2], 0)).toBe(false) // already in
  })

  it('follows reassignments: new followers are tracked, removed ones forgotten, strangers ignored', () => {
    const s = new LeaderState(1, [1, 2], [1, 2], 0, 0)
    expect(s.updateFollower(3, 0, 0, 1)).toBe(false)
    s.setReplicas([1, 2, 3])
    expect(s.updateFollower(3, 0, 0, 1)).toBe(true)
    s.setReplicas([1, 3])
    expect(s.followers.has(2)).toBe(false)
  })
})
