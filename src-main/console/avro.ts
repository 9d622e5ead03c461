// Decoding of Avro binary data (Avro 1.11 spec) into JSON-friendly values, for messages written
// with a schema registry. Supports every schema type; logical types are returned as their
// underlying values (longs as numbers when safe, else strings; bytes/fixed as base64).
export type AvroSchema = unknown

class In {
  pos = 0
  constructor(readonly buf: Buffer) {}
  long(): number | string {
    let shift = 0n
    let result = 0n
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated')
      const b = BigInt(this.buf[this.pos++]!)
      result |= (b & 0x7fn) << shift
      if ((b & 0x80n) === 0n) break
      shift += 7n
    }
    const v = (result >> 1n) ^ -(result & 1n)
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()
  }
  int(): number {
    return Number(this.long())
  }
  take(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length) throw new Error('truncated')
    const b = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return b
  }
}

/** A schema in its JSON form (a record, enum, array, map or fixed, or a wrapped type), as decoding reads it. */
interface AvroNode {
  type?: unknown
  name?: string
  namespace?: string
  fields?: { name: string; type: unknown }[]
  symbols?: string[]
  default?: unknown
  items?: unknown
  values?: unknown
  size?: number
}

type Named = Map<string, AvroNode>

function collect(schema: unknown, named: Named, ns?: string): void {
  if (Array.isArray(schema)) {
    for (const s of schema) collect(s, named, ns)
    return
  }
  if (!schema || typeof schema !== 'object') return
  const s = schema as AvroNode
  if (typeof s.name === 'string' && typeof s.type === 'string' && ['record', 'enum', 'fixed', 'error'].includes(s.type)) {
    const space = s.namespace ?? ns
    const full = s.name.includes('.') || !space ? s.name : `${space}.${s.name}`
    named.set(full, s)
    named.set(s.name.split('.').pop()!, s)
    if (Array.isArray(s.fields)) for (const f of s.fields) collect(f.type, named, space)
  }
  if (s.items) collect(s.items, named, ns)
  if (s.values) collect(s.values, named, ns)
  if (typeof s.type === 'object') collect(s.type, named, ns)
}

function read(schema: unknown, inp: In, named: Named): unknown {
  if (typeof schema === 'string') {
    switch (schema) {
      case 'null':
        return null
      case 'boolean':
        return inp.take(1)[0] !== 0
      case 'int':
        return inp.int()
      case 'long':
        return inp.long()
      case 'float':
        return inp.take(4).readFloatLE(0)
      case 'double':
        return inp.take(8).readDoubleLE(0)
      case 'bytes':
        return inp.take(inp.int()).toString('base64')
      case 'string':
        return inp.take(inp.int()).toString('utf8')
    }
    const n = named.get(schema)
    if (!n) throw new Error(`unknown type ${schema}`)
    return read(n, inp, named)
  }
  if (Array.isArray(schema)) {
    const i = inp.int()
    if (i < 0 || i >= schema.length) throw new Error(`union index ${i} out of range`)
    return read(schema[i], inp, named)
  }
  const s = schema as AvroNode
  switch (s.type) {
    case 'record':
    case 'error': {
      const out: Record<string, unknown> = {}
      for (const f of s.fields ?? []) out[f.name] = read(f.type, inp, named)
      return out
    }
    case 'enum': {
      const i = inp.int()
      return s.symbols?.[i] ?? s.default ?? i
    }
    case 'array': {
      const out: unknown[] = []
      for (;;) {
        let n = inp.int()
        if (n === 0) break
        if (n < 0) {
          n = -n
          inp.long()
        }
        for (let i = 0; i < n; i++) out.push(read(s.items, inp, named))
      }
      return out
    }
    case 'map': {
      const out: Record<string, unknown> = {}
      for (;;) {
        let n = inp.int()
        if (n === 0) break
        if (n < 0) {
          n = -n
          inp.long()
        }
        for (let i = 0; i < n; i++) {
          const k = inp.take(inp.int()).toString('utf8')
          out[k] = read(s.values, inp, named)
        }
      }
      return out
    }
    case 'fixed':
      return inp.take(s.size ?? 0).toString('base64')
    default:
      return read(s.type, inp, named)
  }
}

export function decodeAvro(schema: AvroSchema, data: Buffer): unknown {
  const named: Named = new Map()
  collect(schema, named)
  const inp = new In(data)
  const v = read(schema, inp, named)
  if (inp.pos !== data.length) throw new Error(`${data.length - inp.pos} trailing bytes`)
  return v
}
