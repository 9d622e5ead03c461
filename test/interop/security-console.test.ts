// The console's connection test (src-main/console/diagnose.ts) against a secured cluster: over
// SASL_SSL with the right password it connects and lists the brokers' SASL_SSL addresses; a wrong
// password is diagnosed as AUTH_FAILURE with the broker's own message, an untrusted certificate
// as TLS_FAILURE. Both over TLS carry the details of the certificate the broker presented
// (subject, issuer, SANs, validity, SHA-256 fingerprint, chain, TLS version and cipher), checked
// against the certificate file start-secure.sh issued. Same target as security.test.ts
// (security-target.ts), embedded or Kafka 4.1.
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { diagnose } from '../../src-main/console/diagnose'
import type { ResolvedConnection } from '../../src-main/console/connections'
import type { ConnectionTestResult } from '../../src-main/ipc/contract'
import { kafkaTool, targetKind } from './target.ts'
import { startSecureTarget, type SecureTarget } from './security-target.ts'

const kind = targetKind()
let target: SecureTarget

beforeAll(async () => {
  target = await startSecureTarget(kind)
  await kafkaTool('kafka-configs', [
    '--bootstrap-server',
    target.at.PLAINTEXT,
    '--alter',
    '--entity-type',
    'users',
    '--entity-name',
    'admin',
    '--add-config',
    'SCRAM-SHA-256=[password=admin-scram]',
  ])
}, 240_000)

afterAll(async () => {
  await target?.stop()
})

function saslSsl(password: string, ca: string | undefined, mechanism: 'plain' | 'scram-sha-256' = 'scram-sha-256'): ResolvedConnection {
  return {
    id: 'secure',
    name: 'secure',
    bootstrapServers: [target.at.SASL_SSL],
    sasl: { mechanism, username: 'admin' },
    password,
    tls: { enabled: true, ...(ca ? { ca } : {}) },
    connectionTimeoutMs: 10_000,
    requestTimeoutMs: 15_000,
  }
}

/** The details are those of the broker certificate start-secure.sh issued (its file, parsed independently). */
function expectBrokerCertificate(tls: ConnectionTestResult['tls']): void {
  const issued = new X509Certificate(readFileSync(join(target.dir, 'secrets', 'broker.crt')))
  expect(tls).toBeDefined()
  expect(tls!.fingerprint256).toBe(issued.fingerprint256)
  expect(tls!.subject).toBe('O=Kafkadesk, CN=localhost')
  expect(tls!.issuer).toBe('CN=Kafkadesk test CA')
  expect(tls!.subjectAltNames).toEqual(['DNS:localhost', 'IP Address:127.0.0.1'])
  expect(new Date(tls!.validFrom).getTime()).toBe(new Date(issued.validFrom).getTime())
  expect(new Date(tls!.validTo).getTime()).toBe(new Date(issued.validTo).getTime())
  expect(tls!.chainLength).toBeGreaterThanOrEqual(1)
  expect(tls!.protocol).toMatch(/^TLSv1\.[23]$/)
  expect(tls!.cipher).toMatch(/^TLS_/)
}

describe(`console connection test over SASL_SSL (${kind})`, () => {
  it('connects with the right password (SCRAM-SHA-256 and PLAIN) and sees the SASL_SSL addresses', async () => {
    const ca = readFileSync(target.ca, 'utf8')
    // SCRAM credentials reach a Kafka broker through its metadata log: allow it a moment.
    let r = await diagnose(saslSsl('admin-scram', ca))
    for (let i = 0; i < 20 && !r.ok; i++) {
      await new Promise((res) => setTimeout(res, 500))
      r = await diagnose(saslSsl('admin-scram', ca))
    }
    expect(r).toMatchObject({ ok: true, diagnosis: 'OK' })
    expect(r.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([target.at.SASL_SSL])
    expect(await diagnose(saslSsl('admin-secret', ca, 'plain'))).toMatchObject({ ok: true, diagnosis: 'OK' })
    expectBrokerCertificate(r.tls)
    expect(r.tls).toMatchObject({ trusted: true })
    expect(r.tls?.authorizationError).toBeUndefined()
  })

  it('diagnoses a wrong password as AUTH_FAILURE with the broker’s message', async () => {
    const ca = readFileSync(target.ca, 'utf8')
    const scram = await diagnose(saslSsl('wrong', ca))
    expect(scram).toMatchObject({ ok: false, diagnosis: 'AUTH_FAILURE' })
    expect(scram.message).toContain('Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256')
    const plain = await diagnose(saslSsl('wrong', ca, 'plain'))
    expect(plain).toMatchObject({ ok: false, diagnosis: 'AUTH_FAILURE' })
    expect(plain.message).toContain('Authentication failed: Invalid username or password')
  })

  it('diagnoses an untrusted certificate as TLS_FAILURE', async () => {
    // No CA given: the system's CAs do not know the cluster's local CA.
    const r = await diagnose(saslSsl('admin-scram', undefined))
    expect(r).toMatchObject({ ok: false, diagnosis: 'TLS_FAILURE' })
    expect(r.message).toMatch(/self[- ]signed certificate|unable to verify|unable to get local issuer/i)
    // The certificate it refused, and why.
    expectBrokerCertificate(r.tls)
    expect(r.tls).toMatchObject({ trusted: false })
    expect(r.tls?.authorizationError).toMatch(/ISSUER|self[- ]signed|unable/i)
    expect(r.message).toContain('CN=localhost')
  })
})
