/**
 * Zig-zag varints as used inside record batch v2 records (protobuf style, little-endian groups of
 * 7 bits). Readers use a module-level cursor (`cursor.pos`) so the hot paths allocate nothing.
 * Varlongs are decoded into JS numbers: exact up to ±2^53, which covers timestamps and deltas.
 */

/** Shared read cursor: set `cursor.pos`, call a reader, read the advanced `cursor.pos`. */
export const cursor = { pos: 0 }

/** Thrown when a varint runs past `end` or is longer than allowed. */
export class VarintError extends Error {}

/** Reads a zig-zag varint (int32) at cursor.pos, bounded by `end`. */
export function readVarint(buf: Buffer, end: number): number {
  let p = cursor.pos
  let u = 0
  let shift = 0
  for (;;) {
    if (p >= end) throw new VarintError('varint runs past the end')
    const b = buf[p++]!
    u |= (b & 0x7f) << shift
    if ((b & 0x80) === 0) break
    shift += 7
    if (shift > 28) throw new VarintError('varint too long')
  }
  cursor.pos = p
  return (u >>> 1) ^ -(u & 1)
}

/** Reads a zig-zag varlong (int64) at cursor.pos as a number. */
export function readVarlong(buf: Buffer, end: number): number {
  let p = cursor.pos
  let u = 0
  let mul = 1
  for (let i = 0; ; i++) {
    if (p >= end) throw new VarintError('varlong runs past the end')
    if (i >= 10) throw new VarintError('varlong too long')
    const b = buf[p++]!
    u += (b & 0x7f) * mul
    if ((b & 0x80) === 0) break
    mul *= 128
  }
  cursor.pos = p
  // zig-zag: even → u/2, odd → -(u+1)/2
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2
}

/** Skips a varint/varlong at cursor.pos without decoding it. */
export function skipVarlong(buf: Buffer, end: number): void {
  let p = cursor.pos
  for (let i = 0; ; i++) {
    if (p >= end || i >= 10) throw new VarintError('bad varlong')
    if ((buf[p++]! & 0x80) === 0) break
  }
  cursor.pos = p
}

function zigzag(value: number): number {
  // works for the whole safe-integer range (no 32-bit ops)
  return value >= 0 ? value * 2 : -value * 2 - 1
}

/** Number of bytes the zig-zag varint/varlong encoding of `value` takes. */
export function sizeOfVarint(value: number): number {
  let u = zigzag(value)
  let n = 1
  while (u >= 128) {
    u = Math.floor(u / 128)
    n++
  }
  return n
}

/** Writes the zig-zag varint/varlong encoding of `value` at `pos`; returns the next position. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  let u = zigzag(value)
  while (u >= 128) {
    buf[pos++] = (u % 128) | 0x80
    u = Math.floor(u / 128)
  }
  buf[pos++] = u
  return pos
}
