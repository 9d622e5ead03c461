// The replica manager of one broker: for every partition it hosts it is either the leader
// (tracking its followers, moving the high watermark, shrinking and expanding the ISR through
// AlterPartition, answering acks=all produce once the ISR has the records) or a follower (fetching
// from the leader with Kafka's follower Fetch over TCP). Roles come from the partition state the
// broker replays: { leader, leaderEpoch, partitionEpoch, replicas, isr }.
import type { PartitionAssignment, TopicMetadata } from '../controller/metadata'
import type { AlterPartitionRequest, AlterPartitionResult } from '../controller/alter-partition'
import { ErrorCode, type ErrorName } from '../errors'
import type { PartitionLog } from '../storage/partition-log'
import type { LeaderEpochCache, EpochEndOffset } from '../storage/leader-epoch-cache'
import { LeaderState } from './leader-state'
import { ReplicaFetcher, type FetchedPartition, type FollowedPartition, type FetcherEnv } from './replica-fetcher'
import type { PeerSecurity } from '../security/inter-broker-security'
import { assignEpochs, openEpochCache } from './epochs'
import { checkpointKey, readHighWatermarks, writeHighWatermarks } from './high-watermark-checkpoint'
import { dirname } from 'node:path'

/** Kafka's replica.high.watermark.checkpoint.interval.ms default. */
const HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = 5000

/** What the replica manager needs from its broker (kept narrow so it can run against any host). */
export interface ReplicaHost {
  nodeId: number
  topics(): Iterable<TopicMetadata>
  topic(name: string): TopicMetadata | undefined
  endpoint(nodeId: number): { host: string; port: number; security?: PeerSecurity } | undefined
  partitionLog(topic: string, partition: number): PartitionLog | undefined
  alterPartition(req: AlterPartitionRequest): Promise<AlterPartitionResult>
  configInt(name: string): number
  minInsyncReplicas(topic: TopicMetadata): number
  /** A partition's high watermark moved: wakes the consumers' long-polling fetches of it. */
  highWatermarkMoved(topic: string, partition: number): void
  log(line: string): void
}

interface DelayedProduce {
  requiredOffset: number
  minIsr: number
  resolve: (error: ErrorName) => void
  timer: NodeJS.Timeout
}

interface Hosted {
  key: string
  topic: string
  partition: number
  log: PartitionLog
  epochs: LeaderEpochCache
  role: 'leader' | 'follower' | 'none'
  /** The log's high watermark came from the checkpoint when it was opened. */
  checkpointed: boolean
  leaderId: number
  leaderEpoch: number
  leader?: LeaderState
  alterInFlight: boolean
  /**
   * The ISR an AlterPartition in flight asks for. Until the controller answers, the high
   * watermark counts the union of it and the current ISR (Kafka's maximal ISR, KIP-497): a
   * replica being added must already hold what is acknowledged, since the controller may have
   * made it a leader candidate before this broker hears of it.
   */
  pendingIsr?: number[]
  /** The partition epoch the pending ISR change was computed from: a newer one ends it. */
  pendingFromEpoch: number
  waiting: DelayedProduce[]
}

export class ReplicaManager {
  private readonly hosted = new Map<string, Hosted>()
  private readonly fetchers = new Map<number, ReplicaFetcher>()
  private isrTimer?: NodeJS.Timeout
  private checkpointTimer?: NodeJS.Timeout
  /** Checkpointed high watermarks by log dir, read once per start. */
  private checkpoints = new Map<string, Map<string, number>>()
  /** What the last checkpoint held, by log dir: it is rewritten only when something moved. */
  private written = new Map<string, string>()
  private running = false

  constructor(private readonly host: ReplicaHost) {}

