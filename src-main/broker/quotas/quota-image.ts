// Client quotas as replayed from the metadata log: one copy in the controller (to validate
// alterations) and one in every broker (to describe and enforce them).
import { entityKey, type EntityComponent } from './quota-entity'
import type { QuotaRecord } from './quota-records'

export interface QuotaEntry {
  entity: EntityComponent[]
  /** quota key → value */
  values: Map<string, number>
}

export class ClientQuotaImage {
  /** entityKey → entry; an entity with no key left is dropped. */
  readonly entries = new Map<string, QuotaEntry>()
  /** Bumped on every change, so quota managers can drop what they resolved before. */
  version = 0

  apply(r: QuotaRecord): void {
    const key = entityKey(r.entity)
    let e = this.entries.get(key)
    if (r.remove) {
      e?.values.delete(r.key)
      if (e && e.values.size === 0) this.entries.delete(key)
    } else {
      if (!e) this.entries.set(key, (e = { entity: r.entity.map((c) => ({ entityType: c.entityType, entityName: c.entityName })), values: new Map() }))
      e.values.set(r.key, r.value)
    }
    this.version++
  }

  /** The value of one key on one entity, if set. */
  get(entity: readonly EntityComponent[], key: string): number | undefined {
    return this.entries.get(entityKey(entity))?.values.get(key)
  }

  toRecords(): QuotaRecord[] {
    const out: QuotaRecord[] = []
    for (const e of this.entries.values()) {
      for (const [key, value] of e.values) out.push({ type: 'ClientQuota', entity: e.entity, key, value, remove: false })
    }
    return out
  }
}
