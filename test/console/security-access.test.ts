// The "who can do what" computation on its own (no cluster): the broker's authorizer rules applied
// to a set of bindings, for the cases the service tests do not reach: DENY ALL, a User:* DENY
// over a named ALLOW, host-specific rows, a prefix that does not match, the cluster and
// transactional ids, and a resource no ACL matches.
import { describe, expect, it } from 'vitest'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res, type AclBinding } from '../../src-main/broker/security/acl'
import { whoCanDoWhat } from '../../src-main/console/security/access'

const b = (o: Partial<AclBinding> & Pick<AclBinding, 'resourceName' | 'principal' | 'operation'>): AclBinding => ({
  resourceType: Res.TOPIC,
  patternType: Pat.LITERAL,
  host: '*',
  permissionType: Perm.ALLOW,
  ...o,
})

type View = ReturnType<typeof whoCanDoWhat>
const ops = (v: View, principal: string, host = '*') =>
  Object.fromEntries(v.principals.find((p) => p.principal === principal && p.host === host)?.operations.map((o) => [o.operation, o.decision]) ?? [])

describe('who can do what', () => {
  it('DENY ALL refuses everything an ALLOW ALL grants; a User:* DENY covers named principals', () => {
    const v = whoCanDoWhat(
      [
        b({ resourceName: 'orders', principal: 'User:ann', operation: Op.ALL }),
        b({ resourceName: 'ord', patternType: Pat.PREFIXED, principal: 'User:ann', operation: Op.ALL, permissionType: Perm.DENY }),
        b({ resourceName: 'orders', principal: 'User:ben', operation: Op.READ }),
        b({ resourceName: '*', principal: 'User:*', operation: Op.READ, permissionType: Perm.DENY }),
        // Prefix of another topic: does not apply to "orders".
        b({ resourceName: 'orders-eu', patternType: Pat.PREFIXED, principal: 'User:cat', operation: Op.READ }),
      ],
      Res.TOPIC,
      'orders',
      'enabled',
    )
    expect(Object.values(ops(v, 'User:ann'))).toEqual(Array(8).fill('denied'))
    expect(ops(v, 'User:ben')).toMatchObject({ READ: 'denied', DESCRIBE: 'allowed', WRITE: 'not-granted' })
    expect(v.principals.map((p) => p.principal)).toEqual(['User:ann', 'User:ben', 'User:*'])
  })

  it('gives host-specific ACLs their own row', () => {
    const v = whoCanDoWhat(
      [
        b({ resourceName: 'orders', principal: 'User:ann', operation: Op.WRITE, host: '10.0.0.7' }),
        b({ resourceName: 'orders', principal: 'User:ann', operation: Op.DESCRIBE }),
      ],
      Res.TOPIC,
      'orders',
      'enabled',
    )
    expect(v.principals.map((p) => `${p.principal}@${p.host}`)).toEqual(['User:ann@*', 'User:ann@10.0.0.7'])
    expect(ops(v, 'User:ann')).toMatchObject({ WRITE: 'not-granted', DESCRIBE: 'allowed' })
    expect(ops(v, 'User:ann', '10.0.0.7')).toMatchObject({ WRITE: 'allowed', DESCRIBE: 'allowed' })
  })

  it('evaluates the cluster and transactional ids with their own operations', () => {
    const cluster = whoCanDoWhat(
      [b({ resourceType: Res.CLUSTER, resourceName: 'kafka-cluster', principal: 'User:ops', operation: Op.ALTER_CONFIGS })],
      Res.CLUSTER,
      'kafka-cluster',
      'enabled',
    )
    expect(cluster.operations).toEqual(['CREATE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE'])
    expect(ops(cluster, 'User:ops')).toMatchObject({ ALTER_CONFIGS: 'allowed', DESCRIBE_CONFIGS: 'allowed', DESCRIBE: 'not-granted' })
    const txn = whoCanDoWhat(
      [b({ resourceType: Res.TRANSACTIONAL_ID, resourceName: 'pay-', patternType: Pat.PREFIXED, principal: 'User:app', operation: Op.WRITE })],
      Res.TRANSACTIONAL_ID,
      'pay-1',
      'enabled',
    )
    expect(ops(txn, 'User:app')).toEqual({ DESCRIBE: 'allowed', WRITE: 'allowed' })
  })

  it('says when no ACL matches the resource', () => {
    const v = whoCanDoWhat([b({ resourceName: 'other', principal: 'User:ann', operation: Op.READ })], Res.TOPIC, 'orders', 'enabled')
    expect(v).toMatchObject({ noAclMatches: true, principals: [] })
  })
})