  start(): void {
    this.running = true
    for (const t of this.host.topics()) this.topicChanged(t.name)
    // Kafka checks for lagging followers every replica.lag.time.max.ms / 2.
    const lag = this.lagTimeMs()
    this.isrTimer = setInterval(() => this.shrinkIsrs(), Math.max(50, Math.floor(lag / 2)))
    this.isrTimer.unref()
    this.checkpointTimer = setInterval(() => this.checkpointHighWatermarks(), HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS)
    this.checkpointTimer.unref()
  }

  stop(): void {
    if (this.running) this.checkpointHighWatermarks()
    this.running = false
    clearInterval(this.isrTimer)
    clearInterval(this.checkpointTimer)
    this.checkpoints.clear()
    this.written.clear()
    for (const f of this.fetchers.values()) f.stop()
    this.fetchers.clear()
    for (const h of this.hosted.values()) this.failWaiting(h, 'NOT_LEADER_OR_FOLLOWER')
    this.hosted.clear()
  }

  private lagTimeMs(): number {
    return this.host.configInt('replica.lag.time.max.ms')
  }

  // ---- roles ----

  /** Applies a topic's partition state to the partitions this broker hosts. */
  topicChanged(topicName: string): void {
    if (!this.running) return
    const t = this.host.topic(topicName)
    for (const h of [...this.hosted.values()]) {
      if (h.topic !== topicName) continue
      const p = t?.partitions[h.partition]
      if (!p || !p.replicas.includes(this.host.nodeId)) this.drop(h)
    }
    if (!t) return
    for (const p of t.partitions) if (p.replicas.includes(this.host.nodeId)) this.apply(t, p)
  }

  private drop(h: Hosted): void {
    this.unfollow(h)
    this.failWaiting(h, 'NOT_LEADER_OR_FOLLOWER')
    this.hosted.delete(h.key)
  }

  private apply(t: TopicMetadata, p: PartitionAssignment): void {
    const key = `${t.name}-${p.partition}`
    let h = this.hosted.get(key)
    const log = this.host.partitionLog(t.name, p.partition)
    if (!log) return
    if (h && h.log !== log) {
      this.drop(h)
      h = undefined
    }
    if (!h) {
      const checkpointed = this.checkpointedHighWatermark(log, t.name, p.partition)
      if (checkpointed !== undefined) log.highWatermark = Math.min(checkpointed, log.logEndOffset)
      h = {
        key,
        topic: t.name,
        partition: p.partition,
        log,
        epochs: openEpochCache(log),
        role: 'none',
        checkpointed: checkpointed !== undefined,
        leaderId: -1,
        leaderEpoch: -1,
        alterInFlight: false,
        pendingFromEpoch: -1,
        waiting: [],
      }
      this.hosted.set(key, h)
    }
    const me = this.host.nodeId
    if (p.leader === me) {
      if (h.role === 'leader' && h.leaderEpoch === p.leaderEpoch) this.leaderStateChanged(h, p)
      else this.becomeLeader(h, p)
    } else if (h.role !== 'follower' || h.leaderId !== p.leader || h.leaderEpoch !== p.leaderEpoch) {
      this.becomeFollower(h, t, p)
    }
  }

  private becomeLeader(h: Hosted, p: PartitionAssignment): void {
    this.unfollow(h)
    h.pendingIsr = undefined
    h.role = 'leader'
    h.leaderId = this.host.nodeId
    h.leaderEpoch = p.leaderEpoch
    const leo = h.log.logEndOffset
    // The new epoch starts at this log end offset: followers that hold more diverged.
    h.epochs.assign(p.leaderEpoch, leo)
    h.leader = new LeaderState(this.host.nodeId, p.replicas, p.isr, leo, Date.now())
    this.leaderStateChanged(h, p)
  }

  private leaderStateChangedIfLeader(h: Hosted, p: PartitionAssignment): void {
    if (h.role === 'leader' && h.leader && p.leader === this.host.nodeId && p.leaderEpoch === h.leaderEpoch) this.leaderStateChanged(h, p)
  }

