/** Builds an outgoing frame as a list of chunks. Small values go into a scratch buffer;
 * large byte blobs (record batches read from disk) are appended by reference, so a Fetch
 * response never copies the records it serves. */
const BLOB_BY_REFERENCE = 512

export class Writer {
  private chunks: Buffer[] = []
  private buf: Buffer
  private start = 0
  private pos = 0
  length = 0

  constructor(sizeHint = 256) {
    this.buf = Buffer.allocUnsafe(sizeHint)
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    this.cut()
    this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2, 256))
    this.start = 0
    this.pos = 0
  }
  private cut(): void {
    if (this.pos > this.start) this.chunks.push(this.buf.subarray(this.start, this.pos))
    this.start = this.pos
  }
  int8(v: number): void {
    this.ensure(1)
    this.buf.writeInt8(v, this.pos)
    this.pos += 1
    this.length += 1
  }
  bool(v: boolean): void {
    this.int8(v ? 1 : 0)
  }
  int16(v: number): void {
    this.ensure(2)
    this.buf.writeInt16BE(v, this.pos)
    this.pos += 2
    this.length += 2
  }
  uint16(v: number): void {
    this.ensure(2)
    this.buf.writeUInt16BE(v, this.pos)
    this.pos += 2
    this.length += 2
  }
  int32(v: number): void {
    this.ensure(4)
    this.buf.writeInt32BE(v, this.pos)
    this.pos += 4
    this.length += 4
  }
  uint32(v: number): void {
    this.ensure(4)
    this.buf.writeUInt32BE(v >>> 0, this.pos)
    this.pos += 4
    this.length += 4
  }
  int64(v: number): void {
    this.ensure(8)
    if (v >= 2 ** 63) {
      // Long.MAX_VALUE (a default in several specs) rounds to 2^63 as a JS number: saturate.
      this.buf.writeInt32BE(0x7fffffff, this.pos)
      this.buf.writeInt32BE(-1, this.pos + 4)
      this.pos += 8
      this.length += 8
      return
    }
    const hi = Math.floor(v / 4294967296)
    this.buf.writeInt32BE(hi, this.pos)
    this.buf.writeUInt32BE(v - hi * 4294967296, this.pos + 4)
    this.pos += 8
    this.length += 8
  }
  float64(v: number): void {
    this.ensure(8)
    this.buf.writeDoubleBE(v, this.pos)
    this.pos += 8
    this.length += 8
  }
  uvarint(v: number): void {
    this.ensure(5)
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80
      this.length++
      v = Math.floor(v / 128)
    }
    this.buf[this.pos++] = v
    this.length++
  }
  utf8(s: string, byteLength: number): void {
    this.ensure(byteLength)
    this.buf.write(s, this.pos, byteLength, 'utf8')
    this.pos += byteLength
    this.length += byteLength
  }
  bytes(b: Uint8Array): void {
    if (b.length >= BLOB_BY_REFERENCE) {
      this.cut()
      this.chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length))
      this.length += b.length
      return
    }
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
    this.length += b.length
  }
  /** Everything written so far, as chunks in order. */
  finish(): Buffer[] {
    this.cut()
    return this.chunks
  }
  /** Everything written, as one contiguous buffer (tests, tagged-field sizing). */
  toBuffer(): Buffer {
    const chunks = this.finish()
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.length)
  }
}
