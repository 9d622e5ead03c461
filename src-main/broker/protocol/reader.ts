/** Cursor over a received frame. Throws ProtocolError on any read past the end, so a
 * truncated or lying frame becomes a clean per-connection error instead of garbage. */
export class ProtocolError extends Error {}

export class Reader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
    readonly end = buf.length,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtocolError(`frame truncated: need ${n} bytes at ${this.pos}, frame ends at ${this.end}`)
  }
  remaining(): number {
    return this.end - this.pos
  }
  int8(): number {
    this.need(1)
    return this.buf.readInt8(this.pos++)
  }
  bool(): boolean {
    return this.int8() !== 0
  }
  int16(): number {
    this.need(2)
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }
  uint16(): number {
    this.need(2)
    const v = this.buf.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }
  int32(): number {
    this.need(4)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }
  uint32(): number {
    this.need(4)
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }
  /** int64 as a JS number: offsets, timestamps and producer ids stay far below 2^53. */
  int64(): number {
    this.need(8)
    const hi = this.buf.readInt32BE(this.pos)
    const lo = this.buf.readUInt32BE(this.pos + 4)
    this.pos += 8
    return hi * 4294967296 + lo
  }
  float64(): number {
    this.need(8)
    const v = this.buf.readDoubleBE(this.pos)
    this.pos += 8
    return v
  }
  uvarint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      this.need(1)
      const b = this.buf[this.pos++]
      if (shift < 28) result |= (b & 0x7f) << shift
      else result += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return result
      shift += 7
      if (shift > 35) throw new ProtocolError('varint too long')
    }
  }
  uuid(): Buffer {
    return this.raw(16)
  }
  raw(n: number): Buffer {
    if (n < 0) throw new ProtocolError(`negative length ${n}`)
    this.need(n)
    const b = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return b
  }
  string(n: number): string {
    if (n < 0) throw new ProtocolError(`negative length ${n}`)
    this.need(n)
    const s = this.buf.toString('utf8', this.pos, this.pos + n)
    this.pos += n
    return s
  }
}
