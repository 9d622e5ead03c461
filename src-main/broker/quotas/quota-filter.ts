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

/** Why a filter is refused, with Kafka's error and message, or null. */
export function invalidFilter(components: readonly FilterComponent[]): { error: 'INVALID_REQUEST' | 'UNSUPPORTED_VERSION'; message: string } | null {
  const seen = new Set<string>()
  const invalid = (message: string) => ({ error: 'INVALID_REQUEST' as const, message })
  for (const c of components) {
    if (seen.has(c.entityType)) return invalid(`Entity type ${c.entityType} cannot appear more than once in the filter.`)
    seen.add(c.entityType)
    if (c.matchType === MatchType.EXACT) {
      if (c.match === null) return invalid('Request specified MATCH_TYPE_EXACT, but set match string to null.')
    } else if (c.matchType === MatchType.DEFAULT) {
      if (c.match !== null) return invalid('Request specified MATCH_TYPE_DEFAULT, but also specified a match string.')
    } else if (c.matchType === MatchType.ANY) {
      if (c.match !== null) return invalid('Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.')
    } else return invalid(`Unknown match type ${c.matchType}`)
  }
  // Kafka answers an entity type it does not know with UNSUPPORTED_VERSION.
  for (const c of components) if (!ENTITY_TYPES.has(c.entityType)) return { error: 'UNSUPPORTED_VERSION', message: `Unsupported entity type ${c.entityType}` }
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
