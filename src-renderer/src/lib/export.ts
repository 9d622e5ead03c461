// Exports of a message selection as JSON Lines or CSV (RFC 4180 quoting).

export interface ExportableMessage {
  topic?: string
  partition: number
  offset: string | number
  timestamp: number | string
  key: string | null
  value: string | null
  headers?: { key: string; value: string | null }[]
}

export function toJsonLines(messages: ExportableMessage[]): string {
  return messages.map((m) => JSON.stringify(m)).join('\n') + (messages.length ? '\n' : '')
}

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(messages: ExportableMessage[]): string {
  const header = ['topic', 'partition', 'offset', 'timestamp', 'key', 'value', 'headers']
  const lines = [header.join(',')]
  for (const m of messages) {
    const headers = m.headers && m.headers.length ? Object.fromEntries(m.headers.map((h) => [h.key, h.value])) : ''
    lines.push([m.topic ?? '', m.partition, m.offset, m.timestamp, m.key, m.value, headers].map(csvField).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}

/**
 * Parses the CSV of kafka-consumer-groups --reset-offsets --from-file: "topic,partition,offset"
 * per line (a header line is allowed). Returns rows or the first error with its line number.
 */
export function parseOffsetsCsv(text: string): { rows: { topic: string; partition: number; offset: string }[] } | { error: string } {
  const rows: { topic: string; partition: number; offset: string }[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    const cells = line.split(',').map((c) => c.trim())
    if (i === 0 && cells[0]?.toLowerCase() === 'topic') continue
    if (cells.length !== 3) return { error: `line ${i + 1}: expected topic,partition,offset` }
    const [topic, p, o] = cells as [string, string, string]
    if (!topic) return { error: `line ${i + 1}: topic is empty` }
    if (!/^\d+$/.test(p)) return { error: `line ${i + 1}: partition "${p}" is not a non-negative integer` }
    if (!/^\d+$/.test(o)) return { error: `line ${i + 1}: offset "${o}" is not a non-negative integer` }
    rows.push({ topic, partition: Number(p), offset: o })
  }
  if (rows.length === 0) return { error: 'the file has no offsets' }
  return { rows }
}
