// OAUTHBEARER connection profiles through the console, on the secured target with OAUTHBEARER
// enabled on its SASL listeners (Kafka's unsecured validator, as in security-oauth.test.ts): the
// embedded cluster, or Apache Kafka 4.1 with KAFKADESK_TARGET=kafka. An unsecured-JWT profile
// connects and lists topics as its principal; an OIDC client-credentials profile fetches its token
// from a token endpoint this test serves on 127.0.0.1 (a stand-in identity provider issuing
// unsecured JWTs the broker accepts), reuses it, and fetches a new one near its expiry; an expired
// token and an endpoint refusing the client are each diagnosed plainly.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectionInput } from '../../src-main/ipc/contract'
import { OAuthBearerTokens, unsecuredJwt } from '../../src-main/console/oauth-token'
import { startSecureConsole, type SecureConsole } from './security-fixture'
import { uniqueName } from './setup'
import { targetKind } from '../interop/target'

const JAAS = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";'

let sc: SecureConsole
let idp: Server
let tokenUrl: string
let topic: string
/** What the token endpoint was asked: the Basic credentials and the form. */
const tokenRequests: { clientId: string; secret: string; form: URLSearchParams }[] = []
/** Client ids the endpoint knows, with their secret and the token it issues them. */
const CLIENTS: Record<string, { secret: string; sub: string; lifetimeSec: number; expiresIn: number }> = {
  'console-app': { secret: 'app-secret', sub: 'admin', lifetimeSec: 3600, expiresIn: 3600 },
  'short-lived': { secret: 'short-secret', sub: 'admin', lifetimeSec: 3600, expiresIn: 1 },
  // Issues tokens that expired an hour ago: the broker's validator refuses them.
  'stale-app': { secret: 'stale-secret', sub: 'admin', lifetimeSec: -3600, expiresIn: 3600 },
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

beforeAll(async () => {
  idp = createServer(async (req, res) => {
    const form = new URLSearchParams(await readBody(req))
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')
    const [id, secret] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').map(decodeURIComponent) : ['', '']
    tokenRequests.push({ clientId: id!, secret: secret!, form })
    const client = CLIENTS[id!]
    res.setHeader('content-type', 'application/json')
    if (req.method !== 'POST' || form.get('grant_type') !== 'client_credentials') {
      res.writeHead(400).end(JSON.stringify({ error: 'unsupported_grant_type' }))
      return
    }
    if (!client || client.secret !== secret) {
      res.writeHead(401).end(JSON.stringify({ error: 'invalid_client', error_description: 'client authentication failed' }))
      return
    }
    const now = Date.now()
    const token = unsecuredJwt(client.sub, client.lifetimeSec, form.get('scope') ?? undefined, now)
    res.writeHead(200).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: client.expiresIn }))
  })
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve))
  tokenUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/oauth2/token`
  sc = await startSecureConsole({
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
    'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': JAAS,
    'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config': JAAS,
  })
  topic = uniqueName('oauth-topic')
  await sc.call('topics.create', { connectionId: sc.admin, topic, partitions: 1, replicationFactor: 1 })
}, 240_000)

afterAll(async () => {
  await sc?.stop()
  await new Promise((resolve) => idp?.close(resolve))
})

function profile(name: string, oauth: NonNullable<ConnectionInput['sasl']>['oauth']): ConnectionInput {
  return { name, bootstrapServers: [sc.target.at.SASL_PLAINTEXT], sasl: { mechanism: 'oauthbearer', username: '', oauth } }
}

describe(`OAUTHBEARER connection profiles (${targetKind()})`, () => {
  it('an unsecured-JWT profile connects and lists topics as its principal', async () => {
    const saved = await sc.call('connections.save', profile('oauth unsecured', { kind: 'unsecured-jwt', principal: 'admin', lifetimeSeconds: 600 }))
    expect(saved.connection.sasl).toMatchObject({ mechanism: 'oauthbearer', oauth: { kind: 'unsecured-jwt', principal: 'admin', lifetimeSeconds: 600 } })
    const id = saved.connection.id
    const test = await sc.call('connections.test', { id })
    expect(test.diagnosis, test.message).toBe('OK')
    expect(test.brokers.length).toBe(1)
    const { topics } = await sc.call('topics.list', { connectionId: id, includeInternal: false })
    expect(topics.map((t) => t.name)).toContain(topic)
  }, 120_000)

  it('an unsecured JWT for a principal without ACLs authenticates but sees no topics', async () => {
    // The same token source as principal carol, who has no ACLs: authenticated, yet authorized for nothing.
    const id = (await sc.call('connections.save', profile('oauth carol', { kind: 'unsecured-jwt', principal: 'carol' }))).connection.id
    const test = await sc.call('connections.test', { id })
    expect(test.diagnosis, test.message).toBe('OK')
    const { topics } = await sc.call('topics.list', { connectionId: id, includeInternal: false })
    expect(topics.map((t) => t.name)).not.toContain(topic)
  }, 120_000)

  it('an OIDC client-credentials profile fetches its token from the endpoint and connects', async () => {
    const before = tokenRequests.length
    const saved = await sc.call(
      'connections.save',
      profile('oauth oidc', { kind: 'oidc', tokenEndpointUrl: tokenUrl, clientId: 'console-app', clientSecret: 'app-secret', scope: 'kafka' }),
    )
    // The client secret is a secret: stored, not echoed.
    expect(saved.connection.sasl?.oauth).toEqual({ kind: 'oidc', tokenEndpointUrl: tokenUrl, clientId: 'console-app', scope: 'kafka', hasClientSecret: true })
    const id = saved.connection.id
    const test = await sc.call('connections.test', { id })
    expect(test.diagnosis, test.message).toBe('OK')
    const { topics } = await sc.call('topics.list', { connectionId: id, includeInternal: false })
    expect(topics.map((t) => t.name)).toContain(topic)
    const asked = tokenRequests.slice(before)
    expect(asked.length).toBeGreaterThanOrEqual(2) // the connection test, then the session
    for (const r of asked) {
      expect(r).toMatchObject({ clientId: 'console-app', secret: 'app-secret' })
      expect(r.form.get('grant_type')).toBe('client_credentials')
      expect(r.form.get('scope')).toBe('kafka')
    }
  }, 120_000)

  it('reuses a token until most of its lifetime has passed, then fetches a new one', async () => {
    const tokens = new OAuthBearerTokens({ kind: 'oidc', tokenEndpointUrl: tokenUrl, clientId: 'short-lived', clientSecret: 'short-secret' })
    const before = tokenRequests.length
    const first = await tokens.token()
    expect(await tokens.token()).toBe(first)
    expect(tokenRequests.length - before).toBe(1)
    // expires_in 1 s: past 80% of it, the next call asks the endpoint again.
    await new Promise((r) => setTimeout(r, 1_100))
    await tokens.token()
    expect(tokenRequests.length - before).toBe(2)
  })

  it('an expired token is diagnosed AUTH_FAILURE with the broker’s answer', async () => {
    const result = await sc.call('connections.test', {
      connection: profile('oauth stale', { kind: 'oidc', tokenEndpointUrl: tokenUrl, clientId: 'stale-app', clientSecret: 'stale-secret' }),
    })
    expect(result.ok).toBe(false)
    expect(result.diagnosis).toBe('AUTH_FAILURE')
    expect(result.message).toContain('invalid_token')
  }, 60_000)

  it('opening a connection whose token the broker refuses fails with the broker’s answer', async () => {
    const id = (
      await sc.call(
        'connections.save',
        profile('oauth stale saved', { kind: 'oidc', tokenEndpointUrl: tokenUrl, clientId: 'stale-app', clientSecret: 'stale-secret' }),
      )
    ).connection.id
    const err = await sc.fails('connections.open', { connectionId: id })
    expect(err.message).toContain('invalid_token')
    // Refused, the session is not left open as if connected.
    const { connections } = await sc.call('connections.list', {})
    expect(connections.find((c) => c.id === id)?.open).toBe(false)
    const listed = await sc.fails('topics.list', { connectionId: id, includeInternal: false })
    expect(listed.message).toContain('invalid_token')
  }, 60_000)

  it('a token endpoint refusing the client is named with its HTTP status', async () => {
    const result = await sc.call('connections.test', {
      connection: profile('oauth wrong secret', { kind: 'oidc', tokenEndpointUrl: tokenUrl, clientId: 'console-app', clientSecret: 'wrong' }),
    })
    expect(result.diagnosis).toBe('AUTH_FAILURE')
    expect(result.message).toContain(tokenUrl)
    expect(result.message).toContain('HTTP 401')
    expect(result.message).toContain('invalid_client')
  }, 60_000)

  it('an unreachable token endpoint is named with the network error', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise((resolve) => probe.close(resolve))
    const url = `http://127.0.0.1:${port}/token`
    const result = await sc.call('connections.test', {
      connection: profile('oauth no idp', { kind: 'oidc', tokenEndpointUrl: url, clientId: 'console-app', clientSecret: 'app-secret' }),
    })
    expect(result.diagnosis).toBe('UNREACHABLE')
    expect(result.message).toContain(url)
    expect(result.message).toContain('ECONNREFUSED')
  }, 60_000)

  it('refuses an OAUTHBEARER profile without a token source', async () => {
    const err = await sc.fails('connections.save', {
      name: 'oauth nothing',
      bootstrapServers: [sc.target.at.SASL_PLAINTEXT],
      sasl: { mechanism: 'oauthbearer', username: '' },
    })
    expect(err.code).toBe('VALIDATION')
    expect(err.field).toBe('sasl.oauth')
  })
})
