// End-to-end: OAUTHBEARER connection profiles in the connection form. A `kafkadesk cluster
// --secure` beside the console's own cluster, with OAUTHBEARER added to its SASL mechanisms
// (Kafka's unsecured validator), is reached over its SASL_PLAINTEXT listener: the form's
// unsecured-JWT token source with a principal connects, and says it is for local clusters only;
// the OIDC token source pointed at an endpoint where nothing listens names that endpoint.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EmbeddedProcess, startEmbedded } from '../helpers/embedded'
import { type E2E, go, startE2E } from './harness'

describe('OAUTHBEARER in the connection form', () => {
  let e: E2E
  let secure: EmbeddedProcess
  let secureDir: string
  let saslPlaintext: string

  beforeAll(async () => {
    secureDir = mkdtempSync(join(tmpdir(), 'kafkadesk-e2e-oauth-'))
    secure = await startEmbedded(secureDir, ['--secure', '--config', 'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER'])
    const m = /\[broker 1\] listener SASL_PLAINTEXT \(SASL_PLAINTEXT\) on (\S+)/.exec(secure.stderr())
    if (!m) throw new Error(`no SASL_PLAINTEXT listener in:\n${secure.stderr().slice(-2000)}`)
    saslPlaintext = m[1]!
    e = await startE2E()
  }, 180_000)

  afterAll(async () => {
    await e?.close()
    await secure?.stop()
    if (secureDir) rmSync(secureDir, { recursive: true, force: true })
  })

  async function openForm(name: string) {
    await go(e.page, '/connections')
    await e.page.getByTestId('add-connection').click()
    await e.page.getByTestId('conn-name').fill(name)
    await e.page.getByTestId('conn-bootstrap').fill(saslPlaintext)
    await e.page.getByTestId('conn-sasl').check()
    await e.page.getByTestId('conn-mechanism').selectOption('oauthbearer')
  }

  async function testResult() {
    await e.page.getByTestId('conn-test').click()
    const result = e.page.locator('.modal').getByTestId('test-result')
    await result.waitFor({ timeout: 30_000 })
    return (await result.textContent()) ?? ''
  }

  it('connects with an unsecured JWT and says where that works', async () => {
    await openForm('local-oauth')
    // OAUTHBEARER takes no user name or password.
    expect(await e.page.getByTestId('conn-username').count()).toBe(0)
    await e.page.getByTestId('conn-oauth-kind').selectOption('unsecured-jwt')
    await e.page.getByTestId('conn-oauth-principal').fill('admin')
    await e.page.getByTestId('conn-oauth-lifetime').fill('600')
    expect(await e.page.getByTestId('conn-oauth-unsecured-note').textContent()).toContain("Kafka's unsecured validator")
    expect(await testResult()).toContain('Connected')
    await e.shot('connection-oauth-unsecured-jwt')
    // Saved, it is listed with its mechanism.
    await e.page.getByTestId('conn-save').click()
    await e.page.locator('.modal').waitFor({ state: 'detached' })
    expect(await e.page.getByText('SASL OAUTHBEARER').count()).toBeGreaterThan(0)
    expect(e.pageErrors).toEqual([])
  })

  it('names an unreachable token endpoint', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as { port: number }).port
    await new Promise((resolve) => probe.close(resolve))
    const url = `http://127.0.0.1:${port}/oauth2/token`
    await openForm('local-oauth-oidc')
    await e.page.getByTestId('conn-oauth-kind').selectOption('oidc')
    await e.page.getByTestId('conn-oauth-token-url').fill(url)
    await e.page.getByTestId('conn-oauth-client-id').fill('console-app')
    await e.page.getByTestId('conn-oauth-client-secret').fill('app-secret')
    const text = await testResult()
    expect(text).toContain(url)
    expect(text).toContain('ECONNREFUSED')
    await e.page.getByRole('button', { name: 'Cancel' }).click()
    expect(e.pageErrors).toEqual([])
  })
})
