// ACLs: every binding (DescribeAcls with a filter that matches anything, as `kafka-acls --list`
// does), one created (CreateAcls) and one deleted (DeleteAcls with a filter naming exactly that
// binding, so nothing else goes). A cluster without an authorizer answers SECURITY_DISABLED: that
// is a state of the cluster, not a failure, and is returned as such.
import { AclOperation, AclPermissionType, PatternType, ResourceType, type AclBinding } from '../../broker/security/acl'
import { ErrorCode } from '../../broker/errors'
import { ContractError, type AclEntry, type ResponseOf } from '../../ipc/contract'
import type { Session } from '../connections'
import { ApiKey, checkError, type RawClient } from '../raw-client'
import { bindingOf, entryOf } from './acl-names'

export const NO_AUTHORIZER = 'This cluster has no authorizer (authorizer.class.name is not set): ACLs are not checked and cannot be managed.'

async function client(s: Session): Promise<RawClient> {
  return s.raw.get((await s.anyBroker()).address)
}

/** Every ACL binding as the broker knows it, or 'no-authorizer'. */
export async function describeAllAcls(s: Session): Promise<{ state: 'enabled' | 'no-authorizer'; bindings: AclBinding[]; message?: string }> {
  const c = await client(s)
  const r = await c.request(ApiKey.DescribeAcls, c.version(ApiKey.DescribeAcls, 3, 1), {
    resourceTypeFilter: ResourceType.ANY,
    resourceNameFilter: null,
    patternTypeFilter: PatternType.ANY,
    principalFilter: null,
    hostFilter: null,
    operation: AclOperation.ANY,
    permissionType: AclPermissionType.ANY,
  })
  if (r.errorCode === ErrorCode.SECURITY_DISABLED) return { state: 'no-authorizer', bindings: [], message: NO_AUTHORIZER }
  checkError(r.errorCode, r.errorMessage, 'DescribeAcls')
  const bindings = r.resources.flatMap((res) =>
    res.acls.map((a) => ({
      resourceType: res.resourceType,
      resourceName: res.resourceName,
      patternType: res.patternType,
      principal: a.principal,
      host: a.host,
      operation: a.operation,
      permissionType: a.permissionType,
    })),
  )
  return { state: 'enabled', bindings }
}

export async function listAcls(s: Session): Promise<ResponseOf<'security.acls.list'>> {
  const d = await describeAllAcls(s)
  const acls = d.bindings.flatMap((b) => entryOf(b) ?? []).sort(compareEntries)
  return d.message ? { state: d.state, acls, message: d.message } : { state: d.state, acls }
}

export async function createAcl(s: Session, entry: AclEntry): Promise<{ created: AclEntry }> {
  const c = await client(s)
  const b = bindingOf(entry)
  const r = await c.request(ApiKey.CreateAcls, c.version(ApiKey.CreateAcls, 3, 1), {
    creations: [
      {
        resourceType: b.resourceType,
        resourceName: b.resourceName,
        resourcePatternType: b.patternType,
        principal: b.principal,
        host: b.host,
        operation: b.operation,
        permissionType: b.permissionType,
      },
    ],
  })
  const res = r.results[0]
  if (!res) throw new ContractError('INTERNAL', 'CreateAcls answered no result')
  if (res.errorCode === ErrorCode.SECURITY_DISABLED) throw new ContractError('KAFKA_SECURITY_DISABLED', NO_AUTHORIZER)
  checkError(res.errorCode, res.errorMessage, 'CreateAcls')
  return { created: entry }
}

/** Deletes exactly this binding; `deleted` is 0 when there was no such ACL. */
export async function deleteAcl(s: Session, entry: AclEntry): Promise<{ deleted: number }> {
  const c = await client(s)
  const b = bindingOf(entry)
  const r = await c.request(ApiKey.DeleteAcls, c.version(ApiKey.DeleteAcls, 3, 1), {
    filters: [
      {
        resourceTypeFilter: b.resourceType,
        resourceNameFilter: b.resourceName,
        patternTypeFilter: b.patternType,
        principalFilter: b.principal,
        hostFilter: b.host,
        operation: b.operation,
        permissionType: b.permissionType,
      },
    ],
  })
  const f = r.filterResults[0]
  if (!f) throw new ContractError('INTERNAL', 'DeleteAcls answered no result')
  if (f.errorCode === ErrorCode.SECURITY_DISABLED) throw new ContractError('KAFKA_SECURITY_DISABLED', NO_AUTHORIZER)
  checkError(f.errorCode, f.errorMessage, 'DeleteAcls')
  const failed = f.matchingAcls.find((m) => m.errorCode)
  if (failed) checkError(failed.errorCode, failed.errorMessage, 'DeleteAcls')
  return { deleted: f.matchingAcls.length }
}

export function compareEntries(a: AclEntry, b: AclEntry): number {
  return (
    a.resourceType.localeCompare(b.resourceType) ||
    a.resourceName.localeCompare(b.resourceName) ||
    a.patternType.localeCompare(b.patternType) ||
    a.principal.localeCompare(b.principal) ||
    a.host.localeCompare(b.host) ||
    a.operation.localeCompare(b.operation) ||
    a.permission.localeCompare(b.permission)
  )
}
