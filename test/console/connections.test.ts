// Saved connections, secrets at rest, connection diagnosis, and the embedded cluster's
// per-broker control and client activity.
import { createServer, type Server } from 'node:net'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionManager } from '../../src-main/console/connections'
import { FileSecrets, SafeStorageSecrets } from '../../src-main/console/secrets'
import { codecFor } from '../../src-main/broker/protocol/codecs'
import { Reader } from '../../src-main/broker/protocol/reader'
import { Writer } from '../../src-main/broker/protocol/writer'
import { readRequestHeader } from '../../src-main/broker/protocol/header'
import { startHarness, uniqueName, waitFor, type Harness } from './setup'

let h: Harness
let tmp: string
beforeAll(async () => {
  h = await startHarness({ brokers: 3 })
  tmp = mkdtempSync(join(tmpdir(), 'kafkadesk-conn-'))
})
afterAll(async () => {
  await h?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

describe('saved connections and secrets', () => {
  it('keeps passwords and keys out of connections.json; the web-mode file is 0600', async () => {
    const dir = join(tmp, 'web')
    const secrets = new FileSecrets(dir)
    const m = new ConnectionManager({ dataDir: dir, secrets, embeddedBootstrap: () => null })
    const { connection, warnings } = await m.save({
      name: 'prod',
      bootstrapServers: ['kafka-1.example:9093'],
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'hunter2-secret' },
      tls: { enabled: true, ca: '-----BEGIN CERTIFICATE-----', key: 'PRIVATE-KEY-TEXT', skipVerify: true },
    })
    expect(connection).toMatchObject({ kind: 'remote', sasl: { username: 'alice', hasPassword: true }, tls: { hasKey: true, skipVerify: true } })
    expect(warnings[0]).toMatch(/verification is off/)
    const stored = readFileSync(join(dir, 'connections.json'), 'utf8')
    expect(stored).not.toContain('hunter2-secret')
    expect(stored).not.toContain('PRIVATE-KEY-TEXT')
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600)
    expect(secrets.status()).toMatchObject({ backend: 'file-0600', encrypted: false })
    expect(secrets.status().note).toMatch(/0600/)

    // A restart sees the connection and its secrets; saving without a password keeps it.
    const m2 = new ConnectionManager({ dataDir: dir, secrets: new FileSecrets(dir), embeddedBootstrap: () => null })
    expect(m2.resolve(connection.id).password).toBe('hunter2-secret')
    await m2.save({ id: connection.id, name: 'prod 2', bootstrapServers: ['kafka-1.example:9093'], sasl: { mechanism: 'scram-sha-512', username: 'alice' } })
    expect(m2.resolve(connection.id)).toMatchObject({ name: 'prod 2', password: 'hunter2-secret' })
    expect(m2.list().map((c) => c.id)).toEqual(['embedded', connection.id])
    expect(await m2.delete(connection.id)).toBe(true)
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).not.toContain('hunter2-secret')
  })

  it('encrypts with safeStorage on the desktop', async () => {
    const dir = join(tmp, 'desktop')
    const fake = {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(`enc:${Buffer.from(s).toString('hex')}`),
      decryptString: (b: Buffer) => Buffer.from(b.toString().slice(4), 'hex').toString(),
    }
    const secrets = new SafeStorageSecrets(dir, fake)
    secrets.set('conn:x:sasl.password', 'top-secret')
    expect(readFileSync(join(dir, 'secrets.enc.json'), 'utf8')).not.toContain('top-secret')
    expect(new SafeStorageSecrets(dir, fake).get('conn:x:sasl.password')).toBe('top-secret')
    expect(secrets.status()).toMatchObject({ backend: 'electron-safe-storage', encrypted: true })
  })
})

/** A fake broker that answers ApiVersions and Metadata, advertising an address nobody listens on. */
async function fakeBroker(advertisedPort: number): Promise<{ server: Server; port: number }> {
  const server = createServer((sock) => {
    let buf = Buffer.alloc(0)
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0))
        buf = buf.subarray(4 + frame.length)
        const r = new Reader(frame)
        const hdr = readRequestHeader(r)
        const w = new Writer()
        w.int32(0)
        w.int32(hdr.correlationId)
        if (hdr.apiKey === 18) {
          codecFor(18)
            .response.at(0)
            .encode(w, {
              errorCode: 0,
              apiKeys: [
                { apiKey: 18, minVersion: 0, maxVersion: 3 },
                { apiKey: 3, minVersion: 0, maxVersion: 1 },
              ],
            })
        } else if (hdr.apiKey === 3) {
          codecFor(3)
            .response.at(hdr.apiVersion)
            .encode(w, { brokers: [{ nodeId: 1, host: '127.0.0.1', port: advertisedPort, rack: null }], controllerId: 1, topics: [] })
        } else return sock.destroy()
        const chunks = w.finish()
        chunks[0]!.writeInt32BE(w.length - 4, 0)
        for (const c of chunks) sock.write(c)
      }
    })
    sock.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { server, port: (server.address() as { port: number }).port }
}

async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

