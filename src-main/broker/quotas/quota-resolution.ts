// Which quota applies to a (user, client-id) pair, in the order Kafka documents (most specific
// first), and which clients share its rate: a quota found on a user alone is shared by all of
// that user's clients, one on a client id alone by every user of that client id, one on a
// user + client-id pair by that pair only (Kafka's DefaultQuotaCallback metric tags). A default
// entity (null name) gives each user / client id its own quota of that size.
import { CLIENT_ID, USER, type EntityComponent } from './quota-entity'
import type { ClientQuotaImage } from './quota-image'

export interface ResolvedQuota {
  /** The limit (bytes/s, or percent for request_percentage). */
  quota: number
  /** The entity the limit was found on, for logs and tests. */
  entity: EntityComponent[]
  /** Kafka's quota metric tags: the clients with equal tags share one measured rate. */
  user: string
  clientId: string
}

type Level = { user?: 'exact' | 'default'; client?: 'exact' | 'default' }

/** /users/<u>/clients/<c>, /users/<u>/clients/<default>, /users/<u>, /users/<default>/clients/<c>, ..., /clients/<default>. */
const ORDER: Level[] = [
  { user: 'exact', client: 'exact' },
  { user: 'exact', client: 'default' },
  { user: 'exact' },
  { user: 'default', client: 'exact' },
  { user: 'default', client: 'default' },
  { user: 'default' },
  { client: 'exact' },
  { client: 'default' },
]

export function resolveQuota(image: ClientQuotaImage, user: string, clientId: string, key: string): ResolvedQuota | undefined {
  for (const level of ORDER) {
    const entity: EntityComponent[] = []
    if (level.user) entity.push({ entityType: USER, entityName: level.user === 'exact' ? user : null })
    if (level.client) entity.push({ entityType: CLIENT_ID, entityName: level.client === 'exact' ? clientId : null })
    const quota = image.get(entity, key)
    if (quota === undefined) continue
    return { quota, entity, user: level.user ? user : '', clientId: level.client ? clientId : '' }
  }
  return undefined
}
