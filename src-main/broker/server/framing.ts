/**
 * Splits a TCP byte stream into Kafka frames (int32 size + payload). Oversized sizes are
 * reported before any payload is buffered, so a hostile size cannot make the broker allocate.
 *
 * Reads are kept as a list of chunks and joined once, when a frame is complete: each byte is
 * copied at most once, so a frame arriving in many small reads costs linear time (joining the
 * whole buffer on every read made 1 byte + 32 MiB take seconds).
 */
export class FrameDecoder {
  private chunks: Buffer[] = []
  private buffered = 0
  /** Payload size of the frame being read, once its 4-byte header has arrived; -1 before. */
  private need = -1

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes held for the frame in progress (for tests and memory accounting). */
  get bufferedBytes(): number {
    return this.buffered
  }

  /** Feeds bytes; returns complete frames, or throws FrameError for a size the broker refuses. */
  push(data: Buffer): Buffer[] {
    if (data.length > 0) {
      this.chunks.push(data)
      this.buffered += data.length
    }
    const frames: Buffer[] = []
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < 4) break
        const size = this.take(4).readInt32BE(0)
        if (size < 0 || size > this.maxFrameBytes) {
          throw new FrameError(size < 0 ? `negative frame size ${size}` : `frame of ${size} bytes is larger than socket.request.max.bytes (${this.maxFrameBytes})`)
        }
        this.need = size
      }
      if (this.buffered < this.need) break
      frames.push(this.take(this.need))
      this.need = -1
    }
    return frames
  }

  /** Removes the first n buffered bytes: a view when one chunk holds them, else one copy of exactly n bytes. */
  private take(n: number): Buffer {
    this.buffered -= n
    const first = this.chunks[0]
    if (first === undefined) return Buffer.alloc(0)
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
      return first.subarray(0, n)
    }
    const out = Buffer.allocUnsafe(n)
    let filled = 0
    let used = 0
    while (filled < n) {
      const c = this.chunks[used]!
      const k = Math.min(c.length, n - filled)
      c.copy(out, filled, 0, k)
      filled += k
      if (k === c.length) used++
      else this.chunks[used] = c.subarray(k)
    }
    this.chunks.splice(0, used)
    return out
  }
}

export class FrameError extends Error {}
