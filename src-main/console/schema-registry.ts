// A minimal Confluent-compatible schema registry client: schemas by id, cached.
import type { AvroSchema } from './avro'

export class SchemaRegistry {
  private cache = new Map<number, AvroSchema | null>()

  constructor(
    private readonly url: string,
    private readonly username?: string,
    private readonly password?: string,
  ) {}

  /** Loads the schemas with these ids (failures are cached as missing). */
  async load(ids: Iterable<number>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.cache.has(id))
    await Promise.all(
      missing.map(async (id) => {
        try {
          const headers: Record<string, string> = { Accept: 'application/vnd.schemaregistry.v1+json' }
          if (this.username) headers.Authorization = `Basic ${Buffer.from(`${this.username}:${this.password ?? ''}`).toString('base64')}`
          const res = await fetch(`${this.url.replace(/\/$/, '')}/schemas/ids/${id}`, { headers, signal: AbortSignal.timeout(5_000) })
          if (!res.ok) return void this.cache.set(id, null)
          const body = (await res.json()) as { schema: string; schemaType?: string }
          this.cache.set(id, body.schemaType && body.schemaType !== 'AVRO' ? null : JSON.parse(body.schema))
        } catch {
          this.cache.set(id, null)
        }
      }),
    )
  }

  get(id: number): AvroSchema | undefined {
    return this.cache.get(id) ?? undefined
  }
}
