// What a partition leader knows about its followers, from their Fetch requests: each one's log
// end offset and when it was last caught up. From these the leader computes the high watermark
// (the smallest log end offset in the ISR) and which replicas leave or join the ISR. Pure logic,
// no I/O, so the rules can be tested alone.

export interface FollowerState {
  /** The follower's log end offset (its last fetch offset); -1 until it fetched under this leader. */
  logEndOffset: number
  /** Last time the follower had everything the leader had (Kafka's lastCaughtUpTimeMs). */
  lastCaughtUpTimeMs: number
  lastFetchTimeMs: number
  /** The leader's log end offset at the follower's previous fetch. */
  lastFetchLeaderLogEndOffset: number
}

export class LeaderState {
  readonly followers = new Map<number, FollowerState>()

  /**
   * @param leaderEpochStartOffset the leader's log end offset when it became leader: a follower
   *   joins the ISR only once it has everything up to there (it then holds this epoch's data).
   */
  constructor(
    readonly leaderId: number,
    replicas: number[],
    isr: number[],
    readonly leaderEpochStartOffset: number,
    now: number,
  ) {
    // ISR members get a full lag period to show up before they can be dropped.
    for (const r of replicas)
      if (r !== leaderId)
        this.followers.set(r, { logEndOffset: -1, lastCaughtUpTimeMs: isr.includes(r) ? now : 0, lastFetchTimeMs: 0, lastFetchLeaderLogEndOffset: -1 })
  }

  /** Adds followers that joined the replica set (reassignment) and drops those that left. */
  setReplicas(replicas: number[]): void {
    for (const r of replicas)
      if (r !== this.leaderId && !this.followers.has(r))
        this.followers.set(r, { logEndOffset: -1, lastCaughtUpTimeMs: 0, lastFetchTimeMs: 0, lastFetchLeaderLogEndOffset: -1 })
    for (const r of [...this.followers.keys()]) if (!replicas.includes(r)) this.followers.delete(r)
  }

  /**
   * A follower fetched from `fetchOffset` (Kafka's Replica.updateFetchState): it is caught up
   * now if it asked for the leader's end offset, or as of its previous fetch if it asked for at
   * least what the leader had then.
   */
  updateFollower(replicaId: number, fetchOffset: number, leaderLogEndOffset: number, now: number): boolean {
    const f = this.followers.get(replicaId)
    if (!f) return false
    if (fetchOffset >= leaderLogEndOffset) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, now)
    else if (fetchOffset >= f.lastFetchLeaderLogEndOffset) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, f.lastFetchTimeMs)
    f.logEndOffset = fetchOffset
    f.lastFetchLeaderLogEndOffset = leaderLogEndOffset
    f.lastFetchTimeMs = now
    return true
  }

  /** The high watermark the ISR allows: the smallest log end offset among its members. */
  highWatermark(isr: number[], leaderLogEndOffset: number): number {
    let hw = leaderLogEndOffset
    for (const r of isr) {
      if (r === this.leaderId) continue
      const f = this.followers.get(r)
      // An ISR member not heard from under this leader holds the mark where it is.
      if (!f || f.logEndOffset < 0) return -1
      hw = Math.min(hw, f.logEndOffset)
    }
    return hw
  }

  /** ISR members that have not been caught up for longer than `lagMs` (replica.lag.time.max.ms). */
  laggingReplicas(isr: number[], now: number, lagMs: number): number[] {
    return isr.filter((r) => {
      if (r === this.leaderId) return false
      const f = this.followers.get(r)
      return !f || now - f.lastCaughtUpTimeMs > lagMs
    })
  }

  /**
   * Whether a follower outside the ISR may join it (Kafka's isFollowerInSync): it has reached
   * the high watermark and the start of this leader's epoch.
   */
  canJoinIsr(replicaId: number, isr: number[], highWatermark: number): boolean {
    if (isr.includes(replicaId)) return false
    const f = this.followers.get(replicaId)
    if (!f || f.logEndOffset < 0) return false
    return f.logEndOffset >= highWatermark && f.logEndOffset >= this.leaderEpochStartOffset
  }
}
