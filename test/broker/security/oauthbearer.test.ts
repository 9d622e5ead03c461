// OAUTHBEARER with unsecured JWTs (RFC 7628 messages, Kafka's default unsecured validation).
import { describe, expect, it } from 'vitest'
import { OAuthBearerServer } from '../../../src-main/broker/security/oauthbearer'
import { SaslAuthenticationError } from '../../../src-main/broker/security/sasl-server'

const NOW = 1_800_000_000_000
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
const jwt = (claims: object, header: object = { alg: 'none' }, signature = '') => `${b64(header)}.${b64(claims)}.${signature}`
const first = (token: string) => Buffer.from(`n,,\x01auth=Bearer ${token}\x01\x01`)

describe('OAUTHBEARER', () => {
  it('authenticates the subject of a valid unsecured token', () => {
    const step = new OAuthBearerServer({}, () => NOW).evaluate(first(jwt({ sub: 'carol', exp: NOW / 1000 + 60 })))
    expect(step).toEqual({ challenge: Buffer.alloc(0), complete: true, principal: { type: 'User', name: 'carol' } })
  })

  it('answers a bad token with an error challenge, then fails on the client’s %x01', () => {
    for (const [token, why] of [
      [jwt({ sub: 'carol', exp: NOW / 1000 - 1 }), /before the current time/],
      [jwt({ sub: 'carol' }), /No expiration time claim/],
      [jwt({ exp: NOW / 1000 + 60 }), /No principal claim "sub"/],
      [jwt({ sub: 'carol', exp: NOW / 1000 + 60 }, { alg: 'RS256' }), /alg "none"/],
      [jwt({ sub: 'carol', exp: NOW / 1000 + 60 }, { alg: 'none' }, 'sig'), /empty signature/],
    ] as const) {
      const server = new OAuthBearerServer({}, () => NOW)
      const step = server.evaluate(first(token))
      expect(step.complete).toBe(false)
      expect(JSON.parse(step.challenge.toString())).toEqual({ status: 'invalid_token' })
      expect(() => server.evaluate(Buffer.from('\x01'))).toThrow(SaslAuthenticationError)
      expect(() => server.evaluate(Buffer.from('\x01'))).toThrow(why)
    }
  })

  it('honours the validator options: principal claim, required scope, clock skew', () => {
    const token = jwt({ client: 'svc', scope: 'read write', exp: NOW / 1000 - 1 })
    expect(
      new OAuthBearerServer({ principalClaimName: 'client', requiredScope: ['read'], allowableClockSkewMs: 5000 }, () => NOW).evaluate(first(token)).principal,
    ).toEqual({ type: 'User', name: 'svc' })
    const missing = new OAuthBearerServer({ principalClaimName: 'client', requiredScope: ['admin'], allowableClockSkewMs: 5000 }, () => NOW)
    expect(missing.evaluate(first(token)).complete).toBe(false)
  })
})
