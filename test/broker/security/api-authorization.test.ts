// The per-API table: requests are split into what the principal may touch and what it may not,
// the handler sees only the first, and refused parts come back with Kafka's error codes.
import { describe, expect, it } from 'vitest'
import type { ApiDefinition, RequestContext } from '../../../src-main/broker/apis/registry'
import { ErrorCode } from '../../../src-main/broker/errors'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as RT, type AclBinding } from '../../../src-main/broker/security/acl'
import { authorizeRequest } from '../../../src-main/broker/security/api-authorization'
import { Authorizer } from '../../../src-main/broker/security/authorizer'
import { SecurityImage } from '../../../src-main/broker/security/security-image'

type Body = Record<string, unknown>

function setup(acls: Partial<AclBinding>[]) {
  const image = new SecurityImage()
  acls.forEach((a, i) => {
    image.apply({
      type: 'AccessControlEntry',
      id: String(i),
      resourceType: RT.TOPIC,
      resourceName: 'allowed',
      patternType: Pat.LITERAL,
      principal: 'User:alice',
      host: '*',
      operation: Op.WRITE,
      permissionType: Perm.ALLOW,
      ...a,
    })
  })
  const authz = new Authorizer(image, { superUsers: '', allowEveryoneIfNoAclFound: false })
  const ctx = (apiVersion: number) =>
    ({
      apiVersion,
      security: { principal: { type: 'User', name: 'alice' }, clientHost: '127.0.0.1' },
      broker: {
        metadata: {
          topics: new Map([
            ['allowed', {}],
            ['secret', {}],
          ]),
          topicById: () => undefined,
        },
      },
    }) as unknown as RequestContext
  const seen: Body[] = []
  const api = (key: number, answer: (req: Body) => Body): ApiDefinition => ({
    key,
    name: `api-${key}`,
    minVersion: 0,
    maxVersion: 20,
    handle: (req: Body) => {
      seen.push(req)
      return answer(req)
    },
  })
  return { authz, ctx, seen, api }
}

describe('per-API authorization', () => {
  it('Produce: the handler sees the writable topics only; the others answer TOPIC_AUTHORIZATION_FAILED', () => {
    const { authz, ctx, seen, api } = setup([{}])
    const produce = api(0, (req) => ({
      responses: (req.topicData as Body[]).map((t) => ({ name: t.name, partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5 }] })),
    }))
    const res = authorizeRequest(
      authz,
      produce,
      {
        transactionalId: null,
        topicData: [
          { name: 'allowed', partitionData: [{ index: 0 }] },
          { name: 'secret', partitionData: [{ index: 0 }, { index: 1 }] },
        ],
      },
      ctx(9),
    ) as Body
    expect((seen[0]!.topicData as Body[]).map((t) => t.name)).toEqual(['allowed'])
    expect(res.responses).toEqual([
      { name: 'allowed', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5 }] },
      {
        name: 'secret',
        topicId: undefined,
        partitionResponses: [0, 1].map((index) => ({
          index,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          baseOffset: -1,
          logAppendTimeMs: -1,
          logStartOffset: -1,
        })),
      },
    ])
  })

  it('Produce with a transactional id the principal may not write: every partition TRANSACTIONAL_ID_AUTHORIZATION_FAILED', () => {
    const { authz, ctx, seen, api } = setup([{}])
    const produce = api(0, () => ({ responses: [] }))
    const res = authorizeRequest(authz, produce, { transactionalId: 'tx', topicData: [{ name: 'allowed', partitionData: [{ index: 0 }] }] }, ctx(9)) as Body
    expect(seen[0]!.topicData).toEqual([])
    expect(((res.responses as Body[])[0]!.partitionResponses as Body[])[0]!.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  })

  it('Metadata: topics the principal may not describe are hidden from "all topics" and refused by name', () => {
    const { authz, ctx, api } = setup([{}])
    const metadata = api(3, (req) => ({
      topics: ((req.topics as Body[] | null) ?? [{ name: 'allowed' }, { name: 'secret' }]).map((t) => ({ errorCode: 0, name: t.name })),
    }))
    const all = authorizeRequest(authz, metadata, { topics: null }, ctx(12)) as Body
    expect((all.topics as Body[]).map((t) => t.name)).toEqual(['allowed'])
    const named = authorizeRequest(authz, metadata, { topics: [{ name: 'secret' }, { name: 'allowed' }] }, ctx(12)) as Body
    expect((named.topics as Body[]).map((t) => [t.name, t.errorCode])).toEqual([
      ['allowed', 0],
      ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ])
  })

  it('group and transaction APIs are refused as a whole without reaching the handler', () => {
    const { authz, ctx, seen, api } = setup([{ resourceType: RT.GROUP, resourceName: 'g', operation: Op.READ }])
    const join = api(11, () => ({ errorCode: 0 }))
    expect(authorizeRequest(authz, join, { groupId: 'other' }, ctx(5))).toMatchObject({ errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED })
    expect(authorizeRequest(authz, join, { groupId: 'g' }, ctx(5))).toEqual({ errorCode: 0 })
    const endTxn = api(26, () => ({ errorCode: 0 }))
    expect(authorizeRequest(authz, endTxn, { transactionalId: 'tx' }, ctx(3))).toMatchObject({ errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED })
    const createAcls = api(30, () => ({ results: [] }))
    expect(authorizeRequest(authz, createAcls, { creations: [{}, {}] }, ctx(3))).toMatchObject({
      results: [{ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }, { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }],
    })
    expect(seen).toHaveLength(1)
  })

  it('InitProducerId without a transactional id needs IDEMPOTENT_WRITE or WRITE on some topic', () => {
    const writer = setup([{}])
    const init = writer.api(22, () => ({ errorCode: 0, producerId: 7 }))
    expect(authorizeRequest(writer.authz, init, { transactionalId: null }, writer.ctx(4))).toEqual({ errorCode: 0, producerId: 7 })
    const reader = setup([{ operation: Op.READ }])
    expect(
      authorizeRequest(
        reader.authz,
        reader.api(22, () => ({ errorCode: 0 })),
        { transactionalId: null },
        reader.ctx(4),
      ),
    ).toMatchObject({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })
  })
})
