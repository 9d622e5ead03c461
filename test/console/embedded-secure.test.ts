// The console's embedded cluster started secured, as the card's "Secured" option asks through
// embedded.start {secure: true}: the same listeners as `kafkadesk cluster --secure` (PLAINTEXT,
// SSL, SASL_PLAINTEXT, SASL_SSL), and the status carries each listener's bootstrap and the client
// settings. A kafkajs client following those settings (the CA file, user admin, its password,
// SCRAM-SHA-256 over SASL_SSL) produces and reads back; a wrong password is refused.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedService } from '../../src-main/console/embedded'
import type { EmbeddedStatus, Handlers } from '../../src-main/ipc/contract'
import { dispatch } from '../../src-main/ipc/contract/dispatch'
import { expectSaslSslRoundTrip } from '../helpers/secured-client'
import { embeddedHandlers } from '../../src-main/ipc/embedded-control'

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-embedded-secure-'))
const service = new EmbeddedService({ dataDir: join(dir, 'cluster'), brokers: 1 })
const handlers = embeddedHandlers(service) as Handlers
let status: EmbeddedStatus

/** A call as the UI makes it: validated against the channel's schema, then handled. */
async function call(channel: 'embedded.start' | 'embedded.stop', req: object): Promise<EmbeddedStatus> {
  const r = await dispatch(handlers, channel, req, { sink: { emit: () => {} }, clientId: 'test' })
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`)
  return r.value as EmbeddedStatus
}

beforeAll(async () => {
  status = await call('embedded.start', { secure: true })
}, 120_000)

afterAll(async () => {
  await service.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('the console embedded cluster started secured', () => {
  it('reports every listener and the client settings', () => {
    expect(status.state).toBe('running')
    const security = status.security!
    expect(security.listeners.map((l) => l.name).sort()).toEqual(['PLAINTEXT', 'SASL_PLAINTEXT', 'SASL_SSL', 'SSL'])
    const saslSsl = security.listeners.find((l) => l.name === 'SASL_SSL')!.bootstrap
    expect(saslSsl).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(security.clientSettings).toContain(`bootstrap.servers=${saslSsl}`)
    expect(security.clientSettings).toContain(security.caPath)
    expect(readFileSync(security.caPath, 'utf8')).toContain('BEGIN CERTIFICATE')
    // The console's own connection stays on the PLAINTEXT listener.
    expect(status.bootstrap).toBe(security.listeners.find((l) => l.name === 'PLAINTEXT')!.bootstrap)
  })

  it('a client with those settings produces and reads over SASL_SSL, and a wrong password is refused', async () => {
    await expectSaslSslRoundTrip(status.security!, 'embedded-secure')
  }, 60_000)

  it('keeps the choice across a stop and start, and starts plain when asked', async () => {
    await call('embedded.stop', {})
    const again = await call('embedded.start', {})
    expect(again.security?.listeners).toHaveLength(4)
    await call('embedded.stop', {})
    const plain = await call('embedded.start', { secure: false })
    expect(plain.state).toBe('running')
    expect(plain.security).toBeUndefined()
  }, 120_000)
})
