// Reads record batches (magic 2) out of a Fetch response's record set: the console's own,
// minimal reader — offsets, timestamps, key/value slices and headers, decompressing through
// the project's compression module. Control batches (transaction markers) are skipped;
// a partial batch at the end of the set (Fetch may cut one) is ignored.
import { decompress } from '../broker/records/compression'

export interface RawRecord {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: { key: string; value: Buffer | null }[]
}

class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}
  varint(): number {
    let shift = 0
    let result = 0
    for (;;) {
      const b = this.buf[this.pos++]!
      result += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) break
      shift += 7
    }
    // zigzag
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

/** Calls `onRecord` for every record with offset ≥ fromOffset; returns the offset after the last batch read. */
export function readRecordSet(set: Buffer | null, fromOffset: number, onRecord: (r: RawRecord) => boolean | void): number {
  let next = fromOffset
  if (!set) return next
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
    const logAppendTime = (attributes & 0x08) !== 0
    if (!isControl && count > 0 && batchNext > fromOffset) {
      const compression = attributes & 0x07
      const body = compression ? decompress(compression, set.subarray(p + 61, end)) : set.subarray(p + 61, end)
      const c = new Cursor(body)
      for (let i = 0; i < count; i++) {
        c.varint() // length
        c.pos++ // attributes
        const tsDelta = c.varint()
        const offsetDelta = c.varint()
        const key = c.bytes()
        const value = c.bytes()
        const nh = c.varint()
        const headers: RawRecord['headers'] = []
        for (let h = 0; h < nh; h++) {
          const hk = c.bytes()
          headers.push({ key: hk ? hk.toString('utf8') : '', value: c.bytes() })
        }
        const offset = baseOffset + offsetDelta
        if (offset < fromOffset) continue
        const stop = onRecord({ offset, timestamp: logAppendTime ? maxTimestamp : firstTimestamp + tsDelta, key, value, headers })
        if (stop === true) return offset + 1
      }
    }
    if (batchNext > next) next = batchNext
    p = end
  }
  return next
}
