// Labels for the key-distribution skew the main process computes (score 0 = even … 1 = all
// on one partition / key; level ok | warning | hot). Kept pure for unit tests.

export type SkewLevel = 'ok' | 'warning' | 'hot'

/** A short human label for the skew card, e.g. "Even spread", "Hot partitions (0.82)". */
export function distributionLabel(level: SkewLevel, score: number): string {
  const s = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0
  if (level === 'hot') return s >= 0.9 ? 'Almost everything on one partition or key' : 'Hot partitions or keys'
  if (level === 'warning') return 'Uneven spread'
  return s < 0.05 ? 'Even spread' : 'Roughly even spread'
}

/** Tone of a level for badges and notes. */
export function skewTone(level: SkewLevel): 'good' | 'warn' | 'bad' {
  return level === 'ok' ? 'good' : level === 'warning' ? 'warn' : 'bad'
}

/** Share of each partition relative to an even share: 1 = fair, 2 = twice its share. */
export function relativeShares(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0)
  if (total === 0 || counts.length === 0) return counts.map(() => 0)
  const fair = total / counts.length
  return counts.map((c) => c / fair)
}
