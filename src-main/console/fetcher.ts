// Raw Fetch of record batches from partition leaders (kafkajs can only consume through a
// consumer, which needs a group and cannot stop at an offset cheaply). One request per leader
// covering several partitions; leaders cached per topic and refreshed on NOT_LEADER errors.
import { ContractError } from '../ipc/contract'
import type { Session } from './connections'
import { ApiKey, type RawPool, kafkaErrorName } from './raw-client'
import { readRecordSet, scanRecordSet, type AbortedTxn, type RawRecord, type RecordSink } from './records'
import type { Operation } from './operations'

import { topicMetadata } from './topics'

/** The most one fetch of a range read asks a partition for. */
const READ_MAX_BYTES = 4 * 1024 * 1024
/** The most one Fetch asks a broker for (Kafka's consumer default, fetch.max.bytes, is 50 MiB). */
const FETCH_MAX_BYTES = 64 * 1024 * 1024

export interface FetchResult {
  records: RawRecord[]
  /** Offset to fetch next. */
  next: number
  highWatermark: number
  logStartOffset: number
}

/** A partition's answer to one Fetch, its record set not yet decoded. */
export interface FetchedSet {
  set: Buffer | null
  /** read_committed: the aborted transactions the broker listed for the set. */
  aborted?: AbortedTxn[]
  highWatermark: number
  logStartOffset: number
  /** OFFSET_OUT_OF_RANGE: the offset asked for is below the log start (retention) or past the end. */
  outOfRange?: boolean
  /** The leader could not be reached, or the partition answered an error (errorsPerPartition). */
  error?: unknown
}

const EMPTY_SET: FetchedSet = { set: null, highWatermark: -1, logStartOffset: -1 }

/** How transactions are read: read_committed (isolation level 1) and whether markers are kept. */
export interface TxnReadMode {
  readCommitted?: boolean
  /** Keep control records (COMMIT/ABORT markers) as records carrying `control`. */
  includeControl?: boolean
}

const RETRIABLE = new Set([3, 6, 9, 74, 75, 76]) // UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, REPLICA_NOT_AVAILABLE, FENCED/UNKNOWN_LEADER_EPOCH, …

export class Fetcher {
  private leaders?: { at: number; map: Map<number, number> }

  constructor(
    private readonly session: Session,
    readonly topic: string,
    /** A dedicated pool for long polls (tails), else the session's. */
    private readonly pool: RawPool = session.raw,
    readonly mode: TxnReadMode = {},
  ) {}

  async partitionLeaders(refresh = false): Promise<Map<number, number>> {
    if (!refresh && this.leaders && Date.now() - this.leaders.at < 30_000) return this.leaders.map
    const t = await topicMetadata(this.session, this.topic)
    this.leaders = { at: Date.now(), map: new Map(t.partitions.map((p) => [p.partitionId, p.leader])) }
    return this.leaders.map
  }

  /**
   * One Fetch per leader for the partitions it leads, answered as each partition's record set
   * (not decoded: the caller scans it). Retries NOT_LEADER-like errors with fresh leaders; a
   * leader that cannot be reached or a partition error that persists is answered as `error`
   * for its partitions when `errorsPerPartition`, else thrown.
   */
  async fetchSets(
    positions: { partition: number; offset: number; maxBytes?: number }[],
    opts: { maxWaitMs?: number; partitionMaxBytes?: number; errorsPerPartition?: boolean } = {},
  ): Promise<Map<number, FetchedSet>> {
    const out = new Map<number, FetchedSet>()
    for (let attempt = 0; attempt < 3; attempt++) {
      const leaders = await this.partitionLeaders(attempt > 0)
      const byLeader = new Map<number, { partition: number; offset: number; maxBytes?: number }[]>()
      for (const p of positions) {
        if (out.has(p.partition)) continue
        const l = leaders.get(p.partition)
        if (l === undefined) throw new ContractError('NOT_FOUND', `partition ${p.partition} of ${this.topic} does not exist`, 'partition')
        if (l < 0) {
          const e = new ContractError('KAFKA_LEADER_NOT_AVAILABLE', `partition ${p.partition} of ${this.topic} has no leader`)
          if (!opts.errorsPerPartition) throw e
          out.set(p.partition, { ...EMPTY_SET, error: e })
          continue
        }
        let list = byLeader.get(l)
        if (!list) byLeader.set(l, (list = []))
        list.push(p)
      }
      if (!byLeader.size) break
      let retry = false
      await Promise.all(
        [...byLeader.entries()].map(async ([leader, parts]) => {
          try {
            retry = (await this.fetchFromLeader(leader, parts, opts, attempt < 2, out)) || retry
          } catch (e) {
            if (!opts.errorsPerPartition || (e instanceof ContractError && e.code === 'CANCELLED')) throw e
            for (const p of parts) out.set(p.partition, { ...EMPTY_SET, error: e })
          }
        }),
      )
      if (!retry) break
    }
    return out
  }

