// A rate measured the way Kafka's quota sensors measure it (Rate over a SampledStat): values are
// summed into `samples` windows of `windowMs` each, a window opening at the first value recorded
// after the previous one elapsed; the rate is the sum over the retained windows divided by the
// time they span, and that span counts at least samples - 1 full windows, so a client's first
// burst is spread over ~10 s instead of looking infinite.

interface Sample {
  start: number
  value: number
}

export class SampledRate {
  private readonly ring: Sample[] = []
  private current = -1

  constructor(
    readonly samples: number,
    readonly windowMs: number,
  ) {}

  record(value: number, now: number): void {
    let s = this.ring[this.current]
    if (!s || now - s.start >= this.windowMs) s = this.advance(now)
    s.value += value
  }

  /** Units per second at `now`. */
  measure(now: number): number {
    this.purge(now)
    let total = 0
    for (const s of this.ring) total += s.value
    return total / (this.windowSizeMs(now) / 1000)
  }

  /** The time the measured rate divides by (Kafka's Rate.windowSize). */
  windowSizeMs(now: number): number {
    this.purge(now)
    let oldest = now
    for (const s of this.ring) oldest = Math.min(oldest, s.start)
    let elapsed = now - oldest
    const fullWindows = Math.floor(elapsed / this.windowMs)
    const minFullWindows = this.samples - 1
    if (fullWindows < minFullWindows) elapsed += (minFullWindows - fullWindows) * this.windowMs
    return elapsed
  }

  private advance(now: number): Sample {
    this.current = (this.current + 1) % this.samples
    let s = this.ring[this.current]
    if (!s) {
      s = { start: now, value: 0 }
      this.ring.push(s)
    } else {
      s.start = now
      s.value = 0
    }
    return s
  }

  /** Windows older than the whole retained span no longer count. */
  private purge(now: number): void {
    const expireAge = this.samples * this.windowMs
    for (const s of this.ring) {
      if (now - s.start >= expireAge) {
        s.start = now
        s.value = 0
      }
    }
  }
}

/**
 * How long a client must stay quiet for the rate to come back to the quota, if it is above it
 * (Kafka's QuotaUtils.throttleTime): the excess over the quota, as a fraction of the quota,
 * times the span the rate was measured over.
 */
export function throttleTimeMs(rate: SampledRate, quota: number, now: number): number {
  const measured = rate.measure(now)
  if (measured <= quota) return 0
  if (quota <= 0) return rate.samples * rate.windowMs
  return Math.round(((measured - quota) / quota) * rate.windowSizeMs(now))
}
