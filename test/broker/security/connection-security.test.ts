// A connection's SASL state: only ApiVersions and the SASL APIs before authentication, Kafka's
// answers to an unsupported mechanism and a failed authentication, and KIP-368 re-authentication
// (connections.max.reauth.ms): the session lifetime is announced, an expired session refuses
// further requests, a re-authentication renews it and may not change the principal.
import { describe, expect, it } from 'vitest'
import { ConnectionSecurity } from '../../../src-main/broker/security/connection-security'
import { ErrorCode } from '../../../src-main/broker/errors'

const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="a-secret" user_bob="b-secret";'

function connection(extra: Record<string, string> = {}): ConnectionSecurity {
  return new ConnectionSecurity({
    listenerName: 'SASL_PLAINTEXT',
    securityProtocol: 'SASL_PLAINTEXT',
    configs: { 'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256', 'listener.name.sasl_plaintext.plain.sasl.jaas.config': jaas, ...extra },
    clientHost: '127.0.0.1',
    scramCredential: () => undefined,
  })
}
const plain = (user: string, pw: string) => Buffer.from(`\u0000${user}\u0000${pw}`)

describe('connection security', () => {
  it('lets only ApiVersions and the SASL exchange through before authentication', () => {
    const c = connection()
    expect(c.refuses(18, 'ApiVersions')).toBeNull()
    expect(c.refuses(3, 'Metadata')).toBe('Unexpected Kafka request of type Metadata during SASL handshake.')
    expect(c.handshake('PLAIN', 1)).toEqual({ errorCode: ErrorCode.NONE, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] })
    expect(c.refuses(36, 'SaslAuthenticate')).toBeNull()
    expect(c.authenticate(plain('alice', 'a-secret'))).toMatchObject({ errorCode: ErrorCode.NONE, sessionLifetimeMs: 0 })
    expect(c.principal).toEqual({ type: 'User', name: 'alice' })
    expect(c.refuses(3, 'Metadata')).toBeNull()
  })

  it('answers an unsupported mechanism and a wrong password, then closes', () => {
    const a = connection()
    expect(a.handshake('GSSAPI', 1)).toEqual({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] })
    expect(a.closeAfterResponse).toMatch(/unsupported SASL mechanism GSSAPI/)
    const b = connection()
    b.handshake('PLAIN', 1)
    expect(b.authenticate(plain('alice', 'nope'))).toMatchObject({
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: 'Authentication failed: Invalid username or password',
    })
    expect(b.closeAfterResponse).not.toBeNull()
  })

  it('announces the session lifetime, refuses requests once it is over, and renews it on re-authentication', () => {
    const c = connection({ 'connections.max.reauth.ms': '1000' })
    c.handshake('PLAIN', 1)
    expect(c.authenticate(plain('alice', 'a-secret'), 2)).toMatchObject({ errorCode: ErrorCode.NONE, sessionLifetimeMs: 1000 })
    expect(c.refuses(3, 'Metadata', Date.now() + 500)).toBeNull()
    expect(c.refuses(3, 'Metadata', Date.now() + 5000)).toMatch(/session expired/)
    expect(c.refuses(17, 'SaslHandshake', Date.now() + 5000)).toBeNull()
    expect(c.handshake('PLAIN', 1).errorCode).toBe(ErrorCode.NONE)
    expect(c.authenticate(plain('alice', 'a-secret'), 2)).toMatchObject({ errorCode: ErrorCode.NONE, sessionLifetimeMs: 1000 })
    expect(c.refuses(3, 'Metadata', Date.now() + 500)).toBeNull()
    // Another principal may not take over the connection.
    c.handshake('PLAIN', 1)
    expect(c.authenticate(plain('bob', 'b-secret'), 2)).toMatchObject({
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: 'Cannot change principals during re-authentication from User:alice: User:bob',
    })
    expect(c.principal).toEqual({ type: 'User', name: 'alice' })
  })

  it('does not expire the sessions of clients that cannot re-authenticate (SaslAuthenticate v0)', () => {
    const c = connection({ 'connections.max.reauth.ms': '1000' })
    c.handshake('PLAIN', 1)
    expect(c.authenticate(plain('alice', 'a-secret'), 0)).toMatchObject({ errorCode: ErrorCode.NONE, sessionLifetimeMs: 0 })
    expect(c.refuses(3, 'Metadata', Date.now() + 5000)).toBeNull()
  })
})
