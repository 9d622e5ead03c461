// A minimal Confluent-compatible schema registry client: schemas by id (Avro and Protobuf, with
// the schemas a Protobuf schema references), cached. Failures are cached as missing, with why.
import type { AvroSchema } from './avro'
import { RegistryProto } from './registry-protobuf'

export type RegistrySchema = { type: 'AVRO'; avro: AvroSchema } | { type: 'PROTOBUF'; proto: RegistryProto } | { type: 'MISSING'; reason: string }

interface SchemaBody {
  schema: string
  schemaType?: string
  references?: { name: string; subject: string; version: number }[]
}

export class SchemaRegistry {
  private cache = new Map<number, RegistrySchema>()

  constructor(
    private readonly url: string,
    private readonly username?: string,
    private readonly password?: string,
  ) {}

  private async getJson(path: string): Promise<SchemaBody> {
    const headers: Record<string, string> = { Accept: 'application/vnd.schemaregistry.v1+json' }
    if (this.username) headers.Authorization = `Basic ${Buffer.from(`${this.username}:${this.password ?? ''}`).toString('base64')}`
    const res = await fetch(`${this.url.replace(/\/$/, '')}${path}`, { headers, signal: AbortSignal.timeout(5_000) })
    if (!res.ok) throw new Error(`the registry answered ${res.status} for ${path}`)
    return (await res.json()) as SchemaBody
  }

  /** The .proto texts a Protobuf schema references, by import name, followed transitively. */
  private async references(refs: SchemaBody['references'], into = new Map<string, string>()): Promise<Map<string, string>> {
    for (const r of refs ?? []) {
      if (into.has(r.name)) continue
      const body = await this.getJson(`/subjects/${encodeURIComponent(r.subject)}/versions/${r.version}`)
      into.set(r.name, body.schema)
      await this.references(body.references, into)
    }
    return into
  }

  /** Loads the schemas with these ids. */
  async load(ids: Iterable<number>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.cache.has(id))
    await Promise.all(
      missing.map(async (id) => {
        try {
          const body = await this.getJson(`/schemas/ids/${id}`)
          const type = body.schemaType ?? 'AVRO'
          if (type === 'AVRO') this.cache.set(id, { type: 'AVRO', avro: JSON.parse(body.schema) as AvroSchema })
          else if (type === 'PROTOBUF')
            this.cache.set(id, { type: 'PROTOBUF', proto: RegistryProto.build(body.schema, await this.references(body.references)) })
          else this.cache.set(id, { type: 'MISSING', reason: `schema ${id} is ${type}, which the console does not decode` })
        } catch (e) {
          this.cache.set(id, { type: 'MISSING', reason: `schema ${id} could not be loaded: ${(e as Error).message}` })
        }
      }),
    )
  }

  /** The Avro schema with this id, if it was loaded and is Avro. */
  get(id: number): AvroSchema | undefined {
    const s = this.cache.get(id)
    return s?.type === 'AVRO' ? s.avro : undefined
  }

  /** What the registry holds under this id, once loaded. */
  schema(id: number): RegistrySchema | undefined {
    return this.cache.get(id)
  }
}
