// Reads record batches (magic 2) out of a Fetch response's record set: the console's own,
// minimal reader — offsets, timestamps, key/value slices and headers, decompressing through
// the project's compression module. Control batches (transaction markers) are skipped unless
// asked for; under read_committed, batches of aborted transactions (named by the Fetch
// response's aborted-transactions list) are dropped as Kafka's consumer drops them. A partial
// batch at the end of the set (Fetch may cut one) is ignored.
import { decompress } from '../broker/records/compression'

export interface RawRecord {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: { key: string; value: Buffer | null }[]
  /** Set on a control record: the transaction marker it is, and the producer that wrote it. */
  control?: ControlMarker
}

export interface ControlMarker {
  type: 'COMMIT' | 'ABORT'
  producerId: number
  producerEpoch: number
  /** From the marker's value: the epoch of the coordinator that wrote it. */
  coordinatorEpoch: number
}

/** An entry of a Fetch response's aborted-transactions list (read_committed). */
export interface AbortedTxn {
  producerId: number
  firstOffset: number
}

export interface ReadSetOptions {
  /** Pass control records (transaction markers) to onRecord instead of skipping them. */
  includeControl?: boolean
  /** read_committed: the aborted transactions the broker listed; their data batches are dropped. */
  aborted?: AbortedTxn[]
}

/**
 * Reads varints (zigzag, as record fields are written) from a buffer. Most fields of a record
 * are one or two bytes, read with integer operations; long ones (a far timestamp delta) with
 * float arithmetic, which stays exact up to 2^53.
 */
class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}
  varint(): number {
    const buf = this.buf
    let b = buf[this.pos++]!
    if (b < 0x80) return (b >>> 1) ^ -(b & 1)
    let result = b & 0x7f
    let shift = 7
    for (;;) {
      b = buf[this.pos++]!
      if (shift < 28) result |= (b & 0x7f) << shift
      else result += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) break
      shift += 7
    }
    if (result < 0x40000000) return (result >>> 1) ^ -(result & 1)
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2
  }
  bytes(): Buffer | null {
    const n = this.varint()
    if (n < 0) return null
    const b = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return b
  }
}

/**
 * Receives the records of a record set without an object per record: key and value are byte
 * ranges of `body` (the batch's records section, decompressed when the batch was), a length of
 * -1 meaning null. Headers (rare) and control markers come decoded. Returning true stops the read.
 */
export interface RecordSink {
  record(
    body: Buffer,
    offset: number,
    timestamp: number,
    keyStart: number,
    keyLength: number,
    valueStart: number,
    valueLength: number,
    headers: RawRecord['headers'] | undefined,
    control: ControlMarker | undefined,
  ): boolean | undefined
}

/** Calls `onRecord` for every record with offset ≥ fromOffset; returns the offset after the last batch read. */
export function readRecordSet(set: Buffer | null, fromOffset: number, onRecord: (r: RawRecord) => boolean | void, opts: ReadSetOptions = {}): number {
  return scanRecordSet(
    set,
    fromOffset,
    {
      record(body, offset, timestamp, ks, kl, vs, vl, headers, control) {
        const rec: RawRecord = {
          offset,
          timestamp,
          key: kl < 0 ? null : body.subarray(ks, ks + kl),
          value: vl < 0 ? null : body.subarray(vs, vs + vl),
          headers: headers ?? [],
        }
        if (control) rec.control = control
        return onRecord(rec) === true
      },
    },
    opts,
  )
}

