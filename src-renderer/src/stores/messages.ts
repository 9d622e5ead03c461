import { defineStore } from 'pinia'
import { computed, markRaw, reactive, ref, shallowRef, watch } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import type { Decoded, Decoding, IsolationLevel, Message, MessageFilter, ReadPosition, ReadResponse, SearchProgress } from '../api/types'
import { useConnectionsStore } from './connections'
import { useUiStore } from './ui'
import { randomId } from '../lib/random-id'

export type ReadMode = 'latest' | 'earliest' | 'offset' | 'timestamp'

/** Live tail keeps at most this many messages in view (newest first). */
export const TAIL_CAP = 2000

export function messageId(m: Pick<Message, 'partition' | 'offset'>): string {
  return `${m.partition}:${m.offset}`
}

/**
 * Reads leave out the parsed JSON (omitJson: the text carries it, at half the bytes for a big
 * table); the one message shown in detail gets it back here.
 */
export function withParsedJson(m: Message): Message {
  const parse = (d: Decoded | null): Decoded | null => {
    if (!d || d.json !== undefined || (d.format !== 'json' && d.format !== 'avro' && d.format !== 'msgpack' && d.format !== 'protobuf')) return d
    try {
      return { ...d, json: JSON.parse(d.text) }
    } catch {
      return d
    }
  }
  const key = parse(m.key)
  const value = parse(m.value)
  if (key === m.key && value === m.value) return m
  // Field by field: a RowMessage's key, value and headers are getters, which a spread misses.
  const out: Message = { topic: m.topic, partition: m.partition, offset: m.offset, timestamp: m.timestamp, key, value, headers: m.headers }
  if (m.keyBase64 !== undefined) out.keyBase64 = m.keyBase64
  if (m.valueBase64 !== undefined) out.valueBase64 = m.valueBase64
  if (m.control) out.control = m.control
  return out
}

type Row = NonNullable<ReadResponse['rows']>[number]
type Tuple = NonNullable<Row[3]>

function fromTuple(t: Tuple | null): Decoded | null {
  if (t === null) return null
  const d: Decoded = { format: t[0], text: t[1], size: t[2] }
  if (t[3] !== undefined && t[3] !== null) d.error = t[3]
  if (t[4] !== undefined) d.schemaId = t[4]
  return d
}

/** Big reads come as tuples (asRows: half the bytes to send and parse); the table wants messages. */
export function fromRows(topic: string, rows: Row[]): Message[] {
  const out = new Array<Message>(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    out[i] = {
      topic,
      partition: r[0],
      offset: r[1],
      timestamp: r[2],
      key: fromTuple(r[3]),
      value: fromTuple(r[4]),
      headers: r[5].length ? r[5].map(([key, value]) => ({ key, value })) : [],
    }
  }
  return out
}

/**
 * A message over its row, decoded when looked at: the table looks at the few dozen rows in
 * view, so a 100,000-row read no longer builds 300,000 objects before its first paint. Plain
 * fields (no #private: Vue's proxies cannot reach those); `toJSON` keeps export and JSON.stringify
 * seeing a whole message.
 */
class RowMessage implements Message {
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  private cachedKey: Decoded | null | undefined
  private cachedValue: Decoded | null | undefined
  private cachedHeaders: Message['headers'] | undefined

  constructor(
    readonly topic: string,
    private readonly row: Row,
  ) {
    this.partition = row[0]
    this.offset = row[1]
    this.timestamp = row[2]
  }

  get key(): Decoded | null {
    if (this.cachedKey === undefined) this.cachedKey = fromTuple(this.row[3])
    return this.cachedKey
  }

  get value(): Decoded | null {
    if (this.cachedValue === undefined) this.cachedValue = fromTuple(this.row[4])
    return this.cachedValue
  }

  get headers(): Message['headers'] {
    if (this.cachedHeaders === undefined) this.cachedHeaders = this.row[5].length ? this.row[5].map(([key, value]) => ({ key, value })) : []
    return this.cachedHeaders
  }

  toJSON(): Message {
    return {
      topic: this.topic,
      partition: this.partition,
      offset: this.offset,
      timestamp: this.timestamp,
      key: this.key,
      value: this.value,
      headers: this.headers,
    }
  }
}

