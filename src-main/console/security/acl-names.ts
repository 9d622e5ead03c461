// Kafka's ACL codes (protocol numbers) and their names as kafka-acls prints them, both ways.
// The codes themselves come from the broker's ACL model, so the console and the broker agree.
import { AclOperation, AclPermissionType, PatternType, ResourceType, type AclBinding } from '../../broker/security/acl'
import type { AclEntry } from '../../ipc/contract'
import { ACL_OPERATIONS, ACL_RESOURCE_TYPES } from '../../ipc/contract/acl-names'

type Op = AclEntry['operation']
type Res = AclEntry['resourceType']

function invert<T extends string>(table: Record<string, number>, names: readonly T[]): Map<number, T> {
  return new Map(names.map((n) => [table[n]!, n]))
}

const resourceByCode = invert(ResourceType, ACL_RESOURCE_TYPES)
const operationByCode = invert(AclOperation, ACL_OPERATIONS)

export const resourceCode = (r: Res): number => ResourceType[r]
export const operationCode = (o: Op): number => AclOperation[o]
export const operationName = (code: number): Op | undefined => operationByCode.get(code)

/** The binding a protocol answer describes, or null for codes this console does not know (a newer broker's). */
export function entryOf(a: AclBinding): AclEntry | null {
  const resourceType = resourceByCode.get(a.resourceType)
  const operation = operationByCode.get(a.operation)
  const patternType = a.patternType === PatternType.LITERAL ? 'LITERAL' : a.patternType === PatternType.PREFIXED ? 'PREFIXED' : null
  const permission = a.permissionType === AclPermissionType.ALLOW ? 'ALLOW' : a.permissionType === AclPermissionType.DENY ? 'DENY' : null
  if (!resourceType || !operation || !patternType || !permission) return null
  return { resourceType, resourceName: a.resourceName, patternType, principal: a.principal, host: a.host, operation, permission }
}

export function bindingOf(e: AclEntry): AclBinding {
  return {
    resourceType: ResourceType[e.resourceType],
    resourceName: e.resourceName,
    patternType: PatternType[e.patternType],
    principal: e.principal,
    host: e.host,
    operation: AclOperation[e.operation],
    permissionType: AclPermissionType[e.permission],
  }
}
