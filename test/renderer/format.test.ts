import { describe, expect, it } from 'vitest'
import {
  ellipsize,
  formatAgo,
  formatBytes,
  formatCompact,
  formatCount,
  formatDuration,
  formatTimestamp,
  fromDatetimeLocal,
  parseIsoDuration,
  toDatetimeLocal,
} from '../../src-renderer/src/lib/format'

describe('formatters', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB')
    expect(formatBytes(null)).toBe('—')
    expect(formatBytes(-1)).toBe('—')
  })

  it('groups digits, keeping int64 strings exact', () => {
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatCount(-1000)).toBe('-1,000')
    expect(formatCount('9223372036854775807')).toBe('9,223,372,036,854,775,807')
    expect(formatCount(null)).toBe('—')
  })

  it('compacts large numbers', () => {
    expect(formatCompact(999)).toBe('999')
    expect(formatCompact(1200)).toBe('1.2k')
    expect(formatCompact(3_400_000)).toBe('3.4M')
    expect(formatCompact(25_000)).toBe('25k')
  })

  it('formats timestamps as local, millisecond-precise and sortable', () => {
    const ms = new Date(2024, 4, 1, 13, 4, 5, 120).getTime()
    expect(formatTimestamp(ms)).toBe('2024-05-01 13:04:05.120')
    expect(formatTimestamp(-1)).toBe('—')
    expect(fromDatetimeLocal(toDatetimeLocal(ms))).toBe(ms - 120)
    expect(Number.isNaN(fromDatetimeLocal(''))).toBe(true)
  })

  it('formats durations as Kafka configs mean them', () => {
    expect(formatDuration(604_800_000)).toBe('7 d')
    expect(formatDuration(3_600_000)).toBe('1 h')
    expect(formatDuration(1500)).toBe('1.5 s')
    expect(formatDuration(-1)).toBe('unlimited')
    expect(formatAgo(1000, 6000)).toBe('5s ago')
  })

  it("parses the reset tool's ISO-8601 durations", () => {
    expect(parseIsoDuration('PT15M')).toBe(900_000)
    expect(parseIsoDuration('P1DT2H')).toBe(93_600_000)
    expect(parseIsoDuration('pt1.5s')).toBe(1500)
    expect(parseIsoDuration('P')).toBeNull()
    expect(parseIsoDuration('PT')).toBeNull()
    expect(parseIsoDuration('15m')).toBeNull()
  })

  it('ellipsizes to one line', () => {
    expect(ellipsize('a\n  b', 10)).toBe('a b')
    expect(ellipsize('abcdefghijkl', 5)).toBe('abcd…')
  })
})
