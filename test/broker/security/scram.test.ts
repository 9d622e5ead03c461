// SCRAM against RFC 7677's test vector (SCRAM-SHA-256, user "user", password "pencil") and a full
// exchange with a client computed here; PLAIN and JAAS parsing with Kafka's messages.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { credentialFromPassword, credentialFromSaltedPassword, saltedPassword, ScramServer } from '../../../src-main/broker/security/scram'
import { PlainServer } from '../../../src-main/broker/security/plain'
import { parseJaasConfig, plainUsers } from '../../../src-main/broker/security/jaas'
import { SaslAuthenticationError } from '../../../src-main/broker/security/sasl-server'

describe('SCRAM', () => {
  it('derives the RFC 7677 keys and server signature', () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64')
    const salted = saltedPassword('SCRAM-SHA-256', 'pencil', salt, 4096)
    const cred = credentialFromSaltedPassword('SCRAM-SHA-256', salted, salt, 4096)
    const authMessage =
      'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0'
    expect(createHmac('sha256', cred.serverKey).update(authMessage).digest('base64')).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')
    const clientKey = createHmac('sha256', salted).update('Client Key').digest()
    const signature = createHmac('sha256', cred.storedKey).update(authMessage).digest()
    expect(Buffer.from(clientKey.map((b, i) => b ^ signature[i]!)).toString('base64')).toBe('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')
  })

  for (const m of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`completes an exchange with the right password and refuses a wrong one (${m})`, () => {
      const cred = credentialFromPassword(m, 'secret')
      const exchange = (password: string) => {
        const server = new ScramServer(m, (u) => (u === 'alice' ? cred : undefined))
        const first = 'n=alice,r=abc123'
        const sf = server.evaluate(Buffer.from(`n,,${first}`)).challenge.toString()
        const a = new Map(sf.split(',').map((p) => [p[0]!, p.slice(2)]))
        const hash = m === 'SCRAM-SHA-256' ? 'sha256' : 'sha512'
        const salted = pbkdf2Sync(password, Buffer.from(a.get('s')!, 'base64'), Number(a.get('i')), m === 'SCRAM-SHA-256' ? 32 : 64, hash)
        const ck = createHmac(hash, salted).update('Client Key').digest()
        const final = `c=biws,r=${a.get('r')}`
        const sig = createHmac(hash, createHash(hash).update(ck).digest()).update(`${first},${sf},${final}`).digest()
        return server.evaluate(Buffer.from(`${final},p=${Buffer.from(ck.map((b, i) => b ^ sig[i]!)).toString('base64')}`))
      }
      const ok = exchange('secret')
      expect(ok.complete).toBe(true)
      expect(ok.principal).toEqual({ type: 'User', name: 'alice' })
      expect(ok.challenge.toString()).toMatch(/^v=/)
      expect(() => exchange('wrong')).toThrow(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${m}`)
    })
  }

  it('refuses an unknown user at the first message', () => {
    expect(() => new ScramServer('SCRAM-SHA-256', () => undefined).evaluate(Buffer.from('n,,n=nobody,r=x'))).toThrow(SaslAuthenticationError)
  })
})

describe('PLAIN and JAAS', () => {
  const entry = parseJaasConfig(
    'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="a\\"b" user_admin="a\\"b" user_alice=alice-secret;',
  )
  it('parses a PlainLoginModule entry', () => {
    expect(entry.loginModule).toBe('org.apache.kafka.common.security.plain.PlainLoginModule')
    expect(entry.flag).toBe('required')
    expect(plainUsers(entry)).toEqual(
      new Map([
        ['admin', 'a"b'],
        ['alice', 'alice-secret'],
      ]),
    )
    expect(() => parseJaasConfig('PlainLoginModule required user_a="x"')).toThrow(/must end with ";"/)
  })

  it("answers with Kafka's PlainSaslServer messages", () => {
    const server = new PlainServer(plainUsers(entry))
    expect(server.evaluate(Buffer.from('\u0000alice\u0000alice-secret')).principal).toEqual({ type: 'User', name: 'alice' })
    expect(() => server.evaluate(Buffer.from('\u0000alice\u0000nope'))).toThrow('Authentication failed: Invalid username or password')
    expect(() => server.evaluate(Buffer.from('\u0000\u0000x'))).toThrow('Authentication failed: username not specified')
    expect(() => server.evaluate(Buffer.from('\u0000alice\u0000'))).toThrow('Authentication failed: password not specified')
  })
})
