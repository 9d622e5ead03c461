// Export of messages as JSON lines or CSV: given messages, or a selection read back by offset
// (with progress and cancel when named by an opId).
import type { Message, RequestOf, ResponseOf } from '../../ipc/contract'
import type { Session } from '../connections'
import { loadSchemas, toMessage } from './message'
import type { OpContext } from '../operations'
import { readSelection } from './selection'

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function exportMessages(messages: Message[], format: 'jsonl' | 'csv', topic?: string): ResponseOf<'messages.export'> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const base = `${topic ?? messages[0]?.topic ?? 'messages'}-${stamp}`
  if (format === 'jsonl') {
    const lines = messages.map((m) =>
      JSON.stringify({
        topic: m.topic,
        partition: m.partition,
        offset: m.offset,
        timestamp: m.timestamp,
        key: m.key ? (m.key.json !== undefined ? m.key.json : m.key.text) : null,
        value: m.value ? (m.value.json !== undefined ? m.value.json : m.value.text) : null,
        keyFormat: m.key?.format ?? null,
        valueFormat: m.value?.format ?? null,
        headers: m.headers,
        ...(m.keyBase64 !== undefined ? { keyBase64: m.keyBase64 } : {}),
        ...(m.valueBase64 !== undefined ? { valueBase64: m.valueBase64 } : {}),
      }),
    )
    return { content: lines.length ? `${lines.join('\n')}\n` : '', mimeType: 'application/x-ndjson', fileName: `${base}.jsonl`, count: messages.length }
  }
  const rows = ['topic,partition,offset,timestamp,key,value,headers']
  for (const m of messages) {
    rows.push(
      [
        m.topic,
        m.partition,
        m.offset,
        new Date(m.timestamp).toISOString(),
        m.key?.text ?? null,
        m.value?.text ?? null,
        m.headers.length ? JSON.stringify(m.headers) : '',
      ]
        .map(csvCell)
        .join(','),
    )
  }
  return { content: `${rows.join('\r\n')}\r\n`, mimeType: 'text/csv', fileName: `${base}.csv`, count: messages.length }
}

export async function exportRequest(
  get: (id: string) => Promise<Session>,
  req: RequestOf<'messages.export'>,
  opCtx?: OpContext,
): Promise<ResponseOf<'messages.export'>> {
  if (req.source.type === 'messages') return exportMessages(req.source.messages, req.format)
  const src = req.source
  const s = await get(src.connectionId)
  const op = opCtx ? opCtx.ops.start(req.opId, opCtx.sink, src.items.length) : undefined
  let recs
  try {
    recs = await readSelection(s, src.topic, src.items, op)
  } finally {
    op?.end()
  }
  await loadSchemas(
    s,
    recs.map((r) => r.rec),
    src,
  )
  const msgs = recs.map((r) => toMessage(s, src.topic, r.partition, r.rec, { ...src, includeRaw: true }))
  return exportMessages(msgs, req.format, src.topic)
}
