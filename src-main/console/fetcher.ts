// Raw Fetch of record batches from partition leaders (kafkajs can only consume through a
// consumer, which needs a group and cannot stop at an offset cheaply). One request per leader
// covering several partitions; leaders cached per topic and refreshed on NOT_LEADER errors.
import { ContractError } from '../ipc/contract'
import type { Session } from './connections'
import { ApiKey, type RawPool, kafkaErrorName } from './raw-client'
import { readRecordSet, type AbortedTxn, type RawRecord } from './records'
import type { Operation } from './operations'

/** The most one fetch of a range read asks a partition for. */
const READ_MAX_BYTES = 4 * 1024 * 1024
import { topicMetadata } from './topics'

export interface FetchResult {
  records: RawRecord[]
  /** Offset to fetch next. */
  next: number
  highWatermark: number
  logStartOffset: number
}

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
   * Fetches from each partition at its offset. `maxRecords` bounds what is kept per partition
   * (the rest of the batch is dropped and `next` points after the last kept record).
   */
  async fetch(
    positions: { partition: number; offset: number }[],
    opts: { maxWaitMs?: number; partitionMaxBytes?: number; maxRecords?: number } = {},
  ): Promise<Map<number, FetchResult>> {
    const out = new Map<number, FetchResult>()
    for (let attempt = 0; attempt < 3; attempt++) {
      const leaders = await this.partitionLeaders(attempt > 0)
      const byLeader = new Map<number, { partition: number; offset: number }[]>()
      for (const p of positions) {
        if (out.has(p.partition)) continue
        const l = leaders.get(p.partition)
        if (l === undefined) throw new ContractError('NOT_FOUND', `partition ${p.partition} of ${this.topic} does not exist`, 'partition')
        if (l < 0) throw new ContractError('KAFKA_LEADER_NOT_AVAILABLE', `partition ${p.partition} of ${this.topic} has no leader`)
        byLeader.set(l, [...(byLeader.get(l) ?? []), p])
      }
      if (!byLeader.size) break
      let retry = false
      await Promise.all(
        [...byLeader.entries()].map(async ([leader, parts]) => {
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
              maxBytes: 64 * 1024 * 1024,
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
                    partitionMaxBytes: opts.partitionMaxBytes ?? 1024 * 1024,
                  })),
                },
              ],
              forgottenTopicsData: [],
              rackId: '',
            },
            maxWaitMs + 30_000,
          )
          if (r.errorCode) throw new ContractError(`KAFKA_${kafkaErrorName(r.errorCode)}`, `fetch from broker ${leader} failed: ${kafkaErrorName(r.errorCode)}`)
          for (const t of r.responses) {
            for (const p of t.partitions) {
              const pos = parts.find((x) => x.partition === p.partitionIndex)
              if (!pos) continue
              if (p.errorCode === 1) {
                // OFFSET_OUT_OF_RANGE: the start was deleted by retention; report where the log starts.
                out.set(p.partitionIndex, { records: [], next: pos.offset, highWatermark: Number(p.highWatermark), logStartOffset: Number(p.logStartOffset) })
                continue
              }
              if (p.errorCode) {
                if (RETRIABLE.has(p.errorCode) && attempt < 2) {
                  retry = true
                  continue
                }
                throw new ContractError(`KAFKA_${kafkaErrorName(p.errorCode)}`, `fetch ${this.topic}-${p.partitionIndex}: ${kafkaErrorName(p.errorCode)}`)
              }
              const records: RawRecord[] = []
              const max = opts.maxRecords ?? Infinity
              const aborted: AbortedTxn[] | undefined = this.mode.readCommitted
                ? (p.abortedTransactions ?? []).map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) }))
                : undefined
              let next = readRecordSet(
                p.records as Buffer | null,
                pos.offset,
                (rec) => {
                  records.push(rec)
                  return records.length >= max
                },
                { includeControl: this.mode.includeControl, aborted },
              )
              if (records.length >= max) next = records[records.length - 1]!.offset + 1
              out.set(p.partitionIndex, { records, next, highWatermark: Number(p.highWatermark), logStartOffset: Number(p.logStartOffset) })
            }
          }
        }),
      )
      if (!retry) break
    }
    return out
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