  /** ISR or replica set changed under the same leader epoch. */
  private leaderStateChanged(h: Hosted, p: PartitionAssignment): void {
    if (h.pendingIsr && !h.alterInFlight && p.partitionEpoch !== h.pendingFromEpoch) h.pendingIsr = undefined
    h.leader!.setReplicas(p.replicas)
    const alone = p.isr.length === 1 && p.isr[0] === this.host.nodeId && !h.pendingIsr
    // A leader alone in the ISR commits on append; otherwise followers' fetches move the mark.
    h.log.autoHighWatermark = alone
    this.maybeIncrementHighWatermark(h, p)
    this.checkWaiting(h)
  }

  private becomeFollower(h: Hosted, t: TopicMetadata, p: PartitionAssignment): void {
    this.unfollow(h)
    this.failWaiting(h, 'NOT_LEADER_OR_FOLLOWER')
    // A log just opened knows no high watermark (its tail may be an old leader's uncommitted
    // records): until the leader tells it one, a follower exposes nothing to readers.
    if (h.role === 'none' && !h.checkpointed) h.log.highWatermark = h.log.logStartOffset
    h.role = 'follower'
    h.leader = undefined
    h.leaderId = p.leader
    h.leaderEpoch = p.leaderEpoch
    h.log.autoHighWatermark = false
    if (p.leader < 0) return
    let f = this.fetchers.get(p.leader)
    if (!f) {
      f = new ReplicaFetcher(this.fetcherEnv(), p.leader)
      this.fetchers.set(p.leader, f)
    }
    f.add({ key: h.key, topic: t.name, topicId: t.topicId, partition: p.partition, leaderEpoch: p.leaderEpoch, delayedUntil: 0 })
  }

  private unfollow(h: Hosted): void {
    for (const [id, f] of this.fetchers) {
      if (!f.has(h.key)) continue
      f.remove(h.key)
      if (f.size === 0) {
        f.stop()
        this.fetchers.delete(id)
      }
    }
  }

  // ---- leader side ----

  private partitionState(h: Hosted): PartitionAssignment | undefined {
    return this.host.topic(h.topic)?.partitions[h.partition]
  }

  /** The local view of a hosted partition, for request handlers. */
  state(
    topic: string,
    partition: number,
  ): { role: 'leader' | 'follower' | 'none'; leaderEpoch: number; epochs: LeaderEpochCache; log: PartitionLog; leaderEpochStartOffset: number } | undefined {
    const h = this.hosted.get(`${topic}-${partition}`)
    return h
      ? { role: h.role, leaderEpoch: h.leaderEpoch, epochs: h.epochs, log: h.log, leaderEpochStartOffset: h.leader?.leaderEpochStartOffset ?? -1 }
      : undefined
  }

  /** Kafka's endOffsetForEpoch on this replica's log (OffsetForLeaderEpoch, DivergingEpoch). */
  endOffsetForEpoch(topic: string, partition: number, epoch: number): EpochEndOffset | undefined {
    const h = this.hosted.get(`${topic}-${partition}`)
    return h ? h.epochs.endOffsetFor(epoch, h.log.logEndOffset) : undefined
  }

  /**
   * A follower fetched from this leader at `fetchOffset`: its position moves, it may rejoin the
   * ISR and the high watermark may advance. False when this broker does not lead the partition.
   */
  followerFetched(topic: string, partition: number, replicaId: number, fetchOffset: number, now = Date.now()): boolean {
    const h = this.hosted.get(`${topic}-${partition}`)
    const p = h && this.partitionState(h)
    if (!h || !p || h.role !== 'leader' || !h.leader) return false
    if (!h.leader.updateFollower(replicaId, fetchOffset, h.log.logEndOffset, now)) return false
    if (!h.alterInFlight && h.leader.canJoinIsr(replicaId, p.isr, h.log.highWatermark)) {
      this.alterIsr(h, p, [...p.isr, replicaId], `replica ${replicaId} caught up`)
    }
    this.maybeIncrementHighWatermark(h, p)
    return true
  }

