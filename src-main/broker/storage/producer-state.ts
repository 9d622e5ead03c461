/**
 * Idempotent/transactional producer state of one partition (Kafka's ProducerStateManager):
 * per producerId the epoch, the last 5 batches' sequence ranges, and the first offset of an
 * ongoing transaction. Rebuilt from batch headers, and snapshotted to `<offset>.snapshot`
 * files in Kafka's format (producer-snapshot.ts) at segment roll and clean shutdown so opening a
 * big log needs no full rescan.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { lastSequence, NO_SEQUENCE, type BatchHeader } from '../records/batch.js'
import { decodeProducerSnapshot, encodeProducerSnapshot } from './producer-snapshot.js'

export const NUM_BATCHES_TO_RETAIN = 5

export interface ProducerBatchMetadata {
  firstSeq: number
  lastSeq: number
  baseOffset: number
  lastOffset: number
  timestamp: number
}

export interface ProducerStateEntry {
  producerId: number
  producerEpoch: number
  coordinatorEpoch: number
  /** First offset of the ongoing transaction, -1 when none. */
  currentTxnFirstOffset: number
  lastTimestamp: number
  /** Offset of the last batch (data or marker) written by this producer. */
  lastDataOffset: number
  batches: ProducerBatchMetadata[]
}

export type ProducerHeader = Pick<BatchHeader, 'producerId' | 'producerEpoch' | 'baseSequence' | 'lastOffsetDelta' | 'control' | 'transactional'>

export type ProducerCheck =
  | { error: 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER'; message: string }
  | { error?: undefined; duplicate: ProducerBatchMetadata }

/** A transaction ended by a marker in this partition (Kafka's CompletedTxn). */
export interface CompletedTxn {
  producerId: number
  firstOffset: number
  /** Offset of the marker. */
  lastOffset: number
  isAborted: boolean
}

const INT32_MAX = 0x7fffffff

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX)
}

const SNAPSHOT_RE = /^(\d{20})\.snapshot$/

export class ProducerStateManager {
  readonly producers = new Map<number, ProducerStateEntry>()

  get(producerId: number): ProducerStateEntry | undefined {
    return this.producers.get(producerId)
  }

  /**
   * Checks a client batch before append (Kafka's rules):
   * - producerId -1: nothing to check (null);
   * - epoch lower than stored → INVALID_PRODUCER_EPOCH;
   * - same epoch and (firstSeq, lastSeq) equal to one of the last 5 batches → duplicate;
   * - same epoch: firstSeq must follow the last lastSeq (wrapping at 2^31-1);
   * - higher epoch of a known producer: must start at sequence 0;
   * - unknown producer: every sequence is accepted (its state may have been removed with the log
   *   prefix by retention or DeleteRecords).
   * Control batches (transaction markers) only get the epoch check.
   */
  check(h: ProducerHeader): ProducerCheck | null {
    if (h.producerId < 0) return null
    const e = this.producers.get(h.producerId)
    if (!e) return null
    if (h.producerEpoch < e.producerEpoch) {
      return { error: 'INVALID_PRODUCER_EPOCH', message: `epoch ${h.producerEpoch} of producer ${h.producerId} is older than the current ${e.producerEpoch}` }
    }
    if (h.control) return null
    const firstSeq = h.baseSequence
    // coordinator writes (TxnOffsetCommit's offsets) carry no sequence: only the epoch is checked
    if (firstSeq === NO_SEQUENCE) return null
    if (h.producerEpoch === e.producerEpoch) {
      const lastSeq = lastSequence(firstSeq, h.lastOffsetDelta)
      for (const b of e.batches) if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return { duplicate: b }
      const currentLast = e.batches.length > 0 ? e.batches[e.batches.length - 1]!.lastSeq : NO_SEQUENCE
      if (!inSequence(currentLast, firstSeq)) {
        return {
          error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
          message: `producer ${h.producerId}: expected sequence ${currentLast === INT32_MAX ? 0 : currentLast + 1}, got ${firstSeq}`,
        }
      }
      return null
    }
    if (firstSeq !== 0) {
      return {
        error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message: `producer ${h.producerId}: new epoch ${h.producerEpoch} must start at sequence 0, got ${firstSeq}`,
      }
    }
    return null
  }

