// Protobuf values in the schema registry's wire format: magic byte 0, the schema id (int32), the
// message indexes, then the Protobuf bytes. The indexes say which message of the schema's .proto
// the value is: a zigzag varint count, then one zigzag varint per level (the n-th top-level
// message of the file, then the n-th message nested in it…); a count of 0 stands for [0], the
// first message. The schema's .proto text and those it references (imports, fetched by subject
// and version) are parsed together, with Google's well-known types where they are imported.
import protobuf from 'protobufjs'
import type { Decoded } from '../ipc/contract'

/** protobufjs' bundled well-known types by file name (its typings leave `get` out). */
const wellKnown = protobuf.common as unknown as { get(file: string): protobuf.INamespace | null }

/** One registered Protobuf schema, ready to decode values. */
export class RegistryProto {
  private constructor(
    /** Top-level message types of the schema's own file, in declaration order. */
    private readonly topLevel: protobuf.Type[],
  ) {}

  /**
   * Parses the schema (`main`) with the files it references (name → .proto text). Throws with
   * the parser's message when they do not parse or resolve.
   */
  static build(main: string, references: Map<string, string>): RegistryProto {
    const root = new protobuf.Root()
    const imports = new Set<string>()
    for (const [, source] of references) for (const i of protobuf.parse(source, root, { keepCase: true }).imports ?? []) imports.add(i)
    const own = new protobuf.Root()
    const parsed = protobuf.parse(main, own, { keepCase: true })
    protobuf.parse(main, root, { keepCase: true })
    for (const i of parsed.imports ?? []) imports.add(i)
    // Well-known types (google/protobuf/timestamp.proto…) come with protobufjs, not the registry.
    for (const i of imports) {
      if (references.has(i)) continue
      const common = wellKnown.get(i)
      if (common?.nested) root.addJSON(common.nested)
    }
    root.resolveAll()
    const ns = parsed.package ? own.lookup(parsed.package) : own
    const topLevel = ns && 'nestedArray' in ns ? (ns as protobuf.Namespace).nestedArray.filter((o): o is protobuf.Type => o instanceof protobuf.Type) : []
    return new RegistryProto(topLevel.map((t) => root.lookupType(t.fullName)))
  }

  /** Decodes what follows the schema id: message indexes, then the message. */
  decode(afterId: Buffer, schemaId: number, size: number, keepJson: boolean): Decoded {
    let indexes: number[]
    let at: number
    try {
      ;({ indexes, at } = readIndexes(afterId))
    } catch (e) {
      return { format: 'protobuf', text: afterId.subarray(0, 500_000).toString('hex'), size, schemaId, error: `bad message indexes: ${(e as Error).message}` }
    }
    let type = this.topLevel[indexes[0]!]
    for (const i of indexes.slice(1)) type = type?.nestedArray.filter((o): o is protobuf.Type => o instanceof protobuf.Type)[i]
    const fail = (error: string): Decoded => ({ format: 'protobuf', text: afterId.subarray(0, 500_000).toString('hex'), size, schemaId, error })
    if (!type) return fail(`schema ${schemaId} has no message at index path [${indexes.join(', ')}]`)
    try {
      const json = type.toObject(type.decode(afterId.subarray(at)), { longs: String, enums: String, bytes: String })
      const text = JSON.stringify(json)
      return keepJson ? { format: 'protobuf', text, json, size, schemaId } : { format: 'protobuf', text, size, schemaId }
    } catch (e) {
      return fail(`not a ${type.fullName.replace(/^\./, '')} (schema ${schemaId}): ${(e as Error).message}`)
    }
  }
}

/** Zigzag varints as Kafka's ByteUtils writes them (what the registry's serializers use). */
function readVarint(b: Buffer, at: number): { value: number; at: number } {
  let raw = 0
  let shift = 0
  for (;;) {
    if (at >= b.length) throw new Error('ends inside a varint')
    const x = b[at++]!
    raw += (x & 0x7f) * 2 ** shift
    if ((x & 0x80) === 0) break
    shift += 7
    if (shift > 28) throw new Error('varint too long')
  }
  return { value: raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, at }
}

export function readIndexes(b: Buffer): { indexes: number[]; at: number } {
  const count = readVarint(b, 0)
  if (count.value === 0) return { indexes: [0], at: count.at }
  if (count.value < 0 || count.value > 100) throw new Error(`count ${count.value}`)
  const indexes: number[] = []
  let at = count.at
  for (let i = 0; i < count.value; i++) {
    const v = readVarint(b, at)
    if (v.value < 0) throw new Error(`index ${v.value}`)
    indexes.push(v.value)
    at = v.at
  }
  return { indexes, at }
}
