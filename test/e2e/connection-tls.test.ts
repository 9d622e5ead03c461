// End-to-end: the connection test over TLS shows the certificate of the server it reached. A
// `kafkadesk cluster --secure` beside the console's own cluster serves an SSL listener with a
// certificate from its local CA; the connection form, given that CA, shows the certificate's
// subject, issuer, SANs, validity, SHA-256 fingerprint (checked against the certificate file),
// chain and TLS session; without the CA the untrusted-certificate diagnosis shows the same
// details of the certificate it refused. Over the SASL_SSL listener the form connects with the
// admin user's password and names a wrong one with the broker's message. Last, the console's own
// embedded cluster is restarted with its card's "Secured" option and shows its listeners and
// client settings, which a client then uses over SASL_SSL.
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EmbeddedProcess, startEmbedded } from '../helpers/embedded'
import { type E2E, go, startE2E } from './harness'

describe('TLS certificate details in the connection test', () => {
  let e: E2E
  let secure: EmbeddedProcess
  let secureDir: string
  let ssl: string
  let saslSsl: string
  let adminPassword: string
  let ca: string
  let fingerprint: string

  beforeAll(async () => {
    secureDir = mkdtempSync(join(tmpdir(), 'kafkadesk-e2e-tls-'))
    secure = await startEmbedded(secureDir, ['--secure'])
    const m = /\[broker 1\] listener SSL \(SSL\) on (\S+)/.exec(secure.stderr())
    if (!m) throw new Error(`no SSL listener in:\n${secure.stderr().slice(-2000)}`)
    ssl = m[1]!
    const sm = /\[broker 1\] listener SASL_SSL \(SASL_SSL\) on (\S+)/.exec(secure.stderr())
    if (!sm) throw new Error(`no SASL_SSL listener in:\n${secure.stderr().slice(-2000)}`)
    saslSsl = sm[1]!
    adminPassword = readFileSync(join(secureDir, 'secrets', 'admin.password'), 'utf8').trim()
    ca = readFileSync(join(secureDir, 'secrets', 'ca.crt'), 'utf8')
    fingerprint = new X509Certificate(readFileSync(join(secureDir, 'secrets', 'broker.crt'))).fingerprint256
    e = await startE2E()
  }, 180_000)

  afterAll(async () => {
    await e?.close()
    await secure?.stop()
    if (secureDir) rmSync(secureDir, { recursive: true, force: true })
  })

  async function testWith(name: string, caText: string | undefined, sasl?: { mechanism: string; username: string; password: string }) {
    await go(e.page, '/connections')
    await e.page.getByTestId('add-connection').click()
    await e.page.getByTestId('conn-name').fill(name)
    await e.page.getByTestId('conn-bootstrap').fill(sasl ? saslSsl : ssl)
    if (sasl) {
      await e.page.getByTestId('conn-sasl').check()
      await e.page.getByTestId('conn-mechanism').selectOption(sasl.mechanism)
      await e.page.getByTestId('conn-username').fill(sasl.username)
      await e.page.getByTestId('conn-password').fill(sasl.password)
    }
    await e.page.getByTestId('conn-tls').check()
    if (caText) await e.page.getByTestId('conn-ca').fill(caText)
    await e.page.getByTestId('conn-test').click()
    const result = e.page.locator('.modal').getByTestId('test-result')
    await result.waitFor({ timeout: 30_000 })
    return result
  }

  it('shows the server certificate of a trusted TLS connection', async () => {
    const result = await testWith('local-ssl', ca)
    expect(await result.textContent()).toContain('Connected')
    const cert = result.getByTestId('tls-certificate')
    expect(await cert.textContent()).toContain('Server certificate')
    expect(await cert.getByTestId('tls-subject').textContent()).toContain('CN=localhost')
    expect(await cert.getByTestId('tls-issuer').textContent()).toContain('Kafkadesk')
    expect(await cert.getByTestId('tls-sans').textContent()).toContain('IP Address:127.0.0.1')
    expect(await cert.getByTestId('tls-fingerprint').textContent()).toBe(fingerprint)
    expect(await cert.getByTestId('tls-validity').textContent()).toMatch(/^\d{4}-\d\d-\d\d UTC to \d{4}-\d\d-\d\d UTC$/)
    expect(await cert.getByTestId('tls-chain').textContent()).toMatch(/^\d+ certificates?$/)
    expect(await cert.getByTestId('tls-session').textContent()).toMatch(/^TLSv1\.[23] · TLS_/)
    await cert.scrollIntoViewIfNeeded()
    await e.shot('connection-tls-certificate')
    await e.page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('shows the refused certificate when the CA is not given', async () => {
    const result = await testWith('local-ssl-untrusted', undefined)
    expect(await result.textContent()).toContain('TLS handshake failed')
    const cert = result.getByTestId('tls-certificate')
    expect(await cert.textContent()).toContain('Certificate refused')
    expect(await cert.getByTestId('tls-fingerprint').textContent()).toBe(fingerprint)
    expect(await cert.getByTestId('tls-subject').textContent()).toContain('CN=localhost')
    await cert.scrollIntoViewIfNeeded()
    await e.shot('connection-tls-untrusted')
    await e.page.getByRole('button', { name: 'Cancel' }).click()
    expect(e.pageErrors).toEqual([])
  })

  it('over SASL_SSL connects with the right password and names a wrong one with the broker’s message', async () => {
    const ok = await testWith('local-sasl-ssl', ca, { mechanism: 'scram-sha-256', username: 'admin', password: adminPassword })
    expect(await ok.textContent()).toContain('Connected')
    await e.page.getByRole('button', { name: 'Cancel' }).click()
    const wrong = await testWith('local-sasl-ssl-wrong', ca, { mechanism: 'scram-sha-256', username: 'admin', password: 'not-the-password' })
    const text = (await wrong.textContent()) ?? ''
    expect(text).toContain('Authentication failed')
    expect(text).toContain('invalid credentials with SASL mechanism SCRAM-SHA-256')
    await e.shot('connection-sasl-wrong-password')
    await e.page.getByRole('button', { name: 'Cancel' }).click()
    expect(e.pageErrors).toEqual([])
  })

  it('restarts the embedded cluster secured from its card and shows the client settings', async () => {
    await go(e.page, '/connections')
    // The form of the test before is closed first: its modal would take the clicks.
    await e.page.locator('.modal').waitFor({ state: 'detached' })
    const card = e.page.getByTestId('embedded-card')
    await card.locator('.card-head').getByRole('button', { name: 'Stop', exact: true }).click()
    await e.page.getByTestId('confirm-ok').click()
    await card.getByTestId('embedded-start').waitFor({ timeout: 60_000 })
    await card.getByTestId('embedded-secure').check()
    await card.getByTestId('embedded-start').click()
    const security = card.getByTestId('embedded-security')
    await security.waitFor({ timeout: 90_000 })
    const saslSsl = ((await card.getByTestId('embedded-listener-SASL_SSL').textContent()) ?? '').match(/127\.0\.0\.1:\d+/)?.[0]
    expect(saslSsl).toBeDefined()
    const settings = (await card.getByTestId('embedded-client-settings').textContent()) ?? ''
    expect(settings).toContain(`bootstrap.servers=${saslSsl}`)
    const password = /sasl\.password=(\S+)/.exec(settings)?.[1]
    const caPath = /ssl\.ca\.location=(\S+)/.exec(settings)?.[1]
    expect(password && caPath).toBeTruthy()
    await security.scrollIntoViewIfNeeded()
    await e.shot('embedded-secured')
    // The settings shown are the ones that work.
    const admin = new Kafka({
      clientId: 'e2e-secured',
      brokers: [saslSsl!],
      ssl: { ca: [readFileSync(caPath!, 'utf8')] },
      sasl: { mechanism: 'scram-sha-256', username: 'admin', password: password! },
      logLevel: logLevel.NOTHING,
    }).admin()
    await admin.connect()
    try {
      expect((await admin.describeCluster()).brokers.length).toBeGreaterThan(0)
    } finally {
      await admin.disconnect()
    }
    expect(e.pageErrors).toEqual([])
  }, 180_000)
})
