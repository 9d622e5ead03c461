// End-to-end: the connection test over TLS shows the certificate of the server it reached. A
// `kafkadesk cluster --secure` beside the console's own cluster serves an SSL listener with a
// certificate from its local CA; the connection form, given that CA, shows the certificate's
// subject, issuer, SANs, validity, SHA-256 fingerprint (checked against the certificate file),
// chain and TLS session; without the CA the untrusted-certificate diagnosis shows the same
// details of the certificate it refused.
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EmbeddedProcess, startEmbedded } from '../helpers/embedded'
import { type E2E, go, startE2E } from './harness'

describe('TLS certificate details in the connection test', () => {
  let e: E2E
  let secure: EmbeddedProcess
  let secureDir: string
  let ssl: string
  let ca: string
  let fingerprint: string

  beforeAll(async () => {
    secureDir = mkdtempSync(join(tmpdir(), 'kafkadesk-e2e-tls-'))
    secure = await startEmbedded(secureDir, ['--secure'])
    const m = /\[broker 1\] listener SSL \(SSL\) on (\S+)/.exec(secure.stderr())
    if (!m) throw new Error(`no SSL listener in:\n${secure.stderr().slice(-2000)}`)
    ssl = m[1]!
    ca = readFileSync(join(secureDir, 'secrets', 'ca.crt'), 'utf8')
    fingerprint = new X509Certificate(readFileSync(join(secureDir, 'secrets', 'broker.crt'))).fingerprint256
    e = await startE2E()
  }, 180_000)

  afterAll(async () => {
    await e?.close()
    await secure?.stop()
    if (secureDir) rmSync(secureDir, { recursive: true, force: true })
  })

  async function testWith(name: string, caText: string | undefined) {
    await go(e.page, '/connections')
    await e.page.getByTestId('add-connection').click()
    await e.page.getByTestId('conn-name').fill(name)
    await e.page.getByTestId('conn-bootstrap').fill(ssl)
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
})