/** readRecordSet for a RecordSink: the same records, handed over as byte ranges. */
export function scanRecordSet(set: Buffer | null, fromOffset: number, sink: RecordSink, opts: ReadSetOptions = {}): number {
  let next = fromOffset
  if (!set) return next
  // As Kafka's consumer does: an aborted transaction's producer is "aborting" from its first
  // offset until its ABORT marker; its transactional batches in between are not delivered.
  const pendingAborts = [...(opts.aborted ?? [])].sort((a, b) => a.firstOffset - b.firstOffset)
  const aborting = new Set<number>()
  let p = 0
  while (p + 61 <= set.length) {
    const baseOffset = Number(set.readBigInt64BE(p))
    const batchLength = set.readInt32BE(p + 8)
    const end = p + 12 + batchLength
    if (end > set.length) break
    const magic = set.readInt8(p + 16)
    if (magic !== 2) {
      p = end
      continue
    }
    const attributes = set.readInt16BE(p + 21)
    const lastOffsetDelta = set.readInt32BE(p + 23)
    const firstTimestamp = Number(set.readBigInt64BE(p + 27))
    const maxTimestamp = Number(set.readBigInt64BE(p + 35))
    const count = set.readInt32BE(p + 57)
    const batchNext = baseOffset + lastOffsetDelta + 1
    const isControl = (attributes & 0x20) !== 0
    const isTransactional = (attributes & 0x10) !== 0
    const logAppendTime = (attributes & 0x08) !== 0
    const producerId = Number(set.readBigInt64BE(p + 43))
    const producerEpoch = set.readInt16BE(p + 51)
    while (pendingAborts.length && pendingAborts[0]!.firstOffset <= batchNext - 1) aborting.add(pendingAborts.shift()!.producerId)
    let skip = false
    if (isControl) {
      skip = !opts.includeControl
      // The marker ends the aborted span of its producer (read only from the batch header: a
      // control batch holds one record, an ABORT or COMMIT marker).
      if (aborting.has(producerId) && controlType(set, p, end, attributes) === 'ABORT') aborting.delete(producerId)
    } else if (isTransactional && aborting.has(producerId)) skip = true
    if (!skip && count > 0 && batchNext > fromOffset) {
      const compression = attributes & 0x07
      const body = compression ? decompress(compression, set.subarray(p + 61, end)) : set.subarray(p + 61, end)
      const c = new Cursor(body)
      for (let i = 0; i < count; i++) {
        c.varint() // length
        c.pos++ // attributes
        const tsDelta = c.varint()
        const offsetDelta = c.varint()
        const kl = c.varint()
        const ks = c.pos
        if (kl > 0) c.pos += kl
        const vl = c.varint()
        const vs = c.pos
        if (vl > 0) c.pos += vl
        const nh = c.varint()
        let headers: RawRecord['headers'] | undefined
        if (nh > 0) {
          headers = []
          for (let h = 0; h < nh; h++) {
            const hk = c.bytes()
            headers.push({ key: hk ? hk.toString('utf8') : '', value: c.bytes() })
          }
        }
        const offset = baseOffset + offsetDelta
        if (offset < fromOffset) continue
        const control = isControl
          ? controlMarker(kl < 0 ? null : body.subarray(ks, ks + kl), vl < 0 ? null : body.subarray(vs, vs + vl), producerId, producerEpoch)
          : undefined
        const stop = sink.record(body, offset, logAppendTime ? maxTimestamp : firstTimestamp + tsDelta, ks, kl, vs, vl, headers, control)
        if (stop === true) return offset + 1
      }
    }
    if (batchNext > next) next = batchNext
    p = end
  }
  return next
}

/** A control record's key is (version int16, type int16): type 0 ABORT, 1 COMMIT. */
function markerType(key: Buffer | null): 'COMMIT' | 'ABORT' | undefined {
  if (!key || key.length < 4) return undefined
  const t = key.readInt16BE(2)
  return t === 0 ? 'ABORT' : t === 1 ? 'COMMIT' : undefined
}

/** The marker of a control record; its value is (version int16, coordinatorEpoch int32). */
function controlMarker(key: Buffer | null, value: Buffer | null, producerId: number, producerEpoch: number): ControlMarker | undefined {
  const type = markerType(key)
  if (!type) return undefined
  return { type, producerId, producerEpoch, coordinatorEpoch: value && value.length >= 6 ? value.readInt32BE(2) : -1 }
}

/** The marker type of the control batch at `p` (its first record's key). */
function controlType(set: Buffer, p: number, end: number, attributes: number): 'COMMIT' | 'ABORT' | undefined {
  const compression = attributes & 0x07
  const body = compression ? decompress(compression, set.subarray(p + 61, end)) : set.subarray(p + 61, end)
  const c = new Cursor(body)
  c.varint() // length
  c.pos++ // attributes
  c.varint() // timestamp delta
  c.varint() // offset delta
  return markerType(c.bytes())
}
