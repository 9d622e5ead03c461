import { Reader, ProtocolError } from './reader'
import { Writer } from './writer'
import { type FieldSpec, type MessageSpec, type VersionRange, inRange, parseVersions } from './schema'

/** Compiled encode/decode of one message at one version. */
export interface VersionCodec {
  encode(w: Writer, value: any): void
  decode(r: Reader): any
}

export interface Codec {
  spec: MessageSpec
  versions: VersionRange
  at(version: number): VersionCodec
  encode(value: any, version: number, w?: Writer): Writer
  decode(buf: Buffer | Reader, version: number): any
}

interface TypeOp {
  encode(w: Writer, v: any): void
  decode(r: Reader): any
  empty(): any
}

const ZERO_UUID = Buffer.alloc(16)
const EMPTY = Buffer.alloc(0)

function writeLength(w: Writer, n: number, flexible: boolean, wide: boolean): void {
  if (flexible) w.uvarint(n + 1)
  else if (wide) w.int32(n)
  else w.int16(n)
}
function readLength(r: Reader, flexible: boolean, wide: boolean): number {
  if (flexible) return r.uvarint() - 1
  return wide ? r.int32() : r.int16()
}

function nullError(name: string): ProtocolError {
  return new ProtocolError(`field ${name} is not nullable in this version`)
}

function primitive(type: string, name: string, nullable: boolean, flexible: boolean): TypeOp | undefined {
  switch (type) {
    case 'int8':
      return { encode: (w, v) => w.int8(v ?? 0), decode: (r) => r.int8(), empty: () => 0 }
    case 'bool':
      return { encode: (w, v) => w.bool(!!v), decode: (r) => r.bool(), empty: () => false }
    case 'int16':
      return { encode: (w, v) => w.int16(v ?? 0), decode: (r) => r.int16(), empty: () => 0 }
    case 'uint16':
      return { encode: (w, v) => w.uint16(v ?? 0), decode: (r) => r.uint16(), empty: () => 0 }
    case 'int32':
      return { encode: (w, v) => w.int32(v ?? 0), decode: (r) => r.int32(), empty: () => 0 }
    case 'uint32':
      return { encode: (w, v) => w.uint32(v ?? 0), decode: (r) => r.uint32(), empty: () => 0 }
    case 'int64':
      return { encode: (w, v) => w.int64(v ?? 0), decode: (r) => r.int64(), empty: () => 0 }
    case 'float64':
      return { encode: (w, v) => w.float64(v ?? 0), decode: (r) => r.float64(), empty: () => 0 }
    case 'uuid':
      return { encode: (w, v) => w.bytes(v ?? ZERO_UUID), decode: (r) => Buffer.from(r.uuid()), empty: () => ZERO_UUID }
    case 'string':
      return {
        encode(w, v: string | null | undefined) {
          if (v == null) {
            if (!nullable) throw nullError(name)
            writeLength(w, -1, flexible, false)
            return
          }
          const n = Buffer.byteLength(v)
          writeLength(w, n, flexible, false)
          w.utf8(v, n)
        },
        decode(r) {
          const n = readLength(r, flexible, false)
          if (n < 0) {
            if (!nullable) throw nullError(name)
            return null
          }
          return r.string(n)
        },
        empty: () => (nullable ? null : ''),
      }
    case 'bytes':
    case 'records':
      // Records may be given as a list of chunks (batches read from disk) to avoid a copy.
      return {
        encode(w, v: Buffer | Buffer[] | null | undefined) {
          if (v == null) {
            if (!nullable) throw nullError(name)
            writeLength(w, -1, flexible, true)
            return
          }
          if (Array.isArray(v)) {
            let n = 0
            for (const c of v) n += c.length
            writeLength(w, n, flexible, true)
            for (const c of v) w.bytes(c)
            return
          }
          writeLength(w, v.length, flexible, true)
          w.bytes(v)
        },
        decode(r) {
          const n = readLength(r, flexible, true)
          if (n < 0) {
            if (!nullable) throw nullError(name)
            return null
          }
          return r.raw(n)
        },
        empty: () => (nullable || type === 'records' ? null : EMPTY),
      }
  }
  return undefined
}