  private maybeIncrementHighWatermark(h: Hosted, p: PartitionAssignment): void {
    if (h.role !== 'leader' || !h.leader) return
    const leo = h.log.logEndOffset
    const isr = h.pendingIsr ? [...new Set([...p.isr, ...h.pendingIsr])] : p.isr
    const hw = h.log.autoHighWatermark && !h.pendingIsr ? leo : h.leader.highWatermark(isr, leo)
    if (hw > h.log.highWatermark) {
      h.log.highWatermark = hw
      this.checkWaiting(h)
      this.host.highWatermarkMoved(h.topic, h.partition)
    }
  }

  private shrinkIsrs(): void {
    if (!this.running) return
    const now = Date.now()
    const lag = this.lagTimeMs()
    for (const h of this.hosted.values()) {
      if (h.role !== 'leader' || !h.leader || h.alterInFlight) continue
      const p = this.partitionState(h)
      if (!p) continue
      const out = h.leader.laggingReplicas(p.isr, now, lag)
      if (out.length > 0)
        this.alterIsr(
          h,
          p,
          p.isr.filter((r) => !out.includes(r)),
          `replicas ${out.join(',')} fell behind for more than ${lag} ms`,
        )
    }
  }

  private alterIsr(h: Hosted, p: PartitionAssignment, newIsr: number[], why: string): void {
    h.alterInFlight = true
    h.pendingIsr = newIsr
    h.pendingFromEpoch = p.partitionEpoch
    // While the change is pending, appends no longer commit by themselves.
    h.log.autoHighWatermark = false
    const done = (failed: boolean) => {
      h.alterInFlight = false
      const now = this.partitionState(h)
      // Kept until this broker's metadata shows the change (the controller may answer first).
      if (failed || !now || now.partitionEpoch !== h.pendingFromEpoch) h.pendingIsr = undefined
      if (now && this.hosted.get(h.key) === h) this.leaderStateChangedIfLeader(h, now)
    }
    const req: AlterPartitionRequest = {
      topic: h.topic,
      partition: h.partition,
      brokerId: this.host.nodeId,
      brokerEpoch: -1,
      leaderEpoch: h.leaderEpoch,
      partitionEpoch: p.partitionEpoch,
      newIsr,
    }
    const from = p.isr.join(',')
    this.host.alterPartition(req).then(
      (res) => {
        done(res.error !== null)
        if (res.error) this.host.log(`ISR change of ${h.key} from [${from}] to [${newIsr.join(',')}] refused: ${res.error} ${res.message ?? ''}`)
        else this.host.log(`ISR of ${h.key} shrank/expanded from [${from}] to [${newIsr.join(',')}]: ${why}`)
      },
      (e: Error) => {
        done(true)
        this.host.log(`ISR change of ${h.key} failed: ${e.message}`)
      },
    )
  }

  // ---- high watermark checkpoint ----

  private checkpointedHighWatermark(log: PartitionLog, topic: string, partition: number): number | undefined {
    const dir = dirname(log.dir)
    let m = this.checkpoints.get(dir)
    if (!m) this.checkpoints.set(dir, (m = readHighWatermarks(dir)))
    return m.get(checkpointKey(topic, partition))
  }

