// A record as the console shows it: decoded key and value (with the registry schemas they name
// loaded first), the compact row form of big reads, and the order merged partitions are shown in.
import type { Decoded, DecodedColumn, DecodedTuple, Decoding, Message, MessageColumns, MessageRow } from '../../ipc/contract'
import type { Session } from '../connections'
import { confluentSchemaId, decode } from '../decoders'
import { protoRegistry } from '../protobuf'
import type { RawRecord } from '../records'

export interface DecodeOptions {
  keyDecoding: Decoding
  valueDecoding: Decoding
  includeRaw?: boolean
  /** Leave the parsed JSON out of JSON keys/values (the text carries it). */
  omitJson?: boolean
  keyProtobufType?: string
  valueProtobufType?: string
}

/** Loads the registry schemas a set of records refers to (Avro decoding is synchronous). */
export async function loadSchemas(s: Session, records: Iterable<RawRecord>, o: DecodeOptions): Promise<void> {
  if (!s.registry) return
  const ids = new Set<number>()
  // Protobuf without a chosen message type reads the registry's schema.
  const wants = (d: Decoding, protobufType?: string) => d === 'avro' || d === 'auto' || (d === 'protobuf' && !protobufType)
  for (const r of records) {
    if (wants(o.keyDecoding, o.keyProtobufType) && r.key) {
      const id = confluentSchemaId(r.key)
      if (id !== undefined) ids.add(id)
    }
    if (wants(o.valueDecoding, o.valueProtobufType) && r.value) {
      const id = confluentSchemaId(r.value)
      if (id !== undefined) ids.add(id)
    }
  }
  if (ids.size) await s.registry.load(ids)
}

/**
 * One key or value decoded as `decoding` says. Protobuf: with a message type, from the added
 * .proto files; without one, a value in the schema registry's wire format whose id is a
 * registered Protobuf schema is decoded with it. 'auto' tries the registry's Protobuf schemas
 * as it tries its Avro ones.
 */
export function decodeBytes(s: Session, buf: Buffer | null, decoding: Decoding, protobufType: string | undefined, keepJson: boolean): Decoded | null {
  if (buf === null) return null
  if (decoding === 'protobuf') {
    if (protobufType) return protoRegistry().decode(buf, protobufType, keepJson)
    return registryProtobuf(s, buf, keepJson) ?? protoRegistry().decode(buf, undefined, keepJson)
  }
  if (decoding === 'auto') {
    const p = registryProtobuf(s, buf, keepJson)
    if (p && !p.error) return p
  }
  const schemas = s.registry ? (id: number) => s.registry!.get(id) : undefined
  return decode(buf, decoding, schemas, keepJson)
}

/** Bytes in the registry's wire format whose schema id is a loaded Protobuf schema, decoded; else undefined. */
function registryProtobuf(s: Session, buf: Buffer, keepJson: boolean): Decoded | undefined {
  const id = s.registry ? confluentSchemaId(buf) : undefined
  if (id === undefined) return undefined
  const schema = s.registry!.schema(id)
  return schema?.type === 'PROTOBUF' ? schema.proto.decode(buf.subarray(5), id, buf.length, keepJson) : undefined
}

/** A record's key and value decoded as `o` says. */
function decodeKeyValue(s: Session, r: RawRecord, o: DecodeOptions, keepJson: boolean): { key: Decoded | null; value: Decoded | null } {
  return {
    key: decodeBytes(s, r.key, o.keyDecoding, o.keyProtobufType, keepJson),
    value: decodeBytes(s, r.value, o.valueDecoding, o.valueProtobufType, keepJson),
  }
}

export function toMessage(s: Session, topic: string, partition: number, r: RawRecord, o: DecodeOptions): Message {
  const { key, value } = decodeKeyValue(s, r, o, !o.omitJson)
  const m: Message = {
    topic,
    partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key,
    value,
    headers: r.headers.map((h) => ({ key: h.key, value: h.value ? h.value.toString('utf8') : null })),
  }
  if (r.control) m.control = r.control
  if (o.includeRaw) {
    m.keyBase64 = r.key ? r.key.toString('base64') : null
    m.valueBase64 = r.value ? r.value.toString('base64') : null
  }
  return m
}

/**
 * The compact row of a record (asRows), made straight from it: a 100,000-row read made a
 * Message object per record only to turn it into this tuple. Rows carry text, never parsed JSON.
 */
export function recordToRow(s: Session, partition: number, r: RawRecord, o: DecodeOptions): MessageRow {
  const { key, value } = decodeKeyValue(s, r, o, false)
  const headers: [string, string | null][] = r.headers.length ? r.headers.map((h) => [h.key, h.value ? h.value.toString('utf8') : null]) : []
  return [partition, r.offset, r.timestamp, toTuple(key), toTuple(value), headers]
}

export const byTime = (a: { timestamp: number; partition: number; offset: number }, b: { timestamp: number; partition: number; offset: number }) =>
  a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset

function toTuple(d: Decoded | null): DecodedTuple | null {
  if (d === null) return null
  if (d.schemaId !== undefined) return [d.format, d.text, d.size, d.error ?? null, d.schemaId]
  if (d.error !== undefined) return [d.format, d.text, d.size, d.error]
  return [d.format, d.text, d.size]
}

/** The compact form of a message for big reads (asRows). */
export function toRow(m: Message): MessageRow {
  return [m.partition, m.offset, m.timestamp, toTuple(m.key), toTuple(m.value), m.headers.map((h) => [h.key, h.value])]
}

/** Builds one DecodedColumn a decoded key or value at a time. */
class ColumnBuilder {
  readonly col: DecodedColumn = { formats: [], format: [], text: [], size: [], errors: [], schemaIds: [] }
  private readonly formatIndex = new Map<Decoding, number>()

  add(d: Decoded | null): void {
    const c = this.col
    const row = c.text.length
    if (d === null) {
      c.format.push(-1)
      c.text.push('')
      c.size.push(0)
      return
    }
    let f = this.formatIndex.get(d.format)
    if (f === undefined) {
      f = c.formats.push(d.format) - 1
      this.formatIndex.set(d.format, f)
    }
    c.format.push(f)
    c.text.push(d.text)
    c.size.push(d.size)
    if (d.error !== undefined) c.errors.push([row, d.error])
    if (d.schemaId !== undefined) c.schemaIds.push([row, d.schemaId])
  }
}

/**
 * Records as columns (asColumns), made straight from them: no Message, Decoded or tuple per
 * record. Columns carry text, never parsed JSON.
 */
export function recordsToColumns(s: Session, records: { partition: number; rec: RawRecord }[], o: DecodeOptions): MessageColumns {
  const n = records.length
  const partition = new Array<number>(n)
  const offset = new Array<number>(n)
  const timestamp = new Array<number>(n)
  const keys = new ColumnBuilder()
  const values = new ColumnBuilder()
  const headers: MessageColumns['headers'] = []
  const controls: NonNullable<MessageColumns['controls']> = []
  for (let i = 0; i < n; i++) {
    const { partition: p, rec } = records[i]!
    partition[i] = p
    offset[i] = rec.offset
    timestamp[i] = rec.timestamp
    const { key, value } = decodeKeyValue(s, rec, o, false)
    keys.add(key)
    values.add(value)
    if (rec.headers.length) headers.push([i, rec.headers.map((h) => [h.key, h.value ? h.value.toString('utf8') : null])])
    if (rec.control) controls.push([i, rec.control])
  }
  const cols: MessageColumns = { partition, offset, timestamp, key: keys.col, value: values.col, headers }
  if (controls.length) cols.controls = controls
  return cols
}