describe('connection test', () => {
  it('diagnoses OK, unreachable, TLS failure and advertised-listener mismatch', async () => {
    const ok = await h.call('connections.test', { connection: { name: 'x', bootstrapServers: h.bootstrap.split(',').slice(0, 1) } })
    expect(ok).toMatchObject({ ok: true, diagnosis: 'OK' })
    expect(ok.brokers.length).toBe(h.kind === 'embedded' ? 3 : (await h.call('cluster.overview', { connectionId: h.connectionId })).brokers.length)
    expect(ok.brokers.every((b) => b.reachable)).toBe(true)

    const port = await closedPort()
    const down = await h.call('connections.test', { connection: { name: 'x', bootstrapServers: [`127.0.0.1:${port}`] } })
    expect(down).toMatchObject({ ok: false, diagnosis: 'UNREACHABLE' })
    expect(down.message).toContain(`127.0.0.1:${port}`)

    const tls = await h.call('connections.test', {
      connection: { name: 'x', bootstrapServers: h.bootstrap.split(',').slice(0, 1), tls: { enabled: true }, connectionTimeoutMs: 3000 },
    })
    expect(tls).toMatchObject({ ok: false, diagnosis: 'TLS_FAILURE' })

    const fake = await fakeBroker(await closedPort())
    try {
      const mismatch = await h.call('connections.test', { connection: { name: 'x', bootstrapServers: [`127.0.0.1:${fake.port}`] } })
      expect(mismatch).toMatchObject({ ok: false, diagnosis: 'ADVERTISED_LISTENER_MISMATCH' })
      expect(mismatch.message).toMatch(/advertised\.listeners/)
    } finally {
      fake.server.close()
    }
  })

  it('opens and closes a saved connection to the same cluster', async () => {
    const saved = await h.call('connections.save', { name: 'same cluster', bootstrapServers: h.bootstrap.split(',') })
    const open = await h.call('connections.open', { connectionId: saved.connection.id })
    expect(open.brokers).toBe(h.kind === 'embedded' ? 3 : (await h.call('cluster.overview', { connectionId: h.connectionId })).brokers.length)
    expect((await h.call('connections.list', {})).connections.find((c) => c.id === saved.connection.id)?.open).toBe(true)
    expect(await h.call('connections.close', { connectionId: saved.connection.id })).toEqual({ closed: true })
    expect(h.events.of('cluster.event').some((e) => e.type === 'connection' && e.connectionId === saved.connection.id && e.state === 'closed')).toBe(true)
    const missing = await h.tryCall('cluster.overview', { connectionId: 'no-such-connection' })
    expect(missing.ok === false && missing.error).toMatchObject({ code: 'NOT_FOUND', field: 'connectionId' })
  })
})

describe('embedded cluster', () => {
  it('reports per-broker state, stops/kills/starts brokers and records client activity', async (ctx) => {
    if (h.kind !== 'embedded') return ctx.skip()
    const st = await h.call('embedded.status', {})
    expect(st).toMatchObject({ state: 'running', connectionId: 'embedded' })
    expect(st.brokers.map((b) => b.state)).toEqual(['running', 'running', 'running'])

    const topic = uniqueName('t-emb')
    await h.call('topics.create', { connectionId: 'embedded', topic, partitions: 3, replicationFactor: 3 })
    await h.call('produce.send', { connectionId: 'embedded', topic, messages: [{ value: { format: 'string', data: 'hello' } }] })

    const act = await h.call('embedded.activity', {})
    expect(act.clients.some((c) => c.clientId === 'kafkadesk' && (c.requests.Produce ?? 0) > 0)).toBe(true)
    const one = await h.call('embedded.activity', { nodeId: 1 })
    expect(one.clients.every((c) => c.nodeId === 1)).toBe(true)

    const stopped = await h.call('embedded.broker.stop', { nodeId: 3 })
    expect(stopped.brokers.find((b) => b.nodeId === 3)?.state).toBe('stopped')
    expect(h.events.of('cluster.event').some((e) => e.type === 'broker' && e.nodeId === 3 && e.state === 'stopped')).toBe(true)
    const o = await waitFor(
      async () => {
        const x = await h.call('cluster.overview', { connectionId: 'embedded' })
        return x.brokers.length === 2 && x
      },
      15_000,
      'two brokers in metadata',
    )
    expect(o.brokers.map((b) => b.nodeId)).toEqual([1, 2])

    const killed = await h.call('embedded.broker.kill', { nodeId: 2 })
    expect(killed.brokers.find((b) => b.nodeId === 2)?.state).toBe('killed')

    await h.call('embedded.broker.start', { nodeId: 3 })
    const back = await h.call('embedded.broker.start', { nodeId: 2 })
    expect(back.brokers.map((b) => b.state)).toEqual(['running', 'running', 'running'])
    await waitFor(async () => (await h.call('cluster.overview', { connectionId: 'embedded' })).brokers.length === 3, 15_000, 'three brokers again')
    const missing = await h.tryCall('embedded.broker.stop', { nodeId: 9 })
    expect(missing.ok === false && missing.error).toMatchObject({ code: 'NOT_FOUND', field: 'nodeId' })
  })

  it('stops and starts the whole cluster, emitting cluster events', async (ctx) => {
    if (h.kind !== 'embedded') return ctx.skip()
    const stopped = await h.call('embedded.stop', {})
    expect(stopped.state).toBe('stopped')
    const err = await h.tryCall('topics.list', { connectionId: 'embedded' })
    expect(err.ok === false && err.error.code).toBe('CONNECTION')
    const started = await h.call('embedded.start', {})
    expect(started.state).toBe('running')
    expect((await h.call('topics.list', { connectionId: 'embedded' })).topics.length).toBeGreaterThan(0)
    const states = h.events
      .of('cluster.event')
      .filter((e) => e.type === 'embedded')
      .map((e) => (e.type === 'embedded' ? e.status.state : ''))
    expect(states).toEqual(expect.arrayContaining(['stopping', 'stopped', 'starting', 'running']))
    expect(existsSync(started.dataDir!)).toBe(true)
  })
})
