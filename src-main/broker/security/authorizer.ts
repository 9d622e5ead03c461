// An authorizer with the semantics of Kafka's StandardAuthorizer: ACLs match a resource by
// literal name, the "*" wildcard or a prefix; a principal by name or User:*; a host by address
// or "*". Any matching DENY wins; otherwise a matching ALLOW allows, where READ, WRITE, DELETE
// and ALTER imply DESCRIBE and ALTER_CONFIGS implies DESCRIBE_CONFIGS (ALL covers everything).
// super.users may do anything; a resource no ACL matches at all is allowed only with
// allow.everyone.if.no.acl.found=true.
import { AclOperation, AclPermissionType, PatternType, ResourceType, WILDCARD, type AclBinding } from './acl'
import { parsePrincipal, principalString, type KafkaPrincipal } from './principal'
import type { SecurityImage } from './security-image'

/** The class names Kafka's authorizer.class.name takes for an ACL authorizer. */
export const AUTHORIZER_CLASSES = ['org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'kafka.security.authorizer.AclAuthorizer']

export interface AuthorizerOptions {
  /** super.users: "User:a;User:b" */
  superUsers: string
  allowEveryoneIfNoAclFound: boolean
}

export class Authorizer {
  private readonly superUsers: Set<string>
  private byType = new Map<number, AclBinding[]>()
  private builtFor = -1

  constructor(
    private readonly image: SecurityImage,
    private readonly o: AuthorizerOptions,
  ) {
    this.superUsers = new Set(
      o.superUsers
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .map((s) => {
          const p = parsePrincipal(s)
          return p ? principalString(p) : s
        }),
    )
  }

  /** The ACLs grouped by resource type, rebuilt when the metadata changed them. */
  private acls(resourceType: number): AclBinding[] {
    if (this.builtFor !== this.image.aclVersion) {
      const m = new Map<number, AclBinding[]>()
      for (const a of this.image.acls.values()) {
        let l = m.get(a.resourceType)
        if (!l) m.set(a.resourceType, (l = []))
        l.push(a)
      }
      this.byType = m
      this.builtFor = this.image.aclVersion
    }
    return this.byType.get(resourceType) ?? []
  }

  isSuperUser(principal: KafkaPrincipal): boolean {
    return this.superUsers.has(principalString(principal))
  }

  authorize(principal: KafkaPrincipal, host: string, operation: number, resourceType: number, resourceName: string): boolean {
    if (this.isSuperUser(principal)) return true
    const who = principalString(principal)
    const wildcardWho = `${principal.type}:*`
    let anyAclOnResource = false
    let allowed = false
    for (const a of this.acls(resourceType)) {
      if (!resourceMatches(a, resourceName)) continue
      anyAclOnResource = true
      if (a.principal !== who && a.principal !== wildcardWho) continue
      if (a.host !== WILDCARD && a.host !== host) continue
      if (a.permissionType === AclPermissionType.DENY) {
        if (a.operation === operation || a.operation === AclOperation.ALL) return false
      } else if (a.permissionType === AclPermissionType.ALLOW && implies(a.operation, operation)) {
        allowed = true
      }
    }
    if (allowed) return true
    return !anyAclOnResource && this.o.allowEveryoneIfNoAclFound
  }

  /**
   * Whether the principal may do `operation` on at least one resource of the type (Kafka's
   * authorizeByResourceType, used for idempotent producers: WRITE on any topic).
   */
  authorizeAny(principal: KafkaPrincipal, host: string, operation: number, resourceType: number): boolean {
    if (this.isSuperUser(principal)) return true
    const who = principalString(principal)
    const wildcardWho = `${principal.type}:*`
    const acls = this.acls(resourceType).filter((a) => (a.principal === who || a.principal === wildcardWho) && (a.host === WILDCARD || a.host === host))
    const denied = (a: AclBinding) => a.permissionType === AclPermissionType.DENY && (a.operation === operation || a.operation === AclOperation.ALL)
    // A DENY on the wildcard literal covers every resource of the type.
    if (acls.some((a) => denied(a) && a.patternType === PatternType.LITERAL && a.resourceName === WILDCARD)) return false
    for (const a of acls) {
      if (a.permissionType !== AclPermissionType.ALLOW || !implies(a.operation, operation)) continue
      // An ALLOW counts unless a DENY covers all it allows (the same literal, or a prefix of its pattern).
      const covered = acls.some(
        (d) =>
          denied(d) &&
          (d.patternType === PatternType.PREFIXED
            ? a.resourceName.startsWith(d.resourceName)
            : d.patternType === a.patternType && d.resourceName === a.resourceName),
      )
      if (!covered) return true
    }
    return this.acls(resourceType).length === 0 && this.o.allowEveryoneIfNoAclFound
  }
}

function resourceMatches(a: AclBinding, name: string): boolean {
  if (a.patternType === PatternType.LITERAL) return a.resourceName === name || a.resourceName === WILDCARD
  if (a.patternType === PatternType.PREFIXED) return name.startsWith(a.resourceName)
  return false
}

/** Whether an ALLOW ACL on `granted` allows `wanted` (Kafka's implied operations). */
export function implies(granted: number, wanted: number): boolean {
  if (granted === wanted || granted === AclOperation.ALL) return true
  if (wanted === AclOperation.DESCRIBE)
    return granted === AclOperation.READ || granted === AclOperation.WRITE || granted === AclOperation.DELETE || granted === AclOperation.ALTER
  if (wanted === AclOperation.DESCRIBE_CONFIGS) return granted === AclOperation.ALTER_CONFIGS
  return false
}

/** The operations of a resource type that can be reported as authorized operations (Metadata, DescribeGroups, DescribeCluster). */
export const OPERATIONS_OF: Record<number, number[]> = {
  [ResourceType.TOPIC]: [
    AclOperation.READ,
    AclOperation.WRITE,
    AclOperation.CREATE,
    AclOperation.DELETE,
    AclOperation.ALTER,
    AclOperation.DESCRIBE,
    AclOperation.DESCRIBE_CONFIGS,
    AclOperation.ALTER_CONFIGS,
  ],
  [ResourceType.GROUP]: [AclOperation.READ, AclOperation.DELETE, AclOperation.DESCRIBE],
  [ResourceType.CLUSTER]: [
    AclOperation.CREATE,
    AclOperation.ALTER,
    AclOperation.DESCRIBE,
    AclOperation.CLUSTER_ACTION,
    AclOperation.DESCRIBE_CONFIGS,
    AclOperation.ALTER_CONFIGS,
    AclOperation.IDEMPOTENT_WRITE,
  ],
}

/** Kafka's authorized-operations bit field: bit n set when operation code n is allowed. */
export function authorizedOperations(authz: Authorizer, principal: KafkaPrincipal, host: string, resourceType: number, name: string): number {
  let bits = 0
  for (const op of OPERATIONS_OF[resourceType] ?? []) if (authz.authorize(principal, host, op, resourceType, name)) bits |= 1 << op
  return bits
}