  /**
   * Records an appended batch (also used when replaying the log and for follower appends). A
   * marker (control batch, with its type read from its record) ends the producer's ongoing
   * transaction here and returns it, so an abort can go to the aborted-transaction index.
   */
  update(
    h: ProducerHeader,
    baseOffset: number,
    lastOffset: number,
    timestamp: number,
    marker?: { type: 'COMMIT' | 'ABORT'; coordinatorEpoch: number },
  ): CompletedTxn | undefined {
    if (h.producerId < 0) return undefined
    let e = this.producers.get(h.producerId)
    if (!e) {
      e = {
        producerId: h.producerId,
        producerEpoch: h.producerEpoch,
        coordinatorEpoch: -1,
        currentTxnFirstOffset: -1,
        lastTimestamp: timestamp,
        lastDataOffset: lastOffset,
        batches: [],
      }
      this.producers.set(h.producerId, e)
    }
    if (h.producerEpoch !== e.producerEpoch) {
      e.producerEpoch = h.producerEpoch
      e.batches = []
    }
    e.lastTimestamp = timestamp
    e.lastDataOffset = lastOffset
    if (h.control) {
      const first = e.currentTxnFirstOffset
      e.currentTxnFirstOffset = -1
      if (!marker) return undefined
      e.coordinatorEpoch = marker.coordinatorEpoch
      return first >= 0 ? { producerId: h.producerId, firstOffset: first, lastOffset, isAborted: marker.type === 'ABORT' } : undefined
    }
    if (h.baseSequence !== NO_SEQUENCE) {
      e.batches.push({ firstSeq: h.baseSequence, lastSeq: lastSequence(h.baseSequence, h.lastOffsetDelta), baseOffset, lastOffset, timestamp })
      if (e.batches.length > NUM_BATCHES_TO_RETAIN) e.batches.shift()
    }
    if (h.transactional && e.currentTxnFirstOffset < 0) e.currentTxnFirstOffset = baseOffset
    return undefined
  }

  /** Drops producers whose last write is below the new log start offset. */
  truncateHead(logStartOffset: number): void {
    for (const [pid, e] of this.producers) if (e.lastDataOffset < logStartOffset) this.producers.delete(pid)
  }

  /**
   * Forgets producers idle for longer than `expirationMs` (Kafka's producer.id.expiration.ms,
   * default 1 day) that have no ongoing transaction. Returns how many were removed.
   */
  expireProducers(now: number, expirationMs = 86_400_000): number {
    let n = 0
    for (const [pid, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0 && now - e.lastTimestamp > expirationMs) {
        this.producers.delete(pid)
        n++
      }
    }
    return n
  }

  /** Smallest first offset of an ongoing transaction (for the last stable offset), or null. */
  firstUnstableOffset(): number | null {
    let min: number | null = null
    for (const e of this.producers.values()) if (e.currentTxnFirstOffset >= 0 && (min === null || e.currentTxnFirstOffset < min)) min = e.currentTxnFirstOffset
    return min
  }

  clear(): void {
    this.producers.clear()
  }

  // ---- snapshots ----
  static snapshotFile(dir: string, offset: number): string {
    return join(dir, `${String(offset).padStart(20, '0')}.snapshot`)
  }

  /** Snapshot offsets present in `dir`, ascending. */
  static listSnapshots(dir: string): number[] {
    if (!existsSync(dir)) return []
    const out: number[] = []
    for (const f of readdirSync(dir)) {
      const m = SNAPSHOT_RE.exec(f)
      if (m) out.push(Number(m[1]))
    }
    return out.sort((a, b) => a - b)
  }

  /** Writes the state as of `offset` (the log end offset it reflects); keeps the newest `keep`. */
  writeSnapshot(dir: string, offset: number, keep = 2): void {
    const file = ProducerStateManager.snapshotFile(dir, offset)
    const body = encodeProducerSnapshot([...this.producers.values()])
    try {
      writeFileSync(`${file}.tmp`, body, { mode: 0o600 })
    } catch (e) {
      // a full disk leaves part of the file: give its space back
      rmSync(`${file}.tmp`, { force: true })
      throw e
    }
    renameSync(`${file}.tmp`, file)
    const all = ProducerStateManager.listSnapshots(dir)
    for (const o of all.slice(0, Math.max(0, all.length - keep))) ProducerStateManager.deleteSnapshot(dir, o)
  }

  static deleteSnapshot(dir: string, offset: number): void {
    const f = ProducerStateManager.snapshotFile(dir, offset)
    if (existsSync(f)) unlinkSync(f)
  }

  /** Loads the newest readable snapshot at or below `maxOffset`; returns its offset or -1. */
  loadLatestSnapshot(dir: string, maxOffset: number): number {
    this.clear()
    const offsets = ProducerStateManager.listSnapshots(dir)
      .filter((o) => o <= maxOffset)
      .reverse()
    for (const o of offsets) {
      try {
        for (const p of decodeProducerSnapshot(readFileSync(ProducerStateManager.snapshotFile(dir, o)))) this.producers.set(p.producerId, p)
        return o
      } catch {
        this.producers.clear()
        // unreadable snapshot: try an older one
      }
    }
    return -1
  }

  /** Deletes snapshots above `offset` (after truncation). */
  static deleteSnapshotsAbove(dir: string, offset: number): void {
    for (const o of ProducerStateManager.listSnapshots(dir)) if (o > offset) ProducerStateManager.deleteSnapshot(dir, o)
  }
}
