// End-to-end: the Security page in headless Chromium. On the default embedded cluster (no
// authorizer) it says so; connected to a secured embedded cluster (StandardAuthorizer, SASL and
// TLS listeners: test/interop/security-target.ts) it adds a SCRAM user that a real client then
// logs in with, creates ACLs and shows the "who can do what" answer change, and sets a quota.
// Screenshots at 1024x700 and 1920x1080, light and dark, go to test/e2e/screenshots/.
import kafkajs from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startSecureTarget, type SecureTarget } from '../interop/security-target'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs

describe('the Security page', () => {
  let e: E2E
  let target: SecureTarget

  beforeAll(async () => {
    target = await startSecureTarget('embedded')
    e = await startE2E()
  }, 180_000)

  afterEach(async (c) => {
    if (c.task.result?.state === 'fail' && e) await e.shot(`failed-${c.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await e?.close()
    await target?.stop()
  })

  const cell = (principal: string, op: string) =>
    e.page.locator(`[data-testid="access-table"] tr[data-principal="${principal}"][data-host="*"] td[data-op="${op}"]`)
  const decision = (principal: string, op: string) => cell(principal, op).getAttribute('data-decision')

  it('says that a cluster without an authorizer has none', async () => {
    await go(e.page, '/security/acls')
    await e.page.getByTestId('no-authorizer').waitFor()
    expect(await e.page.getByTestId('no-authorizer').textContent()).toContain('authorizer.class.name is not set')
  }, 60_000)

  it('adds a SCRAM user a real client logs in with', async () => {
    await go(e.page, '/connections')
    await e.page.getByTestId('add-connection').click()
    await e.page.getByTestId('conn-name').fill('secured')
    await e.page.getByTestId('conn-bootstrap').fill(target.at.PLAINTEXT)
    await e.page.getByTestId('conn-save').click()
    await e.page.getByTestId('test-result').waitFor({ timeout: 20_000 })
    await e.page.getByTestId('active-connection').selectOption({ label: 'secured' })

    await go(e.page, '/security/users')
    await e.page.getByTestId('scram-user').fill('erin')
    await e.page.getByTestId('scram-password').fill('erin-pass')
    await e.page.getByTestId('scram-iterations').fill('8192')
    await e.page.getByTestId('scram-save').click()
    const row = e.page.locator('[data-testid="scram-users"] tr[data-user="erin"][data-mechanism="SCRAM-SHA-256"]')
    await row.waitFor()
    expect(await row.textContent()).toContain('8192')

    const kafka = new Kafka({
      clientId: 'e2e-security',
      brokers: [target.at.SASL_PLAINTEXT],
      sasl: { mechanism: 'scram-sha-256', username: 'erin', password: 'erin-pass' },
      logLevel: logLevel.NOTHING,
      retry: { retries: 3 },
    })
    const admin = kafka.admin()
    await admin.connect()
    expect((await admin.describeCluster()).brokers.length).toBe(1)
    await admin.disconnect()
  }, 90_000)

  it('creates ACLs and the who-can-do-what answer follows', async () => {
    await go(e.page, '/security/access')
    await e.page.getByTestId('access-resource-name').fill('payments')
    await e.page.getByTestId('access-show').click()
    await e.page.getByText('No ACL applies to this resource').waitFor()

    await go(e.page, '/security/acls')
    await e.page.getByTestId('acl-resource-name').fill('payments')
    await e.page.getByTestId('acl-principal').fill('User:erin')
    await e.page.getByTestId('acl-operation').selectOption('WRITE')
    await e.page.getByTestId('acl-create').click()
    await e.page.locator('[data-acl="User:erin|TOPIC|payments|WRITE|ALLOW"]').waitFor()
    await e.page.getByTestId('acl-resource-name').fill('pay')
    await e.page.getByTestId('acl-pattern').selectOption('PREFIXED')
    await e.page.getByTestId('acl-principal').fill('User:*')
    await e.page.getByTestId('acl-operation').selectOption('DESCRIBE_CONFIGS')
    await e.page.getByTestId('acl-create').click()
    await e.page.locator('[data-acl="User:*|TOPIC|pay|DESCRIBE_CONFIGS|ALLOW"]').waitFor()

    await go(e.page, '/security/access')
    await e.page.getByTestId('access-table').waitFor()
    await expect.poll(() => decision('User:erin', 'WRITE')).toBe('allowed')
    expect(await decision('User:erin', 'DESCRIBE')).toBe('allowed')
    expect(await decision('User:erin', 'READ')).toBe('not-granted')
    expect(await decision('User:erin', 'DESCRIBE_CONFIGS')).toBe('allowed')
    expect(await decision('User:*', 'DESCRIBE_CONFIGS')).toBe('allowed')
    expect(await decision('User:*', 'WRITE')).toBe('not-granted')

    // A DENY for everyone wins over erin's ALLOW.
    await go(e.page, '/security/acls')
    await e.page.getByTestId('acl-resource-name').fill('payments')
    await e.page.getByTestId('acl-pattern').selectOption('LITERAL')
    await e.page.getByTestId('acl-principal').fill('User:*')
    await e.page.getByTestId('acl-operation').selectOption('WRITE')
    await e.page.getByTestId('acl-permission').selectOption('DENY')
    await e.page.getByTestId('acl-create').click()
    await e.page.locator('[data-acl="User:*|TOPIC|payments|WRITE|DENY"]').waitFor()
    await go(e.page, '/security/access')
    await expect.poll(() => decision('User:erin', 'WRITE')).toBe('denied')
    expect(await decision('User:erin', 'DESCRIBE')).toBe('allowed')

    // Deleting it after the confirm dialog gives erin WRITE back.
    await go(e.page, '/security/acls')
    await e.page.locator('[data-acl="User:*|TOPIC|payments|WRITE|DENY"]').getByTestId('acl-delete').click()
    await e.page.getByTestId('confirm-ok').click()
    await expect.poll(() => e.page.locator('[data-acl="User:*|TOPIC|payments|WRITE|DENY"]').count()).toBe(0)
    await go(e.page, '/security/access')
    await expect.poll(() => decision('User:erin', 'WRITE')).toBe('allowed')
  }, 120_000)

  it('sets a quota', async () => {
    await go(e.page, '/security/quotas')
    await e.page.getByTestId('quota-user').fill('erin')
    await e.page.getByTestId('quota-producer_byte_rate').fill('1048576')
    await e.page.getByTestId('quota-save').click()
    const row = e.page.locator('[data-testid="quotas-table"] tr[data-entity="user=erin"]')
    await row.waitFor()
    expect(await row.locator('td[data-key="producer_byte_rate"]').textContent()).toContain('1.0 MiB/s')
  }, 60_000)

  it('lays out at 1024x700 and 1920x1080, light and dark', async () => {
    await go(e.page, '/security/access')
    await e.page.getByTestId('access-table').waitFor()
    // The toasts of the steps before would cover the tables in the screenshots.
    await e.page.addStyleTag({ content: '.toasts { display: none !important; }' })
    for (const [w, h] of [
      [1024, 700],
      [1920, 1080],
    ] as const)
      for (const scheme of ['light', 'dark'] as const) {
        await e.page.setViewportSize({ width: w, height: h })
        await e.page.emulateMedia({ colorScheme: scheme })
        for (const tab of ['acls', 'access', 'users', 'quotas']) {
          await go(e.page, `/security/${tab}`)
          await e.page.locator('.tabs button.active').waitFor()
          await e.page.waitForTimeout(300)
          // Nothing scrolls sideways.
          expect(await e.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
          await e.shot(`security-${tab}-${w}x${h}-${scheme}`)
        }
      }
    expect(e.pageErrors).toEqual([])
  }, 120_000)

  it('says plainly that a principal without permission is refused', async () => {
    await go(e.page, '/connections')
    await e.page.getByTestId('add-connection').click()
    await e.page.getByTestId('conn-name').fill('secured as alice')
    await e.page.getByTestId('conn-bootstrap').fill(target.at.SASL_PLAINTEXT)
    const auth = e.page.locator('fieldset', { hasText: 'Authentication' })
    await auth.getByLabel('SASL').check()
    await auth.getByLabel('Mechanism').selectOption('plain')
    await auth.getByLabel('Username').fill('alice')
    await auth.getByLabel('Password').fill('alice-secret')
    await e.page.getByTestId('conn-save').click()
    await e.page.getByTestId('test-result').waitFor({ timeout: 20_000 })
    await e.page.getByTestId('active-connection').selectOption({ label: 'secured as alice' })

    await go(e.page, '/security/acls')
    const refused = e.page.locator('.inline-error', { hasText: 'CLUSTER_AUTHORIZATION_FAILED' })
    await refused.waitFor()
    expect(await refused.textContent()).toContain('not allowed')
    await go(e.page, '/security/users')
    await e.page.locator('.inline-error', { hasText: 'CLUSTER_AUTHORIZATION_FAILED' }).waitFor()
    await e.shot('security-refused-1920x1080-light')
  }, 90_000)
})