function compileType(field: FieldSpec, type: string, version: number, flexible: boolean, nullable: boolean): TypeOp {
  if (type.startsWith('[]')) {
    const elem = compileType(field, type.slice(2), version, flexible, false)
    return {
      encode(w, v: any[] | null | undefined) {
        if (v == null) {
          if (!nullable) {
            writeLength(w, 0, flexible, true)
            return
          }
          writeLength(w, -1, flexible, true)
          return
        }
        writeLength(w, v.length, flexible, true)
        for (let i = 0; i < v.length; i++) elem.encode(w, v[i])
      },
      decode(r) {
        const n = readLength(r, flexible, true)
        if (n < 0) {
          if (!nullable) throw nullError(field.name)
          return null
        }
        if (n > r.remaining()) throw new ProtocolError(`array ${field.name} claims ${n} elements, frame has ${r.remaining()} bytes left`)
        const out = new Array(n)
        for (let i = 0; i < n; i++) out[i] = elem.decode(r)
        return out
      },
      empty: () => (nullable ? null : []),
    }
  }
  const p = primitive(type, field.name, nullable, flexible)
  if (p) return p
  if (!field.fields) throw new Error(`type ${type} of field ${field.name} has no fields`)
  const struct = compileStruct(field.fields, version, flexible)
  if (!nullable) return struct
  // Nullable structs carry a presence byte.
  return {
    encode(w, v) {
      if (v == null) return w.int8(-1)
      w.int8(1)
      struct.encode(w, v)
    },
    decode(r) {
      return r.int8() < 0 ? null : struct.decode(r)
    },
    empty: () => null,
  }
}

interface FieldOp {
  name: string
  op: TypeOp
  default: () => any
}

function defaultOf(field: FieldSpec, op: TypeOp): () => any {
  if (field.default === undefined) return op.empty
  const d = field.default
  return () => d
}

function compileStruct(fields: readonly FieldSpec[], version: number, flexible: boolean): TypeOp {
  const regular: FieldOp[] = []
  const tagged: TaggedOp[] = []
  const absent: FieldOp[] = []
  for (const f of fields) {
    const nullable = inRange(parseVersions(f.nullableVersions), version)
    const present = inRange(parseVersions(f.versions), version)
    const isTagged = flexible && f.tag !== undefined && inRange(parseVersions(f.taggedVersions), version)
    const op = compileType(f, f.type, version, flexible, nullable)
    const fo = { name: f.name, op, default: defaultOf(f, op) }
    if (!present) absent.push(fo)
    else if (isTagged) tagged.push({ ...fo, tag: f.tag!, defaultValue: fo.default() })
    else if (f.tag !== undefined && f.taggedVersions) absent.push(fo)
    else regular.push(fo)
  }
  tagged.sort((a, b) => a.tag - b.tag)
  return {
    ...generateStruct(regular, absent, tagged, flexible),
    empty() {
      const out: any = {}
      for (const f of [...regular, ...tagged, ...absent]) out[f.name] = f.default()
      return out
    },
  }
}

interface TaggedOp extends FieldOp {
  tag: number
  /** The default, made once to compare values against (never handed out, so never changed). */
  defaultValue: unknown
}

const NO_FIELDS = Object.freeze({})

/**
 * Encode and decode of one struct as generated code with its field names written out, so
 * each struct gets its own property accesses and object shape. A loop over field names with
 * `v[name]` / `out[name] =` shares one access site among every struct of every message,
 * which V8 can only serve megamorphically (megamorphic property ICs were several percent of
 * the brokers' CPU on the replication path). The names come from Kafka's message specs,
 * quoted with JSON.stringify.
 */
