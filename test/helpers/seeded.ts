// Seeded randomness and injected errors for fault tests: a failing round replays from its seed.

/** mulberry32: a small, fast, seedable PRNG returning numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An error as node:fs throws it, with `code` (ENOSPC, EIO, …). */
export function errno(code: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: injected`)
  e.code = code
  return e
}
