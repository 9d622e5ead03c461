// Key/value decoding for display (string, JSON, hex, base64, number, Avro in Confluent's wire
// format, MessagePack) and encoding of user input for produce.
import { decode as decodeMsgpack, ExtData } from '@msgpack/msgpack'
import type { Decoded, Decoding, Encoding, Payload } from '../ipc/contract'
import { ContractError } from '../ipc/contract'
import { decodeAvro, type AvroSchema } from './avro'

/** Avro schemas by Confluent schema id, loaded from the connection's schema registry. */
export type SchemaLookup = (id: number) => AvroSchema | undefined

const MAX_TEXT = 1_000_000

function hex(buf: Buffer): string {
  return buf.subarray(0, MAX_TEXT / 2).toString('hex')
}

function isValidUtf8Text(buf: Buffer): string | undefined {
  const s = buf.toString('utf8')
  // U+FFFD marks invalid sequences; control characters other than whitespace mark binary.
  if (s.includes('\uFFFD') || /[\u0000-\u0008\u000E-\u001F]/.test(s)) return undefined
  return s
}

function decodeNumber(buf: Buffer): string | undefined {
  switch (buf.length) {
    case 1:
      return String(buf.readInt8(0))
    case 2:
      return String(buf.readInt16BE(0))
    case 4:
      return String(buf.readInt32BE(0))
    case 8:
      return buf.readBigInt64BE(0).toString()
  }
  const s = buf.toString('utf8').trim()
  return s !== '' && Number.isFinite(Number(s)) ? s : undefined
}

function failed(buf: Buffer, format: Decoding, error: string): Decoded {
  return { format, text: hex(buf), size: buf.length, error }
}

/**
 * `keepJson` false leaves the parsed value out (the text still is JSON, checked by parsing):
 * objects of one shape serialize faster than ones with a property deleted afterwards.
 */
export function decode(buf: Buffer | null, decoding: Decoding, schemas?: SchemaLookup, keepJson = true): Decoded | null {
  if (buf === null) return null
  const size = buf.length
  switch (decoding) {
    case 'string':
      return { format: 'string', text: buf.toString('utf8'), size }
    case 'hex':
      return { format: 'hex', text: hex(buf), size }
    case 'base64':
      return { format: 'base64', text: buf.toString('base64'), size }
    case 'number': {
      const n = decodeNumber(buf)
      return n === undefined ? failed(buf, 'number', `not a number (${size} bytes)`) : { format: 'number', text: n, size }
    }
    case 'json': {
      const s = buf.toString('utf8')
      try {
        const json = JSON.parse(s)
        return keepJson ? { format: 'json', text: s, json, size } : { format: 'json', text: s, size }
      } catch (e) {
        return failed(buf, 'json', `not JSON: ${(e as Error).message}`)
      }
    }
    case 'avro':
      return decodeConfluentAvro(buf, schemas)
    case 'protobuf':
      // Needs a message type: decoded by the .proto registry (protobuf.ts) before reaching here.
      return failed(buf, 'protobuf', 'choose the Protobuf message type to decode with')
    case 'msgpack':
      try {
        const json = msgpackToJson(decodeMsgpack(buf, { useBigInt64: true }))
        return { format: 'msgpack', text: JSON.stringify(json), json, size }
      } catch (e) {
        return failed(buf, 'msgpack', `not MessagePack: ${(e as Error).message}`)
      }
    case 'auto': {
      if (size >= 5 && buf[0] === 0 && schemas) {
        const a = decodeConfluentAvro(buf, schemas)
        if (!a.error) return a
      }
      const s = isValidUtf8Text(buf)
      if (s === undefined) return { format: 'hex', text: hex(buf), size }
      const t = s.trimStart()
      if (t.startsWith('{') || t.startsWith('[')) {
        try {
          const json = JSON.parse(s)
          return keepJson ? { format: 'json', text: s, json, size } : { format: 'json', text: s, size }
        } catch {
          /* plain text */
        }
      }
      return { format: 'string', text: s, size }
    }
  }
}

/**
 * A decoded MessagePack value as JSON can show it: 64-bit integers beyond 2^53 as strings (so
 * they are not rounded), binary as hex, timestamps as ISO dates, other extensions as their type
 * and hex bytes.
 */
function msgpackToJson(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')
  if (v instanceof Date) return v.toISOString()
  if (v instanceof ExtData) return { extType: v.type, hex: Buffer.from(v.data as Uint8Array).toString('hex') }
  if (Array.isArray(v)) return v.map(msgpackToJson)
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), msgpackToJson(x)]))
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, msgpackToJson(x)]))
  return v
}

/** Confluent wire format: magic byte 0, int32 schema id, Avro binary. */
export function confluentSchemaId(buf: Buffer): number | undefined {
  return buf.length >= 5 && buf[0] === 0 ? buf.readInt32BE(1) : undefined
}

function decodeConfluentAvro(buf: Buffer, schemas?: SchemaLookup): Decoded {
  const id = confluentSchemaId(buf)
  if (id === undefined) return failed(buf, 'avro', 'not in the schema registry wire format (magic byte 0 + schema id)')
  if (!schemas) return failed(buf, 'avro', 'no schema registry configured for this connection')
  const schema = schemas(id)
  if (!schema) return failed(buf, 'avro', `schema ${id} not found in the registry`)
  try {
    const json = decodeAvro(schema, buf.subarray(5))
    return { format: 'avro', text: JSON.stringify(json), json, size: buf.length, schemaId: id }
  } catch (e) {
    return failed(buf, 'avro', `Avro decoding with schema ${id} failed: ${(e as Error).message}`)
  }
}

/** Turns user input into bytes. Throws VALIDATION naming `field`. */
export function encode(p: Payload | null | undefined, field: string): Buffer | null {
  if (p === null || p === undefined) return null
  switch (p.format as Encoding) {
    case 'string':
      return Buffer.from(p.data, 'utf8')
    case 'json':
      try {
        return Buffer.from(JSON.stringify(JSON.parse(p.data)), 'utf8')
      } catch (e) {
        throw new ContractError('VALIDATION', `${field}: not valid JSON (${(e as Error).message})`, field)
      }
    case 'hex': {
      const clean = p.data.replace(/\s+/g, '')
      if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new ContractError('VALIDATION', `${field}: not hex`, field)
      return Buffer.from(clean, 'hex')
    }
    case 'base64':
      if (!/^[A-Za-z0-9+/=\s_-]*$/.test(p.data)) throw new ContractError('VALIDATION', `${field}: not base64`, field)
      return Buffer.from(p.data, 'base64')
    case 'number': {
      // 64-bit big-endian integer, as Kafka's LongSerializer writes it.
      let n: bigint
      try {
        n = BigInt(p.data.trim())
      } catch {
        throw new ContractError('VALIDATION', `${field}: not an integer`, field)
      }
      const b = Buffer.alloc(8)
      b.writeBigInt64BE(n)
      return b
    }
  }
}