  /** Writes each log dir's high watermarks when one moved (Kafka checkpoints them every 5 s). */
  private checkpointHighWatermarks(): void {
    const byDir = new Map<string, { topic: string; partition: number; highWatermark: number }[]>()
    for (const h of this.hosted.values()) {
      const dir = dirname(h.log.dir)
      let list = byDir.get(dir)
      if (!list) byDir.set(dir, (list = []))
      list.push({ topic: h.topic, partition: h.partition, highWatermark: h.log.highWatermark })
    }
    for (const [dir, entries] of byDir) {
      // A cheap fingerprint: tens of thousands of partitions are not serialised every interval for nothing.
      let weighted = 0
      let sum = 0
      entries.forEach((e, i) => {
        sum += e.highWatermark
        weighted = (weighted + (e.highWatermark % 1_000_003) * ((i % 65_521) + 1)) % 2_147_483_647
      })
      const summary = `${entries.length}:${sum}:${weighted}`
      if (this.written.get(dir) === summary) continue
      try {
        writeHighWatermarks(dir, entries)
        this.written.set(dir, summary)
      } catch (e) {
        // Only a restart's view of the high watermark gets older; the next interval tries again.
        this.host.log(`high watermark checkpoint in ${dir} not written: ${(e as Error).message}`)
      }
    }
  }

  // ---- acks=all ----

  /**
   * Resolves once the ISR holds everything below `requiredOffset` (the high watermark reached
   * it): NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR is then smaller than
   * min.insync.replicas; NOT_LEADER_OR_FOLLOWER when leadership is lost; REQUEST_TIMED_OUT.
   */
  waitForIsr(topic: string, partition: number, requiredOffset: number, minIsr: number, timeoutMs: number): Promise<ErrorName> {
    const h = this.hosted.get(`${topic}-${partition}`)
    if (!h || h.role !== 'leader') return Promise.resolve('NOT_LEADER_OR_FOLLOWER')
    const now = this.evaluate(h, requiredOffset, minIsr)
    if (now) return Promise.resolve(now)
    return new Promise((resolve) => {
      const w: DelayedProduce = {
        requiredOffset,
        minIsr,
        resolve,
        timer: setTimeout(() => {
          h.waiting = h.waiting.filter((x) => x !== w)
          resolve('REQUEST_TIMED_OUT')
        }, timeoutMs),
      }
      h.waiting.push(w)
    })
  }

  private evaluate(h: Hosted, requiredOffset: number, minIsr: number): ErrorName | null {
    if (h.role !== 'leader') return 'NOT_LEADER_OR_FOLLOWER'
    if (h.log.highWatermark < requiredOffset) return null
    const isr = this.partitionState(h)?.isr.length ?? 0
    return isr >= minIsr ? 'NONE' : 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'
  }

  private checkWaiting(h: Hosted): void {
    if (h.waiting.length === 0) return
    const still: DelayedProduce[] = []
    for (const w of h.waiting) {
      const r = this.evaluate(h, w.requiredOffset, w.minIsr)
      if (r === null) still.push(w)
      else {
        clearTimeout(w.timer)
        w.resolve(r)
      }
    }
    h.waiting = still
  }

  private failWaiting(h: Hosted, error: ErrorName): void {
    for (const w of h.waiting) {
      clearTimeout(w.timer)
      w.resolve(error)
    }
    h.waiting = []
  }

  // ---- follower side ----

  private fetcherEnv(): FetcherEnv {
    const cfg = (n: string) => this.host.configInt(n)
    return {
      nodeId: this.host.nodeId,
      brokerEpoch: () => -1,
      endpoint: (id) => this.host.endpoint(id),
      config: {
        waitMaxMs: cfg('replica.fetch.wait.max.ms'),
        minBytes: cfg('replica.fetch.min.bytes'),
        maxBytes: cfg('replica.fetch.max.bytes'),
        responseMaxBytes: cfg('replica.fetch.response.max.bytes'),
        backoffMs: cfg('replica.fetch.backoff.ms'),
        socketTimeoutMs: cfg('replica.socket.timeout.ms'),
      },
      position: (fp) => {
        const h = this.hosted.get(fp.key)
        if (!h || h.role !== 'follower') return undefined
        return { fetchOffset: h.log.logEndOffset, lastFetchedEpoch: h.epochs.latestEpoch(), logStartOffset: h.log.logStartOffset }
      },
      apply: (fp, data, fetchOffset) => {
        try {
          this.applyFetched(fp, data, fetchOffset)
        } catch (e) {
          // A disk error while truncating or checkpointing epochs: this partition pauses and
          // retries; the broker and its other partitions carry on.
          this.host.log(`replicating ${fp.key} failed: ${(e as Error).message}`)
          fp.delayedUntil = Date.now() + this.host.configInt('replica.fetch.backoff.ms')
        }
      },
      log: (line) => this.host.log(line),
    }
  }