function generateStruct(regular: FieldOp[], absent: FieldOp[], tagged: TaggedOp[], flexible: boolean): Pick<TypeOp, 'encode' | 'decode'> {
  const key = (f: FieldOp) => JSON.stringify(f.name)
  const hoist: string[] = []
  const enc: string[] = []
  const props: string[] = []
  regular.forEach((f, i) => {
    hoist.push(`const e${i} = regular[${i}].op.encode, d${i} = regular[${i}].op.decode, z${i} = regular[${i}].default`)
    enc.push(`x = v[${key(f)}]; e${i}(w, x === undefined ? z${i}() : x)`)
    props.push(`${key(f)}: d${i}(r)`)
  })
  props.push(...absent.map((f, i) => `${key(f)}: absent[${i}].default()`))
  if (flexible) props.push(...tagged.map((f, i) => `${key(f)}: tagged[${i}].default()`))
  const tail = !flexible
    ? { enc: '', dec: '' }
    : tagged.length === 0
      ? { enc: 'w.uvarint(0)', dec: 'skipTagged(r, r.uvarint())' }
      : { enc: 'encodeTagged(w, v, tagged)', dec: 'decodeTagged(r, out, tagged, r.uvarint())' }
  const source = `"use strict"
${hoist.join('\n')}
return {
  encode(w, v) {
    if (v == null) v = NO_FIELDS
    let x
    ${enc.join('\n    ')}
    ${tail.enc}
  },
  decode(r) {
    const out = { ${props.join(', ')} }
    ${tail.dec}
    return out
  },
}`
  return new Function('regular', 'absent', 'tagged', 'NO_FIELDS', 'encodeTagged', 'decodeTagged', 'skipTagged', source)(
    regular,
    absent,
    tagged,
    NO_FIELDS,
    encodeTagged,
    decodeTagged,
    skipTagged,
  )
}

/** The tagged fields of a value that differ from their defaults, each as tag, size, bytes. */
function encodeTagged(w: Writer, v: any, tagged: TaggedOp[]): void {
  let present: TaggedOp[] | null = null
  for (const f of tagged) {
    const x = v[f.name]
    if (x !== undefined && !isDefault(x, f.defaultValue)) (present ??= []).push(f)
  }
  if (!present) {
    w.uvarint(0)
    return
  }
  w.uvarint(present.length)
  for (const f of present) {
    const sub = new Writer(64)
    f.op.encode(sub, v[f.name])
    w.uvarint(f.tag)
    w.uvarint(sub.length)
    for (const c of sub.finish()) w.bytes(c)
  }
}

function decodeTagged(r: Reader, out: any, tagged: TaggedOp[], n: number): void {
  while (n-- > 0) {
    const tag = r.uvarint()
    const size = r.uvarint()
    if (size > r.remaining()) throw new ProtocolError(`tagged field ${tag} claims ${size} bytes, frame has ${r.remaining()} left`)
    const f = tagged.find((t) => t.tag === tag)
    if (!f) {
      r.raw(size) // unknown tagged fields are skipped, as the spec requires
      continue
    }
    const sub = new Reader(r.buf, r.pos, r.pos + size)
    out[f.name] = f.op.decode(sub)
    r.pos += size
  }
}

/** Tagged fields of a struct that defines none: all unknown, all skipped. */
function skipTagged(r: Reader, n: number): void {
  if (n !== 0) decodeTagged(r, {}, [], n)
}

function isDefault(v: unknown, d: unknown): boolean {
  if (v === d) return true
  if (Array.isArray(v) && Array.isArray(d)) return v.length === 0 && d.length === 0
  if (Buffer.isBuffer(v) && Buffer.isBuffer(d)) return v.equals(d)
  return false
}

export function compile(spec: MessageSpec): Codec {
  const versions = parseVersions(spec.validVersions)
  const flexibleVersions = parseVersions(spec.flexibleVersions)
  const cache = new Map<number, VersionCodec>()
  const at = (version: number): VersionCodec => {
    let c = cache.get(version)
    if (!c) {
      if (!inRange(versions, version)) throw new ProtocolError(`${spec.name} v${version} is not a valid version`)
      const s = compileStruct(spec.fields, version, inRange(flexibleVersions, version))
      c = { encode: s.encode, decode: s.decode }
      cache.set(version, c)
    }
    return c
  }
  return {
    spec,
    versions,
    at,
    encode(value, version, w = new Writer()) {
      at(version).encode(w, value)
      return w
    },
    decode(buf, version) {
      return at(version).decode(Buffer.isBuffer(buf) ? new Reader(buf) : buf)
    },
  }
}

const flexibleRanges = new WeakMap<MessageSpec, VersionRange>()

/** Whether a message uses the flexible (compact, tagged-field) encoding at this version. Called per request, so the range is parsed once per spec. */
export function isFlexible(spec: MessageSpec, version: number): boolean {
  let r = flexibleRanges.get(spec)
  if (!r) flexibleRanges.set(spec, (r = parseVersions(spec.flexibleVersions)))
  return inRange(r, version)
}
