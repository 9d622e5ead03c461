// The web-mode binding on its own, with stand-in handlers: token, headers, static files,
// message framing, validation through the contract, events. web.test.ts runs the real
// console with the embedded cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import WebSocket from 'ws'
import { channelNames, type Handlers } from '../../src-main/ipc/contract'
import { startWebServer, tokenMatches, type WebServer } from '../../src-main/ipc/web'

const calls: string[] = []
const gone: string[] = []
const handlers = Object.fromEntries(
  channelNames.map((c) => [
    c,
    async (req: unknown, ctx: { sink: { emit: (e: string, p: unknown) => void }; clientId: string }) => {
      calls.push(c)
      if (c === 'connections.list') return { connections: [] }
      if (c === 'messages.tailStart') {
        ctx.sink.emit('tail.status', { tailId: 't1', state: 'running' })
        return { tailId: 't1' }
      }
      if (c === 'topics.delete') throw Object.assign(new Error('no such topic'), { name: 'ContractError', code: 'NOT_FOUND' })
      return { echo: req, clientId: ctx.clientId }
    },
  ]),
) as unknown as Handlers

let dir: string
let server: WebServer

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

type Reply = { id: unknown; ok: boolean; result?: unknown; error?: { code: string; message: string; field?: string } }

function connect(query = `?token=${server.token}`, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

function rpc(ws: WebSocket, message: unknown): Promise<Reply> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString())
      if ('event' in m) return
      ws.off('message', onMessage)
      resolve(m)
    }
    ws.on('message', onMessage)
    ws.send(typeof message === 'string' ? message : JSON.stringify(message))
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-web-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>')
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(dir, '..', 'kafkadesk-web-secret.txt'), 'outside')
  server = await startWebServer({ handlers, rendererDir: dir, port: 0, onClientGone: (id) => gone.push(id) })
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
  rmSync(join(dir, '..', 'kafkadesk-web-secret.txt'), { force: true })
})

describe('token', () => {
  it('is random per launch, long, and in the printed URL on 127.0.0.1', async () => {
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    const other = await startWebServer({ handlers, rendererDir: dir })
    expect(other.token).not.toBe(server.token)
    await other.close()
  })

  it('compares exactly', () => {
    expect(tokenMatches(server.token, server.token)).toBe(true)
    expect(tokenMatches(server.token.slice(0, -1), server.token)).toBe(false)
    expect(tokenMatches(server.token + 'x', server.token)).toBe(false)
    expect(tokenMatches('', server.token)).toBe(false)
    expect(tokenMatches(undefined, server.token)).toBe(false)
  })

  it('serves the built renderer without the token (it holds no secret), and never sets a cookie', async () => {
    for (const path of ['/', '/index.html', '/?token=wrong', `/?token=${server.token}`]) {
      const page = await get(path)
      expect(page.status, path).toBe(200)
      expect(page.body).toContain('id="app"')
      expect(page.headers['set-cookie'], path).toBeUndefined()
    }
    const asset = await get('/assets/app.js')
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toMatch(/text\/javascript/)
  })

  it('clears the port-blind cookie an earlier version set', async () => {
    const page = await get('/', { cookie: `kafkadesk_token=${server.token}` })
    expect(page.status).toBe(200)
    expect(String(page.headers['set-cookie'])).toMatch(/^kafkadesk_token=; Path=\/; Max-Age=0/)
  })

  it('survives malformed URLs', async () => {
    expect((await get('/%E0%A4%A')).status).toBe(400)
    expect((await get('/')).status).toBe(200)
  })

  it('a foreign Host header is refused (DNS rebinding)', async () => {
    expect((await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(403)
    expect((await get('/assets/app.js', { host: `evil.example:${server.port}` })).status).toBe(403)
  })

  it('WebSocket without, with an empty or with a wrong token is refused', async () => {
    await expect(connect('')).rejects.toThrow(/401/)
    await expect(connect('?token=')).rejects.toThrow(/401/)
    await expect(connect('?token=nope')).rejects.toThrow(/401/)
    await expect(connect(`?token=${server.token.toUpperCase()}`)).rejects.toThrow(/401/)
  })

  it('WebSocket takes the token as a subprotocol value and selects only `kafkadesk`', async () => {
    const open = (protocols: string[]): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, protocols)
        ws.once('open', () => resolve(ws))
        ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
        ws.once('error', reject)
      })
    const ws = await open(['kafkadesk', `kafkadesk.token.${server.token}`])
    expect(ws.protocol).toBe('kafkadesk')
    expect(await rpc(ws, { id: 1, channel: 'connections.list', payload: {} })).toMatchObject({ id: 1, ok: true })
    ws.close()
    await expect(open(['kafkadesk', 'kafkadesk.token.wrong'])).rejects.toThrow(/401/)
    await expect(open(['kafkadesk'])).rejects.toThrow(/401/)
    // A wrong subprotocol token is not rescued by a right one in the URL.
    await expect(connect(`?token=${server.token}`, { 'sec-websocket-protocol': 'kafkadesk, kafkadesk.token.nope' })).rejects.toThrow(/401/)
  })

  it('WebSocket with a cookie but no token is refused', async () => {
    await expect(connect('', { cookie: `kafkadesk_token=${server.token}` })).rejects.toThrow(/401/)
  })

  it('WebSocket with the token but a foreign Host is refused (DNS rebinding)', async () => {
    await expect(connect(`?token=${server.token}`, { host: `evil.example:${server.port}` })).rejects.toThrow(/401|403/)
  })

  it('WebSocket from a foreign origin is refused even with the token', async () => {
    await expect(connect(`?token=${server.token}`, { origin: 'http://evil.example' })).rejects.toThrow(/403/)
    const ws = await connect(`?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` })
    ws.close()
  })
})