/** Rows as messages that decode their key, value and headers on first use (see RowMessage). */
export function lazyRows(topic: string, rows: Row[]): Message[] {
  const out = new Array<Message>(rows.length)
  for (let i = 0; i < rows.length; i++) out[i] = new RowMessage(topic, rows[i]!)
  return out
}

type Columns = NonNullable<ReadResponse['columns']>
type Column = Columns['key']

/** A DecodedColumn with its sparse lists (errors, schema ids) as maps by row, made once per read. */
interface IndexedColumn {
  col: Column
  errors: Map<number, string>
  schemaIds: Map<number, number>
}

const indexed = (col: Column): IndexedColumn => ({ col, errors: new Map(col.errors), schemaIds: new Map(col.schemaIds) })

/** Row i of a DecodedColumn as a Decoded. */
function fromColumn(c: IndexedColumn, i: number): Decoded | null {
  const f = c.col.format[i]!
  if (f < 0) return null
  const d: Decoded = { format: c.col.formats[f]!, text: c.col.text[i]!, size: c.col.size[i]! }
  const error = c.errors.get(i)
  if (error !== undefined) d.error = error
  const schemaId = c.schemaIds.get(i)
  if (schemaId !== undefined) d.schemaId = schemaId
  if (d.format === 'json' && error === undefined && c.col.jsonUnchecked) checkJson(d, c.col.jsonUnchecked)
  return d
}

/**
 * The server sends the JSON text of a big read unparsed (jsonUnchecked): parsed here when the
 * row is shown, a text that is not JSON becomes what the server's decoder makes of it, a string
 * for 'auto', an error with the bytes (ASCII: the server parses all other text) as hex for 'json'.
 */
function checkJson(d: Decoded, decoding: 'auto' | 'json'): void {
  try {
    JSON.parse(d.text)
  } catch (e) {
    if (decoding === 'auto') d.format = 'string'
    else {
      d.error = `not JSON: ${(e as Error).message}`
      let hex = ''
      for (let k = 0; k < d.text.length; k++) hex += d.text.charCodeAt(k).toString(16).padStart(2, '0')
      d.text = hex
    }
  }
}

/** What the rows of one columnar read share. */
interface ColumnRead {
  topic: string
  cols: Columns
  key: IndexedColumn
  value: IndexedColumn
  headers: Map<number, [string, string | null][]>
  /** Rows that are transaction markers (read with showControlRecords). */
  controls: Map<number, NonNullable<Message['control']>>
}

/** Row i of a columnar read as a message that decodes its key, value and headers on first use. */
class ColumnMessage implements Message {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  readonly control: Message['control']
  private cachedKey: Decoded | null | undefined
  private cachedValue: Decoded | null | undefined
  private cachedHeaders: Message['headers'] | undefined

  constructor(
    private readonly read: ColumnRead,
    private readonly i: number,
  ) {
    this.topic = read.topic
    this.partition = read.cols.partition[i]!
    this.offset = read.cols.offset[i]!
    this.timestamp = read.cols.timestamp[i]!
    this.control = read.controls.get(i)
  }

  get key(): Decoded | null {
    if (this.cachedKey === undefined) this.cachedKey = fromColumn(this.read.key, this.i)
    return this.cachedKey
  }

  get value(): Decoded | null {
    if (this.cachedValue === undefined) this.cachedValue = fromColumn(this.read.value, this.i)
    return this.cachedValue
  }

  get headers(): Message['headers'] {
    if (this.cachedHeaders === undefined) this.cachedHeaders = (this.read.headers.get(this.i) ?? []).map(([key, value]) => ({ key, value }))
    return this.cachedHeaders
  }

  toJSON(): Message {
    return {
      topic: this.topic,
      partition: this.partition,
      offset: this.offset,
      timestamp: this.timestamp,
      key: this.key,
      value: this.value,
      headers: this.headers,
      ...(this.control ? { control: this.control } : {}),
    }
  }
}

/** A columnar read (asColumns) as messages, each decoded on first use (see ColumnMessage). */
export function lazyColumns(topic: string, cols: Columns): Message[] {
  const read: ColumnRead = {
    topic,
    cols,
    key: indexed(cols.key),
    value: indexed(cols.value),
    headers: new Map(cols.headers),
    controls: new Map(cols.controls ?? []),
  }
  const n = cols.offset.length
  const out = new Array<Message>(n)
  for (let i = 0; i < n; i++) out[i] = new ColumnMessage(read, i)
  return out
}

