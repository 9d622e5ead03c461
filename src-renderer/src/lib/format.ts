// Pure formatting helpers shared by views. No Vue, no DOM: unit-tested in test/renderer.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** 1536 → "1.5 KiB". Negative or non-finite input renders as an em dash. */
export function formatBytes(n: number | bigint | null | undefined): string {
  if (n === null || n === undefined) return '—'
  let v = typeof n === 'bigint' ? Number(n) : n
  if (!Number.isFinite(v) || v < 0) return '—'
  let u = 0
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${BYTE_UNITS[u]}`
}

/** Thousands separators without locale surprises: 1234567 → "1,234,567". Strings pass through (offsets may be int64 strings). */
export function formatCount(n: number | string | bigint | null | undefined): string {
  if (n === null || n === undefined || n === '') return '—'
  const s = typeof n === 'number' ? (Number.isFinite(n) ? String(Math.trunc(n)) : '') : String(n)
  if (!/^-?\d+$/.test(s)) return s === '' ? '—' : s
  const neg = s.startsWith('-')
  const digits = neg ? s.slice(1) : s
  return (neg ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** Compact form for charts and badges: 1200 → "1.2k", 3400000 → "3.4M". */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return '—'
  const a = Math.abs(n)
  if (a < 1000) return String(Math.round(n * 100) / 100)
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ]
  for (const [d, s] of units) {
    if (a >= d) {
      const v = n / d
      return `${Math.abs(v) < 10 ? v.toFixed(1).replace(/\.0$/, '') : Math.round(v)}${s}`
    }
  }
  return String(n)
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0')
}

/** Local time "2024-05-01 13:04:05.120" — sortable, unambiguous, millisecond precision as Kafka timestamps have. */
export function formatTimestamp(ms: number | string | null | undefined): string {
  if (ms === null || ms === undefined || ms === '') return '—'
  const n = typeof ms === 'string' ? Number(ms) : ms
  if (!Number.isFinite(n) || n < 0) return '—'
  const d = new Date(n)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/** Wall-clock "13:04:05" (local), for "as of" marks on data that could not be refreshed. */
export function formatClock(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** "3s ago", "5 min ago", "2 h ago", "4 d ago" relative to `now`. */
export function formatAgo(ms: number, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000))
  if (s < 60) return `${s}s ago`
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min ago`
  const h = Math.round(m / 60)
  if (h < 48) return `${h} h ago`
  return `${Math.round(h / 24)} d ago`
}

/** Milliseconds as Kafka configs mean them: 604800000 → "7 d", 3600000 → "1 h", 1500 → "1.5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 0) return ms === -1 ? 'unlimited' : '—'
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ]
  for (const [d, s] of units) {
    if (ms >= d) {
      const v = ms / d
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ${s}`
    }
  }
  return `${ms} ms`
}

/** Value for an <input type="datetime-local"> from epoch ms (local time, to the second). */
export function toDatetimeLocal(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** Epoch ms from an <input type="datetime-local"> value; NaN when empty or invalid. */
export function fromDatetimeLocal(v: string): number {
  if (!v) return NaN
  return new Date(v).getTime()
}

/**
 * Parses Kafka's reset-offsets duration (ISO-8601 "PnDTnHnMnS", e.g. "PT15M", "P1DT2H")
 * into milliseconds. Returns null when the text isn't a valid duration.
 */
export function parseIsoDuration(text: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim())
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return null
  const [, d, h, mi, s] = m
  if (d === undefined && h === undefined && mi === undefined && s === undefined) return null
  return (Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(s ?? 0)) * 1000
}

/** Truncates long text for table cells, keeping it on one line. */
export function ellipsize(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ')
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine
}
