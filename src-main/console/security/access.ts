// "Who can do what" on one resource: every principal an ACL on it names, with the operations the
// authorizer would allow it. The decision is the broker's own StandardAuthorizer logic
// (broker/security/authorizer.ts) run over the ACLs DescribeAcls returned: a matching DENY wins,
// literal, prefixed and wildcard ('*') patterns apply, User:* ACLs apply to every user, and ALL,
// READ/WRITE/DELETE/ALTER (→ DESCRIBE) and ALTER_CONFIGS (→ DESCRIBE_CONFIGS) imply others.
// super.users and allow.everyone.if.no.acl.found are broker settings no protocol request
// reveals, so they are left out (the view says so).
import { AclOperation, AclPermissionType, CLUSTER_NAME, filterMatches, PatternType, ResourceType, WILDCARD, type AclBinding } from '../../broker/security/acl'
import { Authorizer, OPERATIONS_OF } from '../../broker/security/authorizer'
import { parsePrincipal } from '../../broker/security/principal'
import { SecurityImage } from '../../broker/security/security-image'
import { ContractError, type RequestOf, type ResponseOf } from '../../ipc/contract'
import type { Session } from '../connections'
import { entryOf, operationName } from './acl-names'
import { compareEntries, describeAllAcls } from './acls'

type Access = ResponseOf<'security.access'>
type Row = Access['principals'][number]

/** The operations a transactional id is checked for (Kafka's TransactionalId resource). */
const TRANSACTIONAL_ID_OPERATIONS = [AclOperation.DESCRIBE, AclOperation.WRITE]

function operationsOf(resourceType: number): number[] {
  return resourceType === ResourceType.TRANSACTIONAL_ID ? TRANSACTIONAL_ID_OPERATIONS : (OPERATIONS_OF[resourceType] ?? [])
}

export async function accessView(s: Session, req: RequestOf<'security.access'>): Promise<Access> {
  const resourceType = ResourceType[req.resourceType]
  if (req.resourceType === 'CLUSTER' && req.resourceName !== CLUSTER_NAME)
    throw new ContractError('VALIDATION', `the cluster resource is named ${CLUSTER_NAME}`, 'resourceName')
  const d = await describeAllAcls(s)
  return whoCanDoWhat(d.bindings, resourceType, req.resourceName, d.state, d.message)
}

/** The broker's authorizer over these bindings alone, with no super users and no allow-everyone: only what the ACLs grant. */
function authorizerOver(bindings: AclBinding[]): Authorizer {
  const image = new SecurityImage()
  for (const [i, a] of bindings.entries()) image.acls.set(String(i), { ...a, id: String(i) })
  image.aclVersion++
  return new Authorizer(image, { superUsers: '', allowEveryoneIfNoAclFound: false })
}

/** Each principal's effective operations on the resource, from the cluster's ACL bindings. */
export function whoCanDoWhat(bindings: AclBinding[], resourceType: number, resourceName: string, state: Access['state'], message?: string): Access {
  const ops = operationsOf(resourceType)
  const base = {
    state,
    resourceType: (Object.keys(ResourceType) as (keyof typeof ResourceType)[]).find((k) => ResourceType[k] === resourceType) as Access['resourceType'],
    resourceName,
    operations: ops.map((o) => operationName(o)!),
    ...(message ? { message } : {}),
  }
  // The ACLs that apply to a resource of that name, as DescribeAcls' MATCH filter selects them.
  const matching = bindings.filter((a) =>
    filterMatches(
      {
        resourceType,
        resourceName,
        patternType: PatternType.MATCH,
        principal: null,
        host: null,
        operation: AclOperation.ANY,
        permissionType: AclPermissionType.ANY,
      },
      a,
    ),
  )
  if (!matching.length) return { ...base, principals: [], noAclMatches: true }

  // One row per principal from any host, plus one per host a host-specific ACL names.
  const rows = new Map<string, { principal: string; host: string }>()
  for (const a of matching) {
    rows.set(`${a.principal}\n${WILDCARD}`, { principal: a.principal, host: WILDCARD })
    if (a.host !== WILDCARD) rows.set(`${a.principal}\n${a.host}`, { principal: a.principal, host: a.host })
  }
  const byPrincipal = new Map<string, AclBinding[]>()
  for (const a of matching) {
    const l = byPrincipal.get(a.principal)
    if (l) l.push(a)
    else byPrincipal.set(a.principal, [a])
  }
  const principals: Row[] = []
  for (const { principal, host } of rows.values()) {
    const p = parsePrincipal(principal)
    if (!p) continue
    const wildcard = `${p.type}:${WILDCARD}`
    const own = byPrincipal.get(principal) ?? []
    const applies = (principal === wildcard ? own : [...own, ...(byPrincipal.get(wildcard) ?? [])]).filter((a) => a.host === WILDCARD || a.host === host)
    // The authorizer is given only the ACLs that can apply to this principal from this host: it
    // skips the others anyway, and with thousands of bindings on a prefix asking it over all of
    // them for every principal and operation took seconds.
    const authz = authorizerOver(applies)
    principals.push({
      principal,
      host,
      operations: ops.map((op) => {
        const operation = operationName(op)!
        if (authz.authorize(p, host, op, resourceType, resourceName)) return { operation, decision: 'allowed' as const }
        const denied = applies.some((a) => a.permissionType === AclPermissionType.DENY && (a.operation === op || a.operation === AclOperation.ALL))
        return { operation, decision: denied ? ('denied' as const) : ('not-granted' as const) }
      }),
      acls: applies.flatMap((a) => entryOf(a) ?? []).sort(compareEntries),
    })
  }
  // Wildcard principals last: they read as "everyone else".
  principals.sort(
    (a, b) =>
      Number(a.principal.endsWith(`:${WILDCARD}`)) - Number(b.principal.endsWith(`:${WILDCARD}`)) ||
      a.principal.localeCompare(b.principal) ||
      Number(b.host === WILDCARD) - Number(a.host === WILDCARD) ||
      a.host.localeCompare(b.host),
  )
  return { ...base, principals, noAclMatches: false }
}