export const useMessagesStore = defineStore('messages', () => {
  const conn = useConnectionsStore()
  const ui = useUiStore()

  const topic = ref('')
  /** The connection the messages on screen came from. */
  const topicConnection = ref('')
  const defaultQuery = () => ({
    mode: 'latest' as ReadMode,
    partition: 0,
    offset: 0,
    timestamp: Date.now() - 3_600_000,
    /** Restrict latest/earliest/timestamp reads to one partition; null = all, merged by time. */
    onlyPartition: null as number | null,
    limit: 100,
    keyDecoding: 'auto' as Decoding,
    valueDecoding: 'auto' as Decoding,
    /** Message type for 'protobuf' values, from the added .proto files. */
    valueProtobufType: '',
    /**
     * read_uncommitted by default: Kafka's consumer and kafka-console-consumer read that way
     * unless told otherwise, so the browser shows what those tools show.
     */
    isolationLevel: 'read_uncommitted' as IsolationLevel,
    /** Transaction markers are not data (no consumer sees them): hidden unless asked for. */
    showControlRecords: false,
  })
  const query = reactive(defaultQuery())
  const messages = shallowRef<Message[]>([])
  const pages = ref<ReadResponse['partitions']>([])
  /** Partitions the last read could not reach, with why (the others were still read). */
  const unavailable = ref<NonNullable<ReadResponse['unavailable']>>([])
  /** Reads come oldest first from the server; the table shows newest first unless toggled. */
  const order = ref<'newest' | 'oldest'>('newest')
  const shown = computed(() => (tailId.value || order.value === 'oldest' ? messages.value : [...messages.value].reverse()))
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** The read or export running now (opId), how far it is, and whether the user stopped it. */
  const operation = ref<{ opId: string; kind: 'read' | 'export'; done: number; total: number } | null>(null)
  const selected = ref(new Set<string>())

  // server-side search
  const filter = reactive<MessageFilter>({
    key: '',
    value: '',
    headerKey: '',
    headerValue: '',
    regex: false,
    caseSensitive: false,
    jsonPath: '',
    jsonEquals: '',
  })
  const searchId = ref<string | null>(null)
  const progress = ref<SearchProgress | null>(null)
  const lastSearch = ref<{ scanned: number; truncated: boolean; cancelled: boolean; durationMs: number; matches: number } | null>(null)

  // live tail
  const tailId = ref<string | null>(null)
  const tailState = ref<'off' | 'starting' | 'running' | 'error'>('off')
  let eventsBound = false

  const searching = computed(() => searchId.value !== null)

  function bindEvents() {
    if (eventsBound) return
    eventsBound = true
    api().on('operation.progress', (p) => {
      if (operation.value && p.opId === operation.value.opId) operation.value = { ...operation.value, done: p.done, total: p.total }
    })
    api().on('search.progress', (p) => {
      if (p.searchId === searchId.value) progress.value = p
    })
    api().on('tail.messages', (ev) => {
      if (ev.tailId !== tailId.value) return
      const incoming = [...ev.messages].reverse()
      messages.value = [...incoming, ...messages.value].slice(0, TAIL_CAP)
    })
    api().on('tail.status', (ev) => {
      if (ev.tailId !== tailId.value) return
      if (ev.state === 'running') tailState.value = 'running'
      else {
        if (ev.state === 'error') ui.notify('error', 'Live tail stopped', ev.error?.message ?? 'unknown error')
        tailId.value = null
        tailState.value = ev.state === 'error' ? 'error' : 'off'
      }
    })
    api().onTransport('transport.reconnected', () => {
      // The server ended this socket's tails and searches when it went away.
      if (tailId.value) {
        tailId.value = null
        tailState.value = 'off'
        ui.notify('warning', 'Live tail stopped', 'The connection to Kafkadesk was re-established; start the tail again.')
      }
      searchId.value = null
    })
  }

  /** Another topic or another cluster: its own messages and read settings, none carried over. */
  function setTopic(t: string) {
    if (topic.value === t && topicConnection.value === conn.activeId) return
    void stopTail()
    topic.value = t
    topicConnection.value = conn.activeId
    messages.value = []
    pages.value = []
    unavailable.value = []
    selected.value = new Set()
    error.value = null
    lastSearch.value = null
    Object.assign(query, defaultQuery())
  }

  watch(
    () => conn.activeId,
    () => {
      void stopTail()
      messages.value = []
      pages.value = []
      unavailable.value = []
      selected.value = new Set()
      error.value = null
      lastSearch.value = null
    },
  )

  /** The Protobuf message type chosen for values (else a registry schema decodes them), for every request that decodes. */
  function protobufType(): { valueProtobufType?: string } {
    return query.valueDecoding === 'protobuf' && query.valueProtobufType ? { valueProtobufType: query.valueProtobufType } : {}
  }

  function position(): ReadPosition {
    switch (query.mode) {
      case 'offset':
        return { type: 'offset', partition: query.partition, offset: query.offset }
      case 'timestamp':
        return { type: 'timestamp', timestamp: query.timestamp }
      case 'earliest':
        return { type: 'earliest' }
      default:
        return { type: 'latest' }
    }
  }

  async function read() {
    bindEvents()
    loading.value = true
    error.value = null
    lastSearch.value = null
    const connectionId = conn.activeId
    const t = topic.value
    // A read answered after the user moved to another topic or cluster is dropped.
    const stale = () => connectionId !== conn.activeId || t !== topic.value
    // Marks for DevTools' performance panel (and the scale test): answer received, then stored.
    performance.mark('kafkadesk:read-start')
    const opId = randomId()
    operation.value = { opId, kind: 'read', done: 0, total: 0 }
    try {
      const r = await api().call('messages.read', {
        connectionId,
        topic: t,
        position: position(),
        ...(query.mode !== 'offset' && query.onlyPartition !== null ? { partitions: [query.onlyPartition] } : {}),
        limit: query.limit,
        keyDecoding: query.keyDecoding,
        valueDecoding: query.valueDecoding,
        includeRaw: false,
        omitJson: true,
        asColumns: true,
        isolationLevel: query.isolationLevel,
        showControlRecords: query.showControlRecords,
        opId,
        ...protobufType(),
      })
      performance.measure('kafkadesk:read-answered', 'kafkadesk:read-start')
      if (stale()) return
      // Rows are never changed in place: no deep reactivity for 100,000 of them.
      messages.value = markRaw(r.columns ? lazyColumns(t, r.columns) : r.rows ? lazyRows(t, r.rows) : r.messages)
      performance.measure('kafkadesk:read-stored', 'kafkadesk:read-start')
      pages.value = r.partitions
      unavailable.value = r.unavailable ?? []
      selected.value = new Set()
    } catch (e) {
      const err = toApiError(e)
      if (err.code === 'CANCELLED') ui.notify('info', 'Read cancelled', 'The messages shown before are kept.')
      else if (!stale()) error.value = err.message
    } finally {
      loading.value = false
      if (operation.value?.opId === opId) operation.value = null
    }
  }

  /** Stops the running read or export; its call then answers CANCELLED. */
  async function cancelOperation() {
    const op = operation.value
    if (!op) return
    try {
      await api().call('operations.cancel', { opId: op.opId })
    } catch (e) {
      ui.error('Could not cancel', e)
    }
  }

  /** Next page for a single-partition offset read. */
  async function nextPage() {
    if (query.mode !== 'offset') return
    const p = pages.value.find((x) => x.partition === query.partition)
    if (!p) return
    query.offset = p.nextOffset
    await read()
  }

  function cleanFilter(): MessageFilter {
    const f: MessageFilter = { regex: filter.regex, caseSensitive: filter.caseSensitive }
    for (const k of ['key', 'value', 'headerKey', 'headerValue', 'jsonPath', 'jsonEquals'] as const) {
      const v = filter[k]
      if (v) f[k] = v
    }
    return f
  }

  async function search(opts: { maxScan: number; maxResults: number }) {
    bindEvents()
    const id = randomId()
    searchId.value = id
    progress.value = null
    error.value = null
    const start =
      query.mode === 'timestamp'
        ? { type: 'timestamp' as const, timestamp: query.timestamp }
        : query.mode === 'offset'
          ? { type: 'offsets' as const, offsets: [{ partition: query.partition, offset: query.offset }] }
          : { type: 'earliest' as const }
    const partitions = query.mode === 'offset' ? [query.partition] : query.onlyPartition !== null ? [query.onlyPartition] : undefined
    try {
      const r = await api().call('messages.search', {
        connectionId: conn.activeId,
        topic: topic.value,
        start,
        ...(partitions ? { partitions } : {}),
        filter: cleanFilter(),
        maxScan: opts.maxScan,
        maxResults: opts.maxResults,
        keyDecoding: query.keyDecoding,
        valueDecoding: query.valueDecoding,
        ...protobufType(),
        searchId: id,
      })
      if (searchId.value !== id) return
      messages.value = r.matches
      pages.value = []
      selected.value = new Set()
      lastSearch.value = { scanned: r.scanned, truncated: r.truncated, cancelled: r.cancelled, durationMs: r.durationMs, matches: r.matches.length }
    } catch (e) {
      const err = toApiError(e)
      if (err.code !== 'CANCELLED') error.value = err.message
    } finally {
      if (searchId.value === id) searchId.value = null
    }
  }

  async function cancelSearch() {
    const id = searchId.value
    if (!id) return
    try {
      await api().call('messages.searchCancel', { searchId: id })
    } catch (e) {
      ui.error('Could not cancel the search', e)
    }
  }

  async function startTail() {
    bindEvents()
    if (tailId.value) return
    tailState.value = 'starting'
    const id = randomId()
    tailId.value = id
    messages.value = []
    selected.value = new Set()
    try {
      const f = cleanFilter()
      const hasFilter = Object.keys(f).some((k) => k !== 'regex' && k !== 'caseSensitive')
      await api().call('messages.tailStart', {
        connectionId: conn.activeId,
        topic: topic.value,
        ...(query.onlyPartition !== null ? { partitions: [query.onlyPartition] } : {}),
        from: 'latest',
        ...(hasFilter ? { filter: f } : {}),
        keyDecoding: query.keyDecoding,
        valueDecoding: query.valueDecoding,
        ...protobufType(),
        tailId: id,
      })
      if (tailId.value === id) tailState.value = 'running'
    } catch (e) {
      tailId.value = null
      tailState.value = 'error'
      ui.error('Could not start the live tail', e)
    }
  }

  async function stopTail() {
    const id = tailId.value
    if (!id) return
    tailId.value = null
    tailState.value = 'off'
    try {
      await api().call('messages.tailStop', { tailId: id })
    } catch {
      /* the server ends tails of gone clients anyway */
    }
  }

  function toggleSelected(m: Message) {
    const s = new Set(selected.value)
    const id = messageId(m)
    if (s.has(id)) s.delete(id)
    else s.add(id)
    selected.value = s
  }

  function selectAll(on: boolean) {
    selected.value = on ? new Set(messages.value.map(messageId)) : new Set()
  }

  async function exportMessages(format: 'jsonl' | 'csv') {
    const chosen = selected.value.size > 0 ? messages.value.filter((m) => selected.value.has(messageId(m))) : messages.value
    if (chosen.length === 0) {
      ui.notify('warning', 'Nothing to export', 'Read or select some messages first.')
      return
    }
    bindEvents()
    const opId = randomId()
    operation.value = { opId, kind: 'export', done: 0, total: chosen.length }
    try {
      const r = await api().call('messages.export', {
        format,
        opId,
        source: {
          type: 'selection',
          connectionId: conn.activeId,
          topic: topic.value,
          items: chosen.map((m) => ({ partition: m.partition, offset: m.offset })),
          keyDecoding: query.keyDecoding,
          valueDecoding: query.valueDecoding,
          ...protobufType(),
        },
      })
      const blob = new Blob([r.content], { type: r.mimeType })
      const a = document.createElement('a')
      a.href = URL.createObjectURL(blob)
      a.download = r.fileName
      document.body.appendChild(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(a.href), 5000)
      ui.notify('success', `Exported ${r.count} message${r.count === 1 ? '' : 's'}`, r.fileName)
    } catch (e) {
      if (toApiError(e).code === 'CANCELLED') ui.notify('info', 'Export cancelled')
      else ui.error('Export failed', e)
    } finally {
      if (operation.value?.opId === opId) operation.value = null
    }
  }

  return {
    topic,
    query,
    messages,
    shown,
    order,
    unavailable,
    pages,
    loading,
    error,
    operation,
    cancelOperation,
    selected,
    filter,
    searchId,
    searching,
    progress,
    lastSearch,
    tailId,
    tailState,
    setTopic,
    read,
    nextPage,
    search,
    cancelSearch,
    startTail,
    stopTail,
    toggleSelected,
    selectAll,
    exportMessages,
  }
})
