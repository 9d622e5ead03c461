// A record as the console shows it: decoded key and value (with the registry schemas they name
// loaded first), the compact row form of big reads, and the order merged partitions are shown in.
import type { Decoded, DecodedTuple, Decoding, Message, MessageRow } from '../../ipc/contract'
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
  const wants = (d: Decoding) => d === 'avro' || d === 'auto'
  for (const r of records) {
    if (wants(o.keyDecoding) && r.key) {
      const id = confluentSchemaId(r.key)
      if (id !== undefined) ids.add(id)
    }
    if (wants(o.valueDecoding) && r.value) {
      const id = confluentSchemaId(r.value)
      if (id !== undefined) ids.add(id)
    }
  }
  if (ids.size) await s.registry.load(ids)
}

export function toMessage(s: Session, topic: string, partition: number, r: RawRecord, o: DecodeOptions): Message {
  const schemas = s.registry ? (id: number) => s.registry!.get(id) : undefined
  const m: Message = {
    topic,
    partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: o.keyDecoding === 'protobuf' ? (r.key && protoRegistry().decode(r.key, o.keyProtobufType, !o.omitJson)) : decode(r.key, o.keyDecoding, schemas, !o.omitJson),
    value: o.valueDecoding === 'protobuf' ? (r.value && protoRegistry().decode(r.value, o.valueProtobufType, !o.omitJson)) : decode(r.value, o.valueDecoding, schemas, !o.omitJson),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value ? h.value.toString('utf8') : null })),
  }
  if (o.includeRaw) {
    m.keyBase64 = r.key ? r.key.toString('base64') : null
    m.valueBase64 = r.value ? r.value.toString('base64') : null
  }
  return m
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