  private applyFetched(fp: FollowedPartition, d: FetchedPartition, fetchOffset: number): void {
    const h = this.hosted.get(fp.key)
    if (!h || h.role !== 'follower' || h.leaderEpoch !== fp.leaderEpoch) return
    const log = h.log
    const backoff = () => {
      fp.delayedUntil = Date.now() + this.host.configInt('replica.fetch.backoff.ms')
    }
    if (log.logEndOffset !== fetchOffset) return
    switch (d.errorCode) {
      case ErrorCode.NONE:
        break
      case ErrorCode.OFFSET_OUT_OF_RANGE:
        this.handleOutOfRange(h, d, fetchOffset)
        return
      default:
        // NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC…: the partition
        // state this broker replays will tell where to fetch from; retry after a pause.
        backoff()
        return
    }
    const div = d.divergingEpoch
    if (div && div.epoch >= 0 && div.endOffset >= 0) {
      const local = h.epochs.endOffsetFor(div.epoch, log.logEndOffset)
      const to = Math.min(div.endOffset, local.endOffset >= 0 ? local.endOffset : div.endOffset, log.logEndOffset)
      this.host.log(`truncating ${h.key} from ${log.logEndOffset} to ${to}: it diverged from the leader at epoch ${div.epoch}`)
      this.truncate(h, to)
      return
    }
    if (d.records && d.records.length > 0) {
      assignEpochs(h.epochs, d.records)
      const res = log.appendAsFollower(d.records)
      if ('error' in res) {
        this.host.log(`appending fetched records to ${h.key} failed: ${res.error} ${res.message}`)
        h.epochs.truncateFromEnd(log.logEndOffset)
        backoff()
        return
      }
    }
    if (d.logStartOffset > log.logStartOffset && d.logStartOffset <= log.logEndOffset) {
      log.highWatermark = Math.max(log.highWatermark, Math.min(d.logStartOffset, log.logEndOffset))
      if (!('error' in log.deleteRecordsBefore(d.logStartOffset))) h.epochs.truncateFromStart(log.logStartOffset)
    }
    const hw = Math.min(d.highWatermark, log.logEndOffset)
    // Only readers of this replica (consumers fetching from a follower, KIP-392) wait on it, and
    // they see up to the high watermark: waking every long-polling fetch on this broker after
    // each fetched batch, the peers' follower fetches included, was work for nothing.
    if (hw >= 0 && hw !== log.highWatermark) {
      log.highWatermark = hw
      this.host.highWatermarkMoved(h.topic, h.partition)
    }
  }

  private handleOutOfRange(h: Hosted, d: FetchedPartition, fetchOffset: number): void {
    const log = h.log
    if (d.logStartOffset >= 0 && fetchOffset < d.logStartOffset) {
      this.host.log(`${h.key}: the leader's log starts at ${d.logStartOffset}, after this replica's end ${fetchOffset}: starting over there`)
      log.truncateFullyAndStartAt(d.logStartOffset)
      h.epochs.clear()
      return
    }
    // Ahead of the leader: what is below its high watermark is committed and certainly shared.
    const to = Math.max(log.logStartOffset, Math.min(d.highWatermark >= 0 ? d.highWatermark : log.highWatermark, fetchOffset))
    this.host.log(`${h.key}: fetch offset ${fetchOffset} is beyond the leader's log: truncating to ${to}`)
    this.truncate(h, to)
  }

  private truncate(h: Hosted, offset: number): void {
    h.log.truncateTo(offset)
    h.epochs.truncateFromEnd(h.log.logEndOffset)
  }
}
