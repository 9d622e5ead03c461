// The controller's side of AlterClientQuotas, with the checks of Kafka's ClientQuotaControlManager:
// a valid entity (user, client-id, or both, each at most once), known keys with values of their
// type; each entry succeeds or fails alone. validate_only checks without writing.
import { CLIENT_ID, ENTITY_TYPES, USER, type EntityComponent } from './quota-entity'
import type { ClientQuotaImage } from './quota-image'
import { QUOTA_KEY_TYPES } from './quota-keys'
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
    const bad = invalidEntity(e.entity) ?? invalidOps(e.ops)
    if (bad) return { error: 'INVALID_REQUEST', message: bad }
    for (const op of e.ops) {
      // Removing a key that is not set changes nothing and is not an error, as in Kafka.
      if (op.remove && image.get(e.entity, op.key) === undefined) continue
      recs.push({ type: 'ClientQuota', entity: e.entity, key: op.key, value: op.remove ? 0 : op.value, remove: op.remove })
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
    if (seen.has(c.entityType)) return `Duplicate ${c.entityType} entity in the client quota entity`
    seen.add(c.entityType)
    if (c.entityName === '') return `Empty ${c.entityType} name in the client quota entity`
  }
  if (entity.length > 2 || (entity.length === 2 && !(seen.has(USER) && seen.has(CLIENT_ID)))) return 'Invalid quota entity combination'
  return null
}

function invalidOps(ops: QuotaOp[]): string | null {
  const keys = new Set<string>()
  for (const op of ops) {
    const type = QUOTA_KEY_TYPES.get(op.key)
    if (!type) return `Invalid configuration key ${op.key}`
    if (keys.has(op.key)) return `Duplicate quota key ${op.key} not updating quota for this entity`
    keys.add(op.key)
    if (op.remove) continue
    if (!Number.isFinite(op.value)) return `Proposed value for ${op.key} is not a finite number`
    if (type === 'long' && !Number.isInteger(op.value)) return `Configuration ${op.key} must be a Long value`
  }
  return null
}
