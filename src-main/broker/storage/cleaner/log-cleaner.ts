/**
 * The log cleaner of one broker (Kafka's LogCleaner with one cleaner thread): every
 * log.cleaner.backoff.ms it picks the filthiest compacted log — the highest dirty ratio above
 * its min.cleanable.dirty.ratio, or one past max.compaction.lag.ms, or else one whose tombstones'
 * delete horizon has passed — cleans it (clean-log.ts) and records its new first dirty offset in
 * the log directory's cleaner-offset-checkpoint. Then it looks again at once, so a backlog is
 * worked through without waiting.
 *
 * Cleaning runs on the broker's event loop in slices of 10 ms with a yield in between: requests
 * are served between slices. Each replica cleans its own log,
 * followers included, as in Kafka. log.cleaner.io.max.bytes.per.second throttles the bytes read.
 */
import { cleanableRange, cleanLog, CleaningAborted, isCompacted, type CleanableRange, type CleanResult } from './clean-log.js'
import { partitionKey, readCleanerCheckpoint, writeCleanerCheckpoint } from './cleaner-checkpoint.js'
import { OffsetMap } from './offset-map.js'
import type { PartitionLog } from '../partition-log.js'

export interface CleanerLogEntry {
  topic: string
  partition: number
  log: PartitionLog
}

export interface LogCleanerOptions {
  /** The log directory holding cleaner-offset-checkpoint. */
  logDir: string
  /** The partition logs this broker holds now. */
  logs: () => Iterable<CleanerLogEntry>
  /** A broker config by Kafka's name (dynamic values apply at the next round). */
  config: (name: string) => string | null
  log?: (line: string) => void
  now?: () => number
  /** Longest stretch of cleaning work between yields to the event loop (default 10 ms). */
  sliceMs?: number
}

/** What the cleaner last did to a log (shown with the topic; Kafka has these as metrics). */
export interface CleanerStats {
  lastCleanTime: number
  lastCleanMs: number
  bytesRead: number
  bytesWritten: number
  recordsRead: number
  recordsKept: number
}

/** One partition log as the cleaner sees it now, with what its last cleaning did (null: not cleaned since the broker started). */
export interface CleanerPartitionState {
  partition: number
  compacted: boolean
  /** dirty bytes / (clean + dirty bytes) below the first uncleanable offset, as LogCleanerManager computes it. */
  dirtyRatio: number
  minCleanableDirtyRatio: number
  cleanBytes: number
  dirtyBytes: number
  firstDirtyOffset: number
  firstUncleanableOffset: number
  /** The log's entry in cleaner-offset-checkpoint. */
  checkpointOffset: number | null
  lastCleanTime: number | null
  lastCleanMs: number | null
  bytesRemoved: number | null
  recordsRemoved: number | null
}

export class LogCleaner {
  private readonly checkpoints: Map<string, number>
  private readonly stats = new Map<string, CleanerStats>()
  /** Per log, the latest delete horizon written: once passed, the log is cleaned again to drop its tombstones. */
  private readonly deleteHorizons = new Map<string, number>()
  private running = false
  private stopping = false
  private timer?: NodeJS.Timeout
  private wake?: () => void
  private loopDone: Promise<void> = Promise.resolve()
  private readonly now: () => number
  private readonly logLine: (line: string) => void
  /** Total bytes read and the time spent cleaning, for the throttle and the bench. */
  totalBytesRead = 0
  totalCleanMs = 0

  constructor(private readonly opts: LogCleanerOptions) {
    this.now = opts.now ?? Date.now
    this.logLine = opts.log ?? (() => {})
    this.checkpoints = readCleanerCheckpoint(opts.logDir)
  }

  private num(name: string, fallback: number): number {
    const raw = this.opts.config(name)
    const v = raw === null || raw.trim() === '' ? NaN : Number(raw)
    return Number.isFinite(v) ? v : fallback
  }

  get enabled(): boolean {
    return this.opts.config('log.cleaner.enable') !== 'false'
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.stopping = false
    this.loopDone = this.loop()
  }

