// Who may read and change client quotas: DescribeClientQuotas needs DESCRIBE_CONFIGS on the
// cluster and AlterClientQuotas ALTER_CONFIGS (which implies DESCRIBE_CONFIGS), as in Kafka;
// refused requests never reach the handler.
import { describe, expect, it } from 'vitest'
import type { ApiDefinition, RequestContext } from '../../../src-main/broker/apis/registry'
import { ErrorCode } from '../../../src-main/broker/errors'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as RT, CLUSTER_NAME } from '../../../src-main/broker/security/acl'
import { authorizeRequest } from '../../../src-main/broker/security/api-authorization'
import { Authorizer } from '../../../src-main/broker/security/authorizer'
import { SecurityImage } from '../../../src-main/broker/security/security-image'

type Body = Record<string, unknown>

function setup(operations: number[]) {
  const image = new SecurityImage()
  operations.forEach((operation, i) => {
    image.apply({
      type: 'AccessControlEntry',
      id: String(i),
      resourceType: RT.CLUSTER,
      resourceName: CLUSTER_NAME,
      patternType: Pat.LITERAL,
      principal: 'User:alice',
      host: '*',
      operation,
      permissionType: Perm.ALLOW,
    })
  })
  const authz = new Authorizer(image, { superUsers: '', allowEveryoneIfNoAclFound: false })
  const ctx = { apiVersion: 1, security: { principal: { type: 'User', name: 'alice' }, clientHost: '127.0.0.1' } } as unknown as RequestContext
  const calls: number[] = []
  const api = (key: number): ApiDefinition => ({
    key,
    name: `api-${key}`,
    minVersion: 0,
    maxVersion: 1,
    handle: () => {
      calls.push(key)
      return key === 48 ? { throttleTimeMs: 0, errorCode: 0, errorMessage: null, entries: [] } : { throttleTimeMs: 0, entries: [] }
    },
  })
  return { authz, ctx, calls, api }
}

const alterRequest = {
  entries: [
    { entity: [{ entityType: 'client-id', entityName: 'app' }], ops: [{ key: 'producer_byte_rate', value: 1, remove: false }] },
    { entity: [{ entityType: 'user', entityName: null }], ops: [{ key: 'consumer_byte_rate', value: 1, remove: false }] },
  ],
  validateOnly: false,
}
const describeRequest = { components: [], strict: false }

describe('client quota authorization', () => {
  it('without ACLs on the cluster both are refused with CLUSTER_AUTHORIZATION_FAILED', () => {
    const { authz, ctx, calls, api } = setup([])
    const d = authorizeRequest(authz, api(48), describeRequest, ctx) as Body
    expect(d.errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    const a = authorizeRequest(authz, api(49), alterRequest, ctx) as { entries: { errorCode: number; entity: unknown }[] }
    // One refusal per entry, naming its entity.
    expect(a.entries.map((e) => e.errorCode)).toEqual([ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ErrorCode.CLUSTER_AUTHORIZATION_FAILED])
    expect(a.entries[1]?.entity).toEqual([{ entityType: 'user', entityName: null }])
    expect(calls).toEqual([])
  })

  it('DESCRIBE_CONFIGS lets a principal describe but not alter', () => {
    const { authz, ctx, calls, api } = setup([Op.DESCRIBE_CONFIGS])
    expect((authorizeRequest(authz, api(48), describeRequest, ctx) as Body).errorCode).toBe(0)
    const a = authorizeRequest(authz, api(49), alterRequest, ctx) as { entries: { errorCode: number }[] }
    expect(a.entries.map((e) => e.errorCode)).toEqual([ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ErrorCode.CLUSTER_AUTHORIZATION_FAILED])
    expect(calls).toEqual([48])
  })

  it('ALTER_CONFIGS lets a principal alter, and describe too', () => {
    const { authz, ctx, calls, api } = setup([Op.ALTER_CONFIGS])
    expect((authorizeRequest(authz, api(49), alterRequest, ctx) as Body).entries).toEqual([])
    expect((authorizeRequest(authz, api(48), describeRequest, ctx) as Body).errorCode).toBe(0)
    expect(calls).toEqual([49, 48])
  })
})
