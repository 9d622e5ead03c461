// The controller's side of AlterClientQuotas, with the checks of Kafka's ClientQuotaControlManager:
// a valid entity (user, client-id, or both, each at most once), known keys with values of their
// type; each entry succeeds or fails alone. validate_only checks without writing.
import { CLIENT_ID, ENTITY_TYPES, IP, USER, type EntityComponent } from './quota-entity'
import type { ClientQuotaImage } from './quota-image'
import { IP_QUOTA_KEY_TYPES, QUOTA_KEY_TYPES } from './quota-keys'
import type { QuotaRecord } from './quota-records'

export interface QuotaOp {
  key: string
  value: number
  remove: boolean
}

export interface QuotaAlteration {
  entity: EntityComponent[]
  ops: QuotaOp[]
}

export type QuotaCommand = { op: 'alterClientQuotas'; entries: QuotaAlteration[]; validateOnly: boolean }

export interface QuotaAlterationResult {
  error: string | null
  message: string | null
}

export function executeQuotaCommand(image: ClientQuotaImage, cmd: QuotaCommand, commit: (recs: QuotaRecord[]) => void): QuotaAlterationResult[] {
  const recs: QuotaRecord[] = []
  const results = cmd.entries.map((e): QuotaAlterationResult => {
    // The entity is a map in Kafka: a type named twice keeps its last name.
    const entity = [...new Map(e.entity.map((c) => [c.entityType, c])).values()]
    const bad = invalidEntity(entity) ?? invalidOps(entity, e.ops)
    if (bad) return { error: 'INVALID_REQUEST', message: bad }
    for (const op of e.ops) {
      // Removing a key that is not set changes nothing and is not an error, as in Kafka.
      if (op.remove && image.get(entity, op.key) === undefined) continue
      recs.push({ type: 'ClientQuota', entity, key: op.key, value: op.remove ? 0 : op.value, remove: op.remove })
    }
    return { error: null, message: null }
  })
  if (!cmd.validateOnly) commit(recs)
  return results
}

function invalidEntity(entity: EntityComponent[]): string | null {
  if (entity.length === 0) return 'Invalid empty client quota entity'
  const seen = new Set<string>()
  for (const c of entity) {
    if (!ENTITY_TYPES.has(c.entityType)) return `Unhandled client quota entity type: ${c.entityType}`
    seen.add(c.entityType)
    if (c.entityType === USER && c.entityName === '') return 'Empty user not supported'
  }
  if (entity.length === 2 && !(seen.has(USER) && seen.has(CLIENT_ID))) return 'Invalid quota entity combination'
  return null
}

/** Kafka's message names the entity as its ClientQuotaEntity prints. */
function entityString(entity: EntityComponent[]): string {
  return `ClientQuotaEntity(entries={${entity.map((c) => `${c.entityType}=${c.entityName}`).join(', ')}})`
}

/** Kafka's checks and messages: known keys for the entity type, whole values for LONG keys, and above zero. */
function invalidOps(entity: EntityComponent[], ops: QuotaOp[]): string | null {
  const types = entity.some((c) => c.entityType === IP) ? IP_QUOTA_KEY_TYPES : QUOTA_KEY_TYPES
  const keys = new Set<string>()
  for (const op of ops) {
    const type = types.get(op.key)
    if (!type) return `Invalid configuration key ${op.key}`
    if (keys.has(op.key)) return `Ignoring duplicate entity ${entityString(entity)}`
    keys.add(op.key)
    if (op.remove) continue
    if (!Number.isFinite(op.value)) return `Proposed value for ${op.key} is not a finite number`
    if (type === 'long') {
      if (op.value > 2 ** 63 - 1) return `Proposed value for ${op.key} is too large for a LONG.`
      if (!Number.isInteger(op.value)) return `${op.key} cannot be a fractional value.`
    }
    if (op.value <= 0) return `Quota ${op.key} must be greater than 0`
  }
  return null
}
