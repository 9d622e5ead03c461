/**
 * Splits a TCP byte stream into Kafka frames (int32 size + payload). Oversized sizes are
 * reported before any payload is buffered, so a hostile size cannot make the broker allocate.
 */
export class FrameDecoder {
  private chunks: Buffer[] = []
  private buffered = 0

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds bytes; returns complete frames, or throws FrameError for a size the broker refuses. */
  push(data: Buffer): Buffer[] {
    this.chunks.push(data)
    this.buffered += data.length
    const frames: Buffer[] = []
    for (;;) {
      if (this.buffered < 4) break
      const head = this.peek(4)
      const size = head.readInt32BE(0)
      if (size < 0 || size > this.maxFrameBytes) {
        throw new FrameError(size < 0 ? `negative frame size ${size}` : `frame of ${size} bytes is larger than socket.request.max.bytes (${this.maxFrameBytes})`)
      }
      if (this.buffered < 4 + size) break
      const all = this.take(4 + size)
      frames.push(all.subarray(4))
    }
    return frames
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0]
    return Buffer.concat(this.chunks).subarray(0, n)
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]
    let out: Buffer
    if (first.length >= n) {
      out = first.subarray(0, n)
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
    } else {
      const all = Buffer.concat(this.chunks)
      out = all.subarray(0, n)
      this.chunks = all.length > n ? [all.subarray(n)] : []
    }
    this.buffered -= n
    return out
  }
}

export class FrameError extends Error {}
