/**
 * Faults a developer can inject into one embedded broker to see how clients and the console
 * cope: slow responses, dropped connections, or a broker that stops answering (as during a
 * long GC pause or a network partition) while keeping its connections open.
 */
export interface Faults {
  /** Added to every response, in milliseconds. */
  latencyMs: number
  /** Share of requests (0..1) answered by closing the connection instead. */
  dropRate: number
  /** While true, requests are held unanswered; they are served when it is cleared. */
  paused: boolean
}

export const noFaults: Readonly<Faults> = Object.freeze({ latencyMs: 0, dropRate: 0, paused: false })

export function validateFaults(f: Faults): void {
  if (!Number.isFinite(f.latencyMs) || f.latencyMs < 0 || f.latencyMs > 60_000) throw new RangeError('latencyMs must be between 0 and 60000')
  if (!Number.isFinite(f.dropRate) || f.dropRate < 0 || f.dropRate > 1) throw new RangeError('dropRate must be between 0 and 1')
}
