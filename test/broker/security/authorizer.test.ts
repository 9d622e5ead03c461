// The authorizer's semantics, checked one rule at a time: literal, wildcard and prefixed
// patterns, principals and hosts, DENY over ALLOW, implied operations, super.users and
// allow.everyone.if.no.acl.found.
import { describe, expect, it } from 'vitest'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as RT, type AclBinding } from '../../../src-main/broker/security/acl'
import { Authorizer } from '../../../src-main/broker/security/authorizer'
import { SecurityImage } from '../../../src-main/broker/security/security-image'

const alice = { type: 'User', name: 'alice' }
const bob = { type: 'User', name: 'bob' }

function authorizer(acls: Partial<AclBinding>[], opts: { superUsers?: string; allowEveryoneIfNoAclFound?: boolean } = {}): Authorizer {
  const image = new SecurityImage()
  acls.forEach((a, i) => {
    image.apply({
      type: 'AccessControlEntry',
      id: String(i),
      resourceType: RT.TOPIC,
      resourceName: 'orders',
      patternType: Pat.LITERAL,
      principal: 'User:alice',
      host: '*',
      operation: Op.READ,
      permissionType: Perm.ALLOW,
      ...a,
    })
  })
  return new Authorizer(image, { superUsers: opts.superUsers ?? '', allowEveryoneIfNoAclFound: opts.allowEveryoneIfNoAclFound ?? false })
}

describe('authorizer', () => {
  it('allows what a literal ACL grants, to that principal only', () => {
    const a = authorizer([{}])
    expect(a.authorize(alice, '10.0.0.1', Op.READ, RT.TOPIC, 'orders')).toBe(true)
    expect(a.authorize(bob, '10.0.0.1', Op.READ, RT.TOPIC, 'orders')).toBe(false)
    expect(a.authorize(alice, '10.0.0.1', Op.WRITE, RT.TOPIC, 'orders')).toBe(false)
    expect(a.authorize(alice, '10.0.0.1', Op.READ, RT.TOPIC, 'orders-2')).toBe(false)
    expect(a.authorize(alice, '10.0.0.1', Op.READ, RT.GROUP, 'orders')).toBe(false)
  })

  it('matches the wildcard name, prefixed patterns, User:* and hosts', () => {
    expect(authorizer([{ resourceName: '*' }]).authorize(alice, 'h', Op.READ, RT.TOPIC, 'anything')).toBe(true)
    const prefixed = authorizer([{ resourceName: 'ord', patternType: Pat.PREFIXED }])
    expect(prefixed.authorize(alice, 'h', Op.READ, RT.TOPIC, 'orders')).toBe(true)
    expect(prefixed.authorize(alice, 'h', Op.READ, RT.TOPIC, 'payments')).toBe(false)
    expect(authorizer([{ principal: 'User:*' }]).authorize(bob, 'h', Op.READ, RT.TOPIC, 'orders')).toBe(true)
    const host = authorizer([{ host: '10.0.0.1' }])
    expect(host.authorize(alice, '10.0.0.1', Op.READ, RT.TOPIC, 'orders')).toBe(true)
    expect(host.authorize(alice, '10.0.0.2', Op.READ, RT.TOPIC, 'orders')).toBe(false)
  })

  it('lets a matching DENY win over any ALLOW', () => {
    const a = authorizer([{ operation: Op.ALL }, { permissionType: Perm.DENY, resourceName: 'ord', patternType: Pat.PREFIXED }])
    expect(a.authorize(alice, 'h', Op.READ, RT.TOPIC, 'orders')).toBe(false)
    expect(a.authorize(alice, 'h', Op.WRITE, RT.TOPIC, 'orders')).toBe(true)
    const denyAll = authorizer([{ operation: Op.ALL }, { permissionType: Perm.DENY, operation: Op.ALL, principal: 'User:*' }])
    expect(denyAll.authorize(alice, 'h', Op.DESCRIBE, RT.TOPIC, 'orders')).toBe(false)
  })

  it('implies DESCRIBE from READ, WRITE, DELETE and ALTER, and DESCRIBE_CONFIGS from ALTER_CONFIGS, for ALLOW only', () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER])
      expect(authorizer([{ operation: op }]).authorize(alice, 'h', Op.DESCRIBE, RT.TOPIC, 'orders')).toBe(true)
    expect(authorizer([{ operation: Op.CREATE }]).authorize(alice, 'h', Op.DESCRIBE, RT.TOPIC, 'orders')).toBe(false)
    expect(authorizer([{ operation: Op.ALTER_CONFIGS }]).authorize(alice, 'h', Op.DESCRIBE_CONFIGS, RT.TOPIC, 'orders')).toBe(true)
    // A DENY of READ does not deny DESCRIBE.
    expect(authorizer([{ operation: Op.DESCRIBE }, { permissionType: Perm.DENY }]).authorize(alice, 'h', Op.DESCRIBE, RT.TOPIC, 'orders')).toBe(true)
  })

  it('gives super users everything and applies allow.everyone.if.no.acl.found only where no ACL matches the resource', () => {
    expect(
      authorizer([{ permissionType: Perm.DENY, operation: Op.ALL }], { superUsers: 'User:admin; User:alice' }).authorize(
        alice,
        'h',
        Op.READ,
        RT.TOPIC,
        'orders',
      ),
    ).toBe(true)
    const open = authorizer([{ principal: 'User:bob' }], { allowEveryoneIfNoAclFound: true })
    expect(open.authorize(alice, 'h', Op.READ, RT.TOPIC, 'other')).toBe(true)
    expect(open.authorize(alice, 'h', Op.READ, RT.TOPIC, 'orders')).toBe(false)
    expect(authorizer([]).authorize(alice, 'h', Op.READ, RT.TOPIC, 'orders')).toBe(false)
  })

  it('authorizes by resource type (WRITE on some topic) unless a DENY covers every ALLOW', () => {
    expect(authorizer([{ operation: Op.WRITE }]).authorizeAny(alice, 'h', Op.WRITE, RT.TOPIC)).toBe(true)
    expect(
      authorizer([{ operation: Op.WRITE }, { operation: Op.WRITE, permissionType: Perm.DENY, resourceName: 'o', patternType: Pat.PREFIXED }]).authorizeAny(
        alice,
        'h',
        Op.WRITE,
        RT.TOPIC,
      ),
    ).toBe(false)
    expect(authorizer([{ operation: Op.READ }]).authorizeAny(alice, 'h', Op.WRITE, RT.TOPIC)).toBe(false)
  })
})