  /** One Fetch to `leader`; true when a partition answered a retriable error (left out of `out`). */
  private async fetchFromLeader(
    leader: number,
    parts: { partition: number; offset: number; maxBytes?: number }[],
    opts: { maxWaitMs?: number; partitionMaxBytes?: number },
    mayRetry: boolean,
    out: Map<number, FetchedSet>,
  ): Promise<boolean> {
    const c = await this.pool.get(await this.session.brokerAddress(leader))
    const v = c.version(ApiKey.Fetch, 11, 4)
    const maxWaitMs = opts.maxWaitMs ?? 0
    const r = await c.request(
      ApiKey.Fetch,
      v,
      {
        replicaId: -1,
        maxWaitMs,
        minBytes: maxWaitMs > 0 ? 1 : 0,
        maxBytes: FETCH_MAX_BYTES,
        isolationLevel: this.mode.readCommitted ? 1 : 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: this.topic,
            partitions: parts.map((p) => ({
              partition: p.partition,
              currentLeaderEpoch: -1,
              fetchOffset: p.offset,
              lastFetchedEpoch: -1,
              logStartOffset: -1,
              partitionMaxBytes: p.maxBytes ?? opts.partitionMaxBytes ?? 1024 * 1024,
            })),
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      },
      maxWaitMs + 30_000,
    )
    if (r.errorCode) throw new ContractError(`KAFKA_${kafkaErrorName(r.errorCode)}`, `fetch from broker ${leader} failed: ${kafkaErrorName(r.errorCode)}`)
    let retry = false
    const wanted = new Map(parts.map((p) => [p.partition, p]))
    for (const t of r.responses) {
      for (const p of t.partitions) {
        const pos = wanted.get(p.partitionIndex)
        if (!pos) continue
        const highWatermark = Number(p.highWatermark)
        const logStartOffset = Number(p.logStartOffset)
        if (p.errorCode === 1) {
          // OFFSET_OUT_OF_RANGE: the start was deleted by retention; report where the log starts.
          out.set(p.partitionIndex, { set: null, outOfRange: true, highWatermark, logStartOffset })
          continue
        }
        if (p.errorCode) {
          if (RETRIABLE.has(p.errorCode) && mayRetry) {
            retry = true
            continue
          }
          throw new ContractError(`KAFKA_${kafkaErrorName(p.errorCode)}`, `fetch ${this.topic}-${p.partitionIndex}: ${kafkaErrorName(p.errorCode)}`)
        }
        const aborted: AbortedTxn[] | undefined = this.mode.readCommitted
          ? (p.abortedTransactions ?? []).map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) }))
          : undefined
        out.set(p.partitionIndex, { set: p.records as Buffer | null, aborted, highWatermark, logStartOffset })
      }
    }
    return retry
  }

  /**
   * Fetches from each partition at its offset. `maxRecords` bounds what is kept per partition
   * (the rest of the batch is dropped and `next` points after the last kept record).
   */
  async fetch(
    positions: { partition: number; offset: number }[],
    opts: { maxWaitMs?: number; partitionMaxBytes?: number; maxRecords?: number } = {},
  ): Promise<Map<number, FetchResult>> {
    const sets = await this.fetchSets(positions, opts)
    const out = new Map<number, FetchResult>()
    for (const pos of positions) {
      const f = sets.get(pos.partition)
      if (!f) continue
      const records: RawRecord[] = []
      const max = opts.maxRecords ?? Infinity
      let next = f.outOfRange
        ? pos.offset
        : readRecordSet(
            f.set,
            pos.offset,
            (rec) => {
              records.push(rec)
              return records.length >= max
            },
            { includeControl: this.mode.includeControl, aborted: f.aborted },
          )
      if (records.length >= max) next = records[records.length - 1]!.offset + 1
      out.set(pos.partition, { records, next, highWatermark: f.highWatermark, logStartOffset: f.logStartOffset })
    }
    return out
  }

  /**
   * Reads [start, end) of many partitions, at most `limit` records of each, handing each record
   * to `sink` as byte ranges (no object per record): every round is one Fetch per leader
   * covering all its partitions still to read, as Kafka's consumer fetches. A partition whose
   * leader fails is reported to `onError` and left out of later rounds; the others go on.
   */
  async readRanges(
    ranges: { partition: number; start: number; end: number }[],
    limit: number,
    sink: (partition: number) => RecordSink,
    onError: (partition: number, e: unknown) => void,
    op?: Operation,
  ): Promise<Map<number, number>> {
    const state = ranges.map((r) => ({ ...r, offset: r.start, count: 0, sink: sink(r.partition), solo: false }))
    let active = state.filter((s) => s.offset < s.end && limit > 0)
    const position = (s: (typeof state)[number]) => ({
      partition: s.partition,
      offset: s.offset,
      // Enough for what is left at ~256 B a record, so most partitions finish in one round.
      maxBytes: Math.min(READ_MAX_BYTES, Math.max(1024 * 1024, Math.min(limit - s.count, s.end - s.offset) * 256)),
    })
    while (active.length) {
      op?.check()
      // A partition whose next batch did not fit its share is asked for alone: the broker returns
      // the first batch of a Fetch whole, however big (KIP-74), and cuts the others.
      const shared = active.filter((s) => !s.solo)
      const answers = await Promise.all([
        shared.length ? this.fetchSets(shared.map(position), { errorsPerPartition: true }) : new Map<number, FetchedSet>(),
        ...active.filter((s) => s.solo).map((s) => this.fetchSets([position(s)], { errorsPerPartition: true })),
      ])
      const sets = new Map<number, FetchedSet>()
      for (const a of answers) for (const [p, f] of a) sets.set(p, f)
      op?.check()
      let got = 0
      for (const s of active) {
        const f = sets.get(s.partition)
        if (!f || f.error) {
          onError(s.partition, f?.error ?? new Error(`no answer for partition ${s.partition}`))
          s.end = s.offset // stop reading it
          continue
        }
        if (f.outOfRange) {
          if (s.offset < f.logStartOffset) s.offset = f.logStartOffset
          else s.end = s.offset
          continue
        }
        const before = s.count
        let last = -1
        let stopped = false
        const inner = s.sink
        const end = s.end
        const next = scanRecordSet(
          f.set,
          s.offset,
          {
            record(body, offset, ts, ks, kl, vs, vl, headers, control) {
              if (offset >= end) return (stopped = true)
              inner.record(body, offset, ts, ks, kl, vs, vl, headers, control)
              last = offset
              if (++s.count >= limit) stopped = true
              return stopped
            },
          },
          { includeControl: this.mode.includeControl, aborted: f.aborted },
        )
        got += s.count - before
        if (stopped) {
          if (last >= 0) s.offset = last + 1
          s.end = s.offset // reached its end or its limit
        } else if (next > s.offset)
          s.offset = Math.max(next, last + 1) // includes control batches / a compacted gap
        else if (s.offset < f.logStartOffset) s.offset = f.logStartOffset
        else if (f.set?.length && !s.solo)
          s.solo = true // a batch cut short: ask again, alone
        else s.end = s.offset // nothing more to read
      }
      op?.advance(got)
      active = active.filter((s) => s.offset < s.end)
    }
    return new Map(state.map((s) => [s.partition, s.offset]))
  }

  /** Reads [start, end) of one partition, at most `limit` records. */
  async readRange(partition: number, start: number, end: number, limit: number, op?: Operation): Promise<{ records: RawRecord[]; next: number }> {
    const records: RawRecord[] = []
    let offset = start
    while (records.length < limit && offset < end) {
      op?.check()
      const before = records.length
      // Big reads take bigger bites: 1 MiB per round trip made 100,000 rows ten sequential fetches.
      const partitionMaxBytes = Math.min(READ_MAX_BYTES, Math.max(1024 * 1024, (limit - records.length) * 128))
      const r = (await this.fetch([{ partition, offset }], { maxRecords: limit - records.length, partitionMaxBytes })).get(partition)
      op?.check()
      if (!r) break
      if (r.records.length === 0) {
        if (r.next > offset) {
          offset = r.next // only control batches / compacted gap
          continue
        }
        if (offset < r.logStartOffset) {
          offset = r.logStartOffset
          continue
        }
        break
      }
      for (const rec of r.records) {
        if (rec.offset >= end) break
        records.push(rec)
      }
      offset = Math.max(r.next, records.length ? records[records.length - 1]!.offset + 1 : offset)
      op?.advance(records.length - before)
    }
    const last = records[records.length - 1]
    return { records, next: last ? last.offset + 1 : offset }
  }
}
