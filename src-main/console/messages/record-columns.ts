// The records of a big read kept as byte ranges of the fetched buffers (no object, Buffer or
// string per record while reading), put in display order by sorting row numbers, and turned into
// the columns the messages table asks for (asColumns). Text is made only for the rows answered;
// JSON found by 'auto' or 'json' decoding is not parsed here: the page parses the rows it shows.
import type { ControlMarker, DecodedColumn, Decoding, MessageColumns } from '../../ipc/contract'
import type { Session } from '../connections'
import type { RawRecord, RecordSink } from '../records'
import { decodeBytes, type DecodeOptions } from './message'

/** Keys/values longer than this are decoded here whole (their text may be cut), never left to the page. */
const LAZY_MAX_BYTES = 64 * 1024

export class RecordStore {
  /** The buffers rows point into (a batch's records section), by number. */
  private readonly bodies: Buffer[] = []
  private lastBody: Buffer | undefined
  readonly partition: number[] = []
  readonly offset: number[] = []
  readonly timestamp: number[] = []
  private readonly body: number[] = []
  private readonly keyStart: number[] = []
  private readonly keyLength: number[] = []
  private readonly valueStart: number[] = []
  private readonly valueLength: number[] = []
  readonly headers = new Map<number, RawRecord['headers']>()
  readonly controls = new Map<number, ControlMarker>()

  get size(): number {
    return this.offset.length
  }

  /** Where the records of one partition are written. */
  sink(partition: number): RecordSink {
    return {
      record: (buf, offset, timestamp, ks, kl, vs, vl, headers, control) => {
        if (buf !== this.lastBody) {
          this.bodies.push(buf)
          this.lastBody = buf
        }
        const row = this.offset.length
        this.partition.push(partition)
        this.offset.push(offset)
        this.timestamp.push(timestamp)
        this.body.push(this.bodies.length - 1)
        this.keyStart.push(ks)
        this.keyLength.push(kl)
        this.valueStart.push(vs)
        this.valueLength.push(vl)
        if (headers) this.headers.set(row, headers)
        if (control) this.controls.set(row, control)
        return undefined
      },
    }
  }

  /**
   * Row numbers in the order the table lists them: the order read (a partition's offsets), or
   * with `byTime`, merged by timestamp, ties by partition then offset (timestamps within a
   * partition need not rise). An already sorted read is recognized without sorting.
   */
  order(byTime: boolean): number[] {
    const n = this.size
    const rows = new Array<number>(n)
    for (let i = 0; i < n; i++) rows[i] = i
    if (!byTime) return rows
    const ts = this.timestamp
    const pa = this.partition
    const of = this.offset
    const before = (a: number, b: number) => ts[a]! - ts[b]! || pa[a]! - pa[b]! || of[a]! - of[b]!
    let sorted = true
    for (let i = 1; i < n && sorted; i++) sorted = before(i - 1, i) <= 0
    if (!sorted) rows.sort(before)
    return rows
  }

  key(row: number): Buffer | null {
    const l = this.keyLength[row]!
    return l < 0 ? null : this.bodies[this.body[row]!]!.subarray(this.keyStart[row]!, this.keyStart[row]! + l)
  }

  value(row: number): Buffer | null {
    const l = this.valueLength[row]!
    return l < 0 ? null : this.bodies[this.body[row]!]!.subarray(this.valueStart[row]!, this.valueStart[row]! + l)
  }

  /** Row `row` as a RawRecord (for the answers that are not columns, and the registry's schema ids). */
  record(row: number): RawRecord {
    const r: RawRecord = {
      offset: this.offset[row]!,
      timestamp: this.timestamp[row]!,
      key: this.key(row),
      value: this.value(row),
      headers: this.headers.get(row) ?? [],
    }
    const control = this.controls.get(row)
    if (control) r.control = control
    return r
  }

