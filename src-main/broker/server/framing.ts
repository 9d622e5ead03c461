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

  /** Whether the frame in progress had its first payload bytes checked. */
  private headerChecked = false

  /**
   * @param checkHeader sees the first 4 payload bytes (apiKey, apiVersion) of every frame as soon
   *   as they arrive; a reason returned refuses the frame before the rest of it is buffered (a
   *   64 MiB frame of garbage costs one read, not 64 MiB).
   */
  constructor(
    private readonly maxFrameBytes: number,
    private readonly checkHeader?: (apiKey: number, apiVersion: number) => string | null,
  ) {}

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
          throw new FrameError(
            size < 0 ? `negative frame size ${size}` : `frame of ${size} bytes is larger than socket.request.max.bytes (${this.maxFrameBytes})`,
          )
        }
        this.need = size
        this.headerChecked = false
      }
      if (this.checkHeader && !this.headerChecked && this.need >= 4 && this.buffered >= 4) {
        const head = this.peek4()
        const refused = this.checkHeader(head.readInt16BE(0), head.readInt16BE(2))
        if (refused) throw new FrameError(refused)
        this.headerChecked = true
      }
      if (this.buffered < this.need) break
      frames.push(this.take(this.need))
      this.need = -1
    }
    return frames
  }

  /** The first 4 buffered bytes, without removing them. */
  private peek4(): Buffer {
    const first = this.chunks[0]!
    if (first.length >= 4) return first
    const out = Buffer.alloc(4)
    let filled = 0
    for (const c of this.chunks) {
      filled += c.copy(out, filled, 0, Math.min(c.length, 4 - filled))
      if (filled === 4) break
    }
    return out
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
