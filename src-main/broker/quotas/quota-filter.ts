// DescribeClientQuotas' filter (KIP-546): each component names an entity type and matches its
// name exactly (0), the default entity (1) or any entity of that type (2); with `strict` an
// entity must have no other component than the filter names.
import { ENTITY_TYPES, type EntityComponent } from './quota-entity'
import type { ClientQuotaImage, QuotaEntry } from './quota-image'

export const MatchType = { EXACT: 0, DEFAULT: 1, ANY: 2 } as const

export interface FilterComponent {
  entityType: string
  matchType: number
  match: string | null
}

/** Why a filter is refused (INVALID_REQUEST), or null. */
export function invalidFilter(components: readonly FilterComponent[]): string | null {
  const seen = new Set<string>()
  for (const c of components) {
    if (!ENTITY_TYPES.has(c.entityType)) return `Custom entity type ${c.entityType} not supported`
    if (seen.has(c.entityType)) return `Entity type ${c.entityType} cannot appear more than once in the filter.`
    seen.add(c.entityType)
    if (c.matchType === MatchType.EXACT) {
      if (c.match === null) return `Request specified MatchType EXACT for ${c.entityType} without a name to match`
    } else if (c.matchType === MatchType.DEFAULT || c.matchType === MatchType.ANY) {
      if (c.match !== null) return `Request specified a name to match for ${c.entityType} with a match type that takes none`
    } else return `Unknown match type ${c.matchType}`
  }
  return null
}

function componentMatches(entity: readonly EntityComponent[], c: FilterComponent): boolean {
  const part = entity.find((e) => e.entityType === c.entityType)
  if (!part) return false
  if (c.matchType === MatchType.EXACT) return part.entityName === c.match
  if (c.matchType === MatchType.DEFAULT) return part.entityName === null
  return true
}

/** The entries the filter selects (assumed valid). */
export function matchingEntries(image: ClientQuotaImage, components: readonly FilterComponent[], strict: boolean): QuotaEntry[] {
  const out: QuotaEntry[] = []
  for (const e of image.entries.values()) {
    if (strict && e.entity.length !== components.length) continue
    if (components.every((c) => componentMatches(e.entity, c))) out.push(e)
  }
  return out
}