  /** The rows, in the order given, as the table's columns. */
  toColumns(s: Session, rows: number[], o: DecodeOptions): MessageColumns {
    const n = rows.length
    const partition = new Array<number>(n)
    const offset = new Array<number>(n)
    const timestamp = new Array<number>(n)
    const keys = new ColumnWriter(s, o.keyDecoding, o.keyProtobufType)
    const values = new ColumnWriter(s, o.valueDecoding, o.valueProtobufType)
    const headers: MessageColumns['headers'] = []
    const controls: NonNullable<MessageColumns['controls']> = []
    for (let i = 0; i < n; i++) {
      const r = rows[i]!
      partition[i] = this.partition[r]!
      offset[i] = this.offset[r]!
      timestamp[i] = this.timestamp[r]!
      const b = this.bodies[this.body[r]!]!
      keys.add(b, this.keyStart[r]!, this.keyLength[r]!)
      values.add(b, this.valueStart[r]!, this.valueLength[r]!)
      const h = this.headers.get(r)
      if (h) headers.push([i, h.map((x) => [x.key, x.value ? x.value.toString('utf8') : null])])
      const c = this.controls.get(r)
      if (c) controls.push([i, c])
    }
    const cols: MessageColumns = { partition, offset, timestamp, key: keys.done(), value: values.done(), headers }
    if (controls.length) cols.controls = controls
    return cols
  }
}

/**
 * A character that is not ASCII text as 'auto' shows text (control characters other than
 * whitespace mark binary). Bytes read as latin1 map one to one onto characters, so a text without
 * one is the bytes' exact UTF-8 reading; the regex scans natively, about twice as fast as a loop
 * over the bytes in JavaScript.
 */
const NOT_ASCII_TEXT = /[^\x09-\x0d\x20-\x7f]/

/** The first byte that is not JSON whitespace, or -1. */
function firstNonSpace(b: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = b[i]!
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c
  }
  return -1
}

/** Builds one DecodedColumn: the decodings that need only the text, fast; the others through decodeBytes. */
class ColumnWriter {
  private readonly col: DecodedColumn = { formats: [], format: [], text: [], size: [], errors: [], schemaIds: [] }
  private readonly formatIndex = new Map<Decoding, number>()
  /** 'auto', 'string' and 'json' read ASCII text straight from the buffer. */
  private readonly fast: boolean

  constructor(
    private readonly s: Session,
    private readonly decoding: Decoding,
    private readonly protobufType: string | undefined,
  ) {
    this.fast = decoding === 'auto' || decoding === 'string' || decoding === 'json'
    if (decoding === 'auto' || decoding === 'json') this.col.jsonUnchecked = decoding
  }

  private formatOf(f: Decoding): number {
    let i = this.formatIndex.get(f)
    if (i === undefined) {
      i = this.col.formats.push(f) - 1
      this.formatIndex.set(f, i)
    }
    return i
  }

  add(b: Buffer, start: number, length: number): void {
    const c = this.col
    const row = c.format.length
    if (length < 0) {
      c.format.push(-1)
      c.text.push('')
      c.size.push(0)
      return
    }
    const end = start + length
    if (this.fast && length <= LAZY_MAX_BYTES) {
      const text = b.toString('latin1', start, end)
      if (!NOT_ASCII_TEXT.test(text)) {
        // 'auto' text that starts like JSON, and any 'json' text, is sent as JSON unparsed
        // (jsonUnchecked): the page parses a row when it shows it.
        let format: Decoding = 'string'
        if (this.decoding === 'json') format = 'json'
        else if (this.decoding === 'auto') {
          const f = firstNonSpace(b, start, end)
          if (f === 0x7b || f === 0x5b) format = 'json'
        }
        c.format.push(this.formatOf(format))
        c.text.push(text)
        c.size.push(length)
        return
      }
    }
    // Decoded here in full; a 'json' row of it that the page parses again parses as it did here.
    const d = decodeBytes(this.s, b.subarray(start, end), this.decoding, this.protobufType, false)!
    c.format.push(this.formatOf(d.format))
    c.text.push(d.text)
    c.size.push(d.size)
    if (d.error !== undefined) c.errors.push([row, d.error])
    if (d.schemaId !== undefined) c.schemaIds.push([row, d.schemaId])
  }

  done(): DecodedColumn {
    return this.col
  }
}
