// Protobuf decoding from .proto files the user adds (protobufjs). The files are kept in the
// console's data dir (protos/, readable by the user only) and parsed together into one root, so
// a file may import types of another; a value is decoded as the message type the user picks.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import protobuf from 'protobufjs'
import { ContractError, type Decoded } from '../ipc/contract'

const FILE_NAME = /^[A-Za-z0-9._-]{1,200}\.proto$/

export interface ProtoFile {
  name: string
  /** Fully qualified message types it declares, e.g. "fleet.v1.GpsFix". */
  types: string[]
}

function messageTypes(ns: protobuf.NamespaceBase, out: string[] = []): string[] {
  for (const o of ns.nestedArray) {
    if (o instanceof protobuf.Type) out.push(o.fullName.replace(/^\./, ''))
    if (o instanceof protobuf.Namespace || o instanceof protobuf.Type) messageTypes(o, out)
  }
  return out
}

function parseOne(name: string, source: string, root: protobuf.Root): void {
  try {
    protobuf.parse(source, root, { keepCase: true })
  } catch (e) {
    throw new ContractError('VALIDATION', `${name}: ${(e as Error).message}`, 'content')
  }
}

export class ProtoRegistry {
  private root: protobuf.Root | null = null

  constructor(private readonly dir: string) {}

  private files(): { name: string; source: string }[] {
    if (!existsSync(this.dir)) return []
    return readdirSync(this.dir)
      .filter((n) => FILE_NAME.test(n))
      .sort()
      .map((name) => ({ name, source: readFileSync(join(this.dir, name), 'utf8') }))
  }

  private load(): protobuf.Root {
    if (this.root) return this.root
    const root = new protobuf.Root()
    for (const f of this.files()) parseOne(f.name, f.source, root)
    root.resolveAll()
    this.root = root
    return root
  }

  list(): { files: ProtoFile[] } {
    return {
      files: this.files().map((f) => {
        const r = new protobuf.Root()
        try {
          parseOne(f.name, f.source, r)
        } catch {
          return { name: f.name, types: [] }
        }
        return { name: f.name, types: messageTypes(r).sort() }
      }),
    }
  }

  /** Adds (or replaces) a file after checking that all files still parse and resolve together. */
  add(name: string, content: string): { files: ProtoFile[] } {
    if (!FILE_NAME.test(name)) throw new ContractError('VALIDATION', 'a .proto file name uses letters, digits, ".", "_" and "-" and ends in .proto', 'name')
    const root = new protobuf.Root()
    for (const f of this.files()) if (f.name !== name) parseOne(f.name, f.source, root)
    parseOne(name, content, root)
    try {
      root.resolveAll()
    } catch (e) {
      throw new ContractError('VALIDATION', `${name}: ${(e as Error).message}`, 'content')
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    writeFileSync(join(this.dir, name), content, { mode: 0o600 })
    this.root = null
    return this.list()
  }

  remove(name: string): { files: ProtoFile[] } {
    if (!FILE_NAME.test(name) || !existsSync(join(this.dir, name))) throw new ContractError('NOT_FOUND', `no .proto file ${name}`, 'name')
    rmSync(join(this.dir, name))
    this.root = null
    return this.list()
  }

  /** Decodes bytes as `typeName`; failures become a Decoded with the error and the bytes as hex. */
  decode(buf: Buffer, typeName: string | undefined, keepJson = true): Decoded {
    const fail = (error: string): Decoded => ({ format: 'protobuf', text: buf.subarray(0, 500_000).toString('hex'), size: buf.length, error })
    if (!typeName) return fail('choose the Protobuf message type to decode with')
    let type: protobuf.Type
    try {
      type = this.load().lookupType(typeName)
    } catch (e) {
      return fail(`message type ${typeName} is not in the added .proto files (${(e as Error).message})`)
    }
    try {
      const json = type.toObject(type.decode(buf), { longs: String, enums: String, bytes: String })
      return keepJson
        ? { format: 'protobuf', text: JSON.stringify(json), json, size: buf.length }
        : { format: 'protobuf', text: JSON.stringify(json), size: buf.length }
    } catch (e) {
      return fail(`not a ${typeName}: ${(e as Error).message}`)
    }
  }
}

let registry: ProtoRegistry | null = null

/** The console's registry (one per process; set up by createConsole with the data dir). */
export function protoRegistry(dir?: string): ProtoRegistry {
  if (dir) registry = new ProtoRegistry(dir)
  if (!registry) throw new ContractError('INTERNAL', 'the .proto registry is not set up')
  return registry
}