describe('HTTP', () => {
  it('sends a strict CSP and hardening headers', async () => {
    const page = await get(`/?token=${server.token}`)
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/script-src[^;]*unsafe/)
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`)
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['cache-control']).toBe('no-store')
  })

  it('does not leave the renderer folder', async () => {
    const t = `token=${server.token}`
    for (const p of ['/../kafkadesk-web-secret.txt', '/%2e%2e/kafkadesk-web-secret.txt', '/assets/..%2f..%2fkafkadesk-web-secret.txt']) {
      const r = await get(`${p}?${t}`)
      expect(r.body).not.toContain('outside')
    }
  })

  it('serves the app page for client-side routes and 404 for missing assets', async () => {
    expect((await get(`/topics/x?token=${server.token}`)).body).toContain('id="app"')
    expect((await get(`/assets/missing.js?token=${server.token}`)).status).toBe(404)
  })
})

describe('WebSocket contract', () => {
  it('calls a channel and answers {id, ok, result}', async () => {
    const ws = await connect()
    expect(await rpc(ws, { id: 1, channel: 'connections.list', payload: {} })).toEqual({ id: 1, ok: true, result: { connections: [] } })
    expect(await rpc(ws, { id: 'b', channel: 'connections.list' })).toEqual({ id: 'b', ok: true, result: { connections: [] } })
    ws.close()
  })

  it('invalid payloads get VALIDATION naming the field, without reaching the handler; the server keeps serving', async () => {
    const ws = await connect()
    const before = calls.length
    const r1 = await rpc(ws, {
      id: 1,
      channel: 'topics.create',
      payload: { connectionId: 'embedded', topic: 'bad topic!', partitions: 1, replicationFactor: 1 },
    })
    expect(r1).toMatchObject({ id: 1, ok: false, error: { code: 'VALIDATION', field: 'topic' } })
    const r2 = await rpc(ws, { id: 2, channel: 'topics.create', payload: { connectionId: 'embedded', topic: 't', partitions: 0, replicationFactor: 1 } })
    expect(r2).toMatchObject({ id: 2, ok: false, error: { code: 'VALIDATION', field: 'partitions' } })
    const r3 = await rpc(ws, { id: 3, channel: 'connections.list', payload: { extra: true } })
    expect(r3).toMatchObject({ id: 3, ok: false, error: { code: 'VALIDATION' } })
    const r4 = await rpc(ws, { id: 4, channel: 'topics.list', payload: 'not an object' })
    expect(r4).toMatchObject({ id: 4, ok: false, error: { code: 'VALIDATION' } })
    expect(calls.length).toBe(before)
    expect(await rpc(ws, { id: 5, channel: 'connections.list', payload: {} })).toMatchObject({ id: 5, ok: true })
    ws.close()
  })

  it('unknown channels get a clear error', async () => {
    const ws = await connect()
    const r = await rpc(ws, { id: 1, channel: 'nope.nothing', payload: {} })
    expect(r).toMatchObject({ id: 1, ok: false, error: { code: 'VALIDATION', field: 'channel' } })
    expect(r.error?.message).toMatch(/unknown channel nope\.nothing/)
    const proto = await rpc(ws, { id: 2, channel: '__proto__', payload: {} })
    expect(proto).toMatchObject({ id: 2, ok: false, error: { field: 'channel' } })
    ws.close()
  })

  it('malformed messages get BAD_MESSAGE and the socket stays open', async () => {
    const ws = await connect()
    expect(await rpc(ws, '{not json')).toMatchObject({ id: null, ok: false, error: { code: 'BAD_MESSAGE' } })
    expect(await rpc(ws, '[1,2]')).toMatchObject({ id: null, ok: false, error: { code: 'BAD_MESSAGE' } })
    expect(await rpc(ws, { channel: 'connections.list' })).toMatchObject({ id: null, ok: false, error: { code: 'BAD_MESSAGE', field: 'id' } })
    expect(await rpc(ws, { id: 7, channel: 42 })).toMatchObject({ id: 7, ok: false, error: { code: 'BAD_MESSAGE', field: 'channel' } })
    expect(await rpc(ws, { id: 8, channel: 'connections.list', payload: {} })).toMatchObject({ id: 8, ok: true })
    ws.close()
  })

  it('handler errors come back as {code, message}', async () => {
    const ws = await connect()
    expect(await rpc(ws, { id: 1, channel: 'topics.delete', payload: { connectionId: 'c', topics: ['x'] } })).toEqual({
      id: 1,
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no such topic' },
    })
    ws.close()
  })

  it('events reach the calling socket as {event, payload}', async () => {
    const ws = await connect()
    const event = new Promise<unknown>((resolve) =>
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString())
        if ('event' in m) resolve(m)
      }),
    )
    const r = await rpc(ws, { id: 1, channel: 'messages.tailStart', payload: { connectionId: 'c', topic: 't' } })
    expect(r).toMatchObject({ ok: true, result: { tailId: 't1' } })
    expect(await event).toEqual({ event: 'tail.status', payload: { tailId: 't1', state: 'running' } })
    ws.close()
  })

  it('each socket is its own client, released when it closes', async () => {
    const a = await connect()
    const b = await connect()
    const ra = await rpc(a, { id: 1, channel: 'secrets.status', payload: {} })
    const rb = await rpc(b, { id: 1, channel: 'secrets.status', payload: {} })
    const ida = (ra.result as { clientId: string }).clientId
    const idb = (rb.result as { clientId: string }).clientId
    expect(ida).not.toBe(idb)
    a.close()
    await new Promise((r) => setTimeout(r, 100))
    expect(gone).toContain(ida)
    expect(gone).not.toContain(idb)
    b.close()
  })
})

describe('broadcast', () => {
  it('reaches every open socket', async () => {
    const { Broadcast } = await import('../../src-main/ipc/broadcast')
    const broadcast = new Broadcast()
    const s = await startWebServer({ handlers, rendererDir: dir, broadcast })
    const open = (): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws?token=${s.token}`)
        ws.once('open', () => resolve(ws))
        ws.once('error', reject)
      })
    const [a, b] = [await open(), await open()]
    const next = (ws: WebSocket) => new Promise<unknown>((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))))
    const got = Promise.all([next(a), next(b)])
    const payload = { type: 'broker' as const, at: 1, nodeId: 2, state: 'stopped' as const }
    broadcast.emit('cluster.event', payload)
    expect(await got).toEqual([
      { event: 'cluster.event', payload },
      { event: 'cluster.event', payload },
    ])
    a.close()
    b.close()
    await s.close()
  })
})