  /** Stops after the current slice; an unfinished cleaning is dropped (its output deleted). */
  async stop(): Promise<void> {
    if (!this.running) return
    this.stopping = true
    clearTimeout(this.timer)
    this.wake?.()
    await this.loopDone
    this.running = false
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let cleaned = false
      if (this.enabled) {
        try {
          cleaned = await this.cleanFilthiestLog()
        } catch (e) {
          if (!(e instanceof CleaningAborted)) this.logLine(`log cleaner: ${(e as Error).message}`)
        }
      }
      if (this.stopping) break
      if (!cleaned) {
        // the backoff is read again every second, so a dynamic change applies without waiting out the old one
        const from = Date.now()
        let left: number
        while (!this.stopping && (left = this.num('log.cleaner.backoff.ms', 15000) - (Date.now() - from)) > 0) await this.sleep(Math.min(left, 1000))
      } else await new Promise<void>((r) => setImmediate(r))
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        clearTimeout(this.timer)
        this.wake = undefined
        resolve()
      }
      this.timer = setTimeout(() => this.wake?.(), ms)
      this.timer.unref?.()
    })
  }

  /** Wakes the cleaner now (tests, and a dynamic config change). */
  poke(): void {
    this.wake?.()
  }

  /** Dirty ratio and cleanable range of a log as the cleaner sees it now. */
  range(topic: string, partition: number, log: PartitionLog): CleanableRange {
    return cleanableRange(log, this.checkpoints.get(partitionKey(topic, partition)), this.now())
  }

  statsOf(topic: string, partition: number): CleanerStats | undefined {
    return this.stats.get(partitionKey(topic, partition))
  }

  checkpointOf(topic: string, partition: number): number | undefined {
    return this.checkpoints.get(partitionKey(topic, partition))
  }

  /**
   * The cleaner's view of each partition of `topic` this broker holds (leader or follower): what
   * Kafka reports only as JMX metrics (LogCleanerManager's max-dirty-percent, LogCleaner's
   * last cleaning), for the console of the embedded cluster.
   */
  partitionStates(topic: string): CleanerPartitionState[] {
    const out: CleanerPartitionState[] = []
    for (const e of this.opts.logs()) {
      if (e.topic !== topic) continue
      let r: CleanableRange
      try {
        r = this.range(e.topic, e.partition, e.log)
      } catch {
        continue // a closed log (the topic is being deleted) has no state to show
      }
      const s = this.statsOf(e.topic, e.partition)
      out.push({
        partition: e.partition,
        compacted: isCompacted(e.log),
        dirtyRatio: r.dirtyRatio,
        minCleanableDirtyRatio: e.log.config['min.cleanable.dirty.ratio'],
        cleanBytes: r.cleanBytes,
        dirtyBytes: r.dirtyBytes,
        firstDirtyOffset: r.firstDirtyOffset,
        firstUncleanableOffset: r.firstUncleanableOffset,
        checkpointOffset: this.checkpointOf(e.topic, e.partition) ?? null,
        lastCleanTime: s?.lastCleanTime ?? null,
        lastCleanMs: s?.lastCleanMs ?? null,
        bytesRemoved: s ? s.bytesRead - s.bytesWritten : null,
        recordsRemoved: s ? s.recordsRead - s.recordsKept : null,
      })
    }
    return out.sort((a, b) => a.partition - b.partition)
  }

  /** Picks the log most in need of cleaning, as Kafka's grabFilthiestCompactedLog does. */
  private pick(): CleanerLogEntry | undefined {
    const now = this.now()
    let best: { e: CleanerLogEntry; ratio: number } | undefined
    let tombstones: CleanerLogEntry | undefined
    for (const e of this.opts.logs()) {
      if (!isCompacted(e.log)) continue
      let r: CleanableRange
      try {
        r = this.range(e.topic, e.partition, e.log)
      } catch {
        continue // a closed or failing log is skipped
      }
      // as Kafka: due past max.compaction.lag.ms, or when the dirty ratio is strictly above min.cleanable.dirty.ratio
      const due = r.dirtyBytes > 0 && (r.needCompactionNow || r.dirtyRatio > e.log.config['min.cleanable.dirty.ratio'])
      if (due && (!best || r.dirtyRatio > best.ratio)) best = { e, ratio: r.dirtyRatio }
      const hz = this.deleteHorizons.get(partitionKey(e.topic, e.partition))
      if (!tombstones && hz !== undefined && hz <= now) tombstones = e
    }
    return best?.e ?? tombstones
  }

  /** Cleans one log if one needs it; true when one was cleaned. */
  async cleanFilthiestLog(): Promise<boolean> {
    const e = this.pick()
    if (!e) return false
    await this.clean(e)
    return true
  }

  /** Cleans one log now, whatever its dirty ratio (tests, the bench). */
  async clean(e: CleanerLogEntry): Promise<CleanResult> {
    const key = partitionKey(e.topic, e.partition)
    const t0 = performance.now()
    const bytesPerSecond = this.num('log.cleaner.io.max.bytes.per.second', Number.MAX_VALUE)
    const mapCapacity = OffsetMap.capacityFor(
      this.num('log.cleaner.dedupe.buffer.size', 134217728),
      this.num('log.cleaner.threads', 1),
      this.num('log.cleaner.io.buffer.load.factor', 0.9),
    )
    const res = await cleanLog(e.log, {
      now: this.now(),
      checkpoint: this.checkpoints.get(key),
      mapCapacity,
      sliceMs: this.opts.sliceMs ?? 10,
      maxBytesPerSecond: bytesPerSecond,
      shouldAbort: () => this.stopping,
    })
    const ms = performance.now() - t0
    this.totalBytesRead += res.bytesRead
    this.totalCleanMs += ms
    this.deleteHorizons.delete(key)
    if (res.latestDeleteHorizon >= 0) this.deleteHorizons.set(key, res.latestDeleteHorizon)
    if (!res.interrupted) {
      this.checkpoints.set(key, res.endOffset)
      this.writeCheckpoint()
    }
    this.stats.set(key, {
      lastCleanTime: this.now(),
      lastCleanMs: ms,
      bytesRead: res.bytesRead,
      bytesWritten: res.bytesWritten,
      recordsRead: res.recordsRead,
      recordsKept: res.recordsKept,
    })
    this.logLine(
      `log cleaner: cleaned ${key} up to offset ${res.endOffset} in ${Math.round(ms)} ms: ${res.bytesRead} bytes read, ${res.bytesWritten} written, ` +
        `${res.recordsRead - res.recordsKept} of ${res.recordsRead} records removed${res.interrupted ? ' (interrupted: the log changed)' : ''}`,
    )
    return res
  }

  /** Writes the checkpoint, keeping only logs this broker still holds. */
  private writeCheckpoint(): void {
    const held = new Set<string>()
    for (const e of this.opts.logs()) held.add(partitionKey(e.topic, e.partition))
    for (const k of [...this.checkpoints.keys()]) if (!held.has(k)) this.checkpoints.delete(k)
    try {
      writeCleanerCheckpoint(this.opts.logDir, this.checkpoints)
    } catch (e) {
      // without the checkpoint the next start cleans from the log start again: slower, not wrong
      this.logLine(`log cleaner: checkpoint not written: ${(e as Error).message}`)
    }
  }
}
