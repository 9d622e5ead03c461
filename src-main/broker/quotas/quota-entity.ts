// Client quota entities as Kafka names them: a set of (entity type, name) components where a
// null name is the default entity of that type (`<default>` in kafka-configs).

export const USER = 'user'
export const CLIENT_ID = 'client-id'
/** IP entities carry connection_creation_rate only, and stand alone. */
export const IP = 'ip'

export interface EntityComponent {
  entityType: string
  /** null: the default entity of this type. */
  entityName: string | null
}

/** The entity types Kafka accepts: a user, a client id, a user with a client id, or an IP. */
export const ENTITY_TYPES: ReadonlySet<string> = new Set([USER, CLIENT_ID, IP])

/** One stable key per entity, whatever order its components came in. */
export function entityKey(entity: readonly EntityComponent[]): string {
  return [...entity]
    .sort((a, b) => a.entityType.localeCompare(b.entityType))
    .map((c) => `${c.entityType}=${c.entityName === null ? '\u0000' : JSON.stringify(c.entityName)}`)
    .join(',')
}

/** Kafka's own display form (`user=<default>, client-id=app`), for messages. */
export function entityText(entity: readonly EntityComponent[]): string {
  return entity.map((c) => `${c.entityType}=${c.entityName ?? '<default>'}`).join(', ')
}
