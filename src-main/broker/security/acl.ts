// Kafka's ACL model: resource patterns, access control entries and the filters of DescribeAcls
// and DeleteAcls, with the numeric codes the protocol uses (org.apache.kafka.common.acl and
// org.apache.kafka.common.resource).

export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
  TWO_PHASE_COMMIT: 15,
} as const
export const AclPermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const

export type ResourceTypeCode = (typeof ResourceType)[keyof typeof ResourceType]
export type OperationCode = (typeof AclOperation)[keyof typeof AclOperation]

/** The literal resource name that matches every resource of its type. */
export const WILDCARD = '*'
/** The one CLUSTER resource's name. */
export const CLUSTER_NAME = 'kafka-cluster'

/** One ACL: a resource pattern and an access control entry. */
export interface AclBinding {
  resourceType: number
  resourceName: string
  patternType: number
  principal: string
  host: string
  operation: number
  permissionType: number
}

/** DescribeAcls / DeleteAcls filter: null strings and ANY codes match everything. */
export interface AclBindingFilter {
  resourceType: number
  resourceName: string | null
  patternType: number
  principal: string | null
  host: string | null
  operation: number
  permissionType: number
}

export function aclKey(a: AclBinding): string {
  return JSON.stringify([a.resourceType, a.resourceName, a.patternType, a.principal, a.host, a.operation, a.permissionType])
}

/** Why an ACL cannot be created, or null (Kafka's checks in AclControlManager.validateNewAcl). */
export function invalidAcl(a: AclBinding): string | null {
  const specific = (v: number, unknown: number, any: number) => v !== unknown && v !== any
  if (!specific(a.resourceType, ResourceType.UNKNOWN, ResourceType.ANY) || a.resourceType > ResourceType.USER) return 'Invalid resource type'
  if (a.patternType !== PatternType.LITERAL && a.patternType !== PatternType.PREFIXED) return 'Invalid patternType ' + a.patternType
  if (!specific(a.operation, AclOperation.UNKNOWN, AclOperation.ANY) || a.operation > AclOperation.TWO_PHASE_COMMIT) return 'Invalid operation'
  if (!specific(a.permissionType, AclPermissionType.UNKNOWN, AclPermissionType.ANY) || a.permissionType > AclPermissionType.ALLOW)
    return 'Invalid permission type'
  if (a.resourceName === '') return 'Resource name should not be empty'
  if (a.resourceType === ResourceType.CLUSTER && a.resourceName !== CLUSTER_NAME) return 'The only valid name for the CLUSTER resource is ' + CLUSTER_NAME
  if (a.principal.indexOf(':') <= 0)
    return `Could not parse principal from \`${a.principal}\` (no colon is present separating the principal type from the principal name)`
  if (a.host === '') return 'Invalid host'
  return null
}

/** Whether a stored ACL matches a DescribeAcls/DeleteAcls filter (Kafka's AclBindingFilter.matches). */
export function filterMatches(f: AclBindingFilter, a: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== a.resourceType) return false
  if (!patternFilterMatches(f, a)) return false
  if (f.principal !== null && f.principal !== a.principal) return false
  if (f.host !== null && f.host !== a.host) return false
  if (f.operation !== AclOperation.ANY && f.operation !== a.operation) return false
  if (f.permissionType !== AclPermissionType.ANY && f.permissionType !== a.permissionType) return false
  return true
}

function patternFilterMatches(f: AclBindingFilter, a: AclBinding): boolean {
  switch (f.patternType) {
    case PatternType.ANY:
      return f.resourceName === null || f.resourceName === a.resourceName
    case PatternType.MATCH:
      // The ACLs that would apply to a resource of that name: literal equal or wildcard, or a prefix of it.
      if (f.resourceName === null) return true
      if (a.patternType === PatternType.LITERAL) return a.resourceName === f.resourceName || a.resourceName === WILDCARD
      if (a.patternType === PatternType.PREFIXED) return f.resourceName.startsWith(a.resourceName)
      return false
    default:
      return f.patternType === a.patternType && (f.resourceName === null || f.resourceName === a.resourceName)
  }
}

/** Why a filter is unusable, or null (Kafka refuses UNKNOWN codes in filters). */
export function invalidFilter(f: AclBindingFilter): string | null {
  if (f.resourceType === ResourceType.UNKNOWN) return 'Invalid resource type UNKNOWN'
  if (f.patternType === PatternType.UNKNOWN) return 'Invalid pattern type UNKNOWN'
  if (f.operation === AclOperation.UNKNOWN) return 'Invalid operation UNKNOWN'
  if (f.permissionType === AclPermissionType.UNKNOWN) return 'Invalid permission type UNKNOWN'
  return null
}
