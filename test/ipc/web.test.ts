// Web mode end to end: `kafkadesk serve --embedded` started in-process (the console's real
// handlers, a real embedded cluster), called over WebSocket the way the renderer calls it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { parseServeArgs, startServe, UsageError, type RunningServe } from '../../src-main/cli/serve'
import { EMBEDDED_CONNECTION_ID } from '../../src-main/ipc/contract'

type Reply = { id: number; ok: boolean; result?: any; error?: { code: string; message: string; field?: string } }

let dataDir: string
let running: RunningServe

class Client {
  private nextId = 1
  private pending = new Map<number, (r: Reply) => void>()
  readonly events: Array<{ event: string; payload: any }> = []
  private waiters: Array<() => void> = []
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString())
      if ('event' in m) {
        this.events.push(m)
        for (const w of this.waiters.splice(0)) w()
      } else this.pending.get(m.id)?.(m)
    })
  }
  static open(url: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      ws.once('open', () => resolve(new Client(ws)))
      ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)))
      ws.once('error', reject)
    })
  }
  call(channel: string, payload: unknown): Promise<Reply> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      this.ws.send(JSON.stringify({ id, channel, payload }))
    })
  }
  async waitEvent(pred: (e: { event: string; payload: any }) => boolean, timeoutMs = 20_000): Promise<{ event: string; payload: any }> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.events.find(pred)
      if (found) return found
      if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(this.events.map((e) => e.event))}`)
      await new Promise<void>((r) => {
        this.waiters.push(r)
        setTimeout(r, 200)
      })
    }
  }
  close() {
    this.ws.close()
  }
}

const wsUrl = (token = running.web.token) => `ws://127.0.0.1:${running.web.port}/ws?token=${encodeURIComponent(token)}`

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-serve-'))
  running = await startServe({
    ...parseServeArgs(['--embedded', '--brokers', '1', '--cluster-port', '0', '--data-dir', dataDir]),
    rendererDir: join(dataDir, 'no-renderer'),
  })
})

afterAll(async () => {
  await running?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('kafkadesk serve arguments', () => {
  it('defaults to the embedded cluster with 3 brokers on a free port', () => {
    expect(parseServeArgs([])).toMatchObject({ port: 0, embedded: true, brokers: 3, clusterPort: 9092 })
    expect(parseServeArgs(['--cluster-port', '0'])).toMatchObject({ clusterPort: 0 })
    expect(parseServeArgs(['--port', '8123', '--bootstrap', 'kafka-1:9092,kafka-2:9092'])).toMatchObject({
      port: 8123,
      embedded: false,
      bootstrap: 'kafka-1:9092,kafka-2:9092',
    })
  })
  it('refuses contradictions and bad values', () => {
    for (const args of [
      ['--bootstrap', 'a:1', '--embedded'],
      ['--bootstrap', 'a:1', '--brokers', '2'],
      ['--bootstrap', 'nohost'],
      ['--port', '70000'],
      ['--brokers', '0'],
      ['--host', '0.0.0.0'],
      ['--cluster-port', '65536'],
      ['--bootstrap', 'a:1', '--cluster-port', '9092'],
    ]) {
      expect(() => parseServeArgs(args), args.join(' ')).toThrow(UsageError)
    }
  })
})

describe('web mode with the embedded cluster', () => {
  it('listens on 127.0.0.1 and prints a URL with the token', () => {
    expect(running.web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/)
    expect(running.console.embeddedBootstrap()).toMatch(/^127\.0\.0\.1:\d+$/)
  })

  it('refuses a missing or wrong token', async () => {
    await expect(Client.open(`ws://127.0.0.1:${running.web.port}/ws`)).rejects.toThrow(/401/)
    await expect(Client.open(wsUrl('x'.repeat(43)))).rejects.toThrow(/401/)
    await expect(Client.open(wsUrl(running.web.token.slice(1)))).rejects.toThrow(/401/)
  })

  it('serves valid calls, answers invalid ones with VALIDATION naming the field, and keeps serving', async () => {
    const c = await Client.open(wsUrl())
    const status = await c.call('embedded.status', {})
    expect(status).toMatchObject({ ok: true, result: { state: 'running', connectionId: EMBEDDED_CONNECTION_ID } })

    const created = await c.call('topics.create', { connectionId: EMBEDDED_CONNECTION_ID, topic: 'web-mode', partitions: 3, replicationFactor: 1 })
    expect(created).toMatchObject({ ok: true, result: { topic: 'web-mode', partitions: 3 } })

    const invalid = [
      [{ connectionId: EMBEDDED_CONNECTION_ID, topic: 'bad name', partitions: 1, replicationFactor: 1 }, 'topic'],
      [{ connectionId: EMBEDDED_CONNECTION_ID, topic: 'x', partitions: -1, replicationFactor: 1 }, 'partitions'],
      [{ connectionId: EMBEDDED_CONNECTION_ID, topic: 'x', partitions: 1, replicationFactor: 0 }, 'replicationFactor'],
      [{ topic: 'x', partitions: 1, replicationFactor: 1 }, 'connectionId'],
      [{ connectionId: EMBEDDED_CONNECTION_ID, topic: 'x', partitions: 1, replicationFactor: 1, configs: { 'retention.ms': 5 } }, 'configs.retention.ms'],
    ] as const
    for (const [payload, field] of invalid) {
      const r = await c.call('topics.create', payload)
      expect(r, field).toMatchObject({ ok: false, error: { code: 'VALIDATION', field } })
      expect(r.error!.message).toContain(field)
    }
    const unknown = await c.call('topics.explode', {})
    expect(unknown).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'channel' } })

    // A nested field: the path names it.
    const nested = await c.call('produce.send', {
      connectionId: EMBEDDED_CONNECTION_ID,
      topic: 'web-mode',
      messages: [{ value: { format: 'yaml', data: 'x' } }],
    })
    expect(nested).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'messages.0.value.format' } })

    const listed = await c.call('topics.list', { connectionId: EMBEDDED_CONNECTION_ID, search: 'web-mode' })
    expect(listed.ok).toBe(true)
    expect(listed.result.topics.map((t: { name: string }) => t.name)).toContain('web-mode')
    c.close()

    // A fresh connection after all that: the process is still serving.
    const again = await Client.open(wsUrl())
    expect(await again.call('connections.list', {})).toMatchObject({ ok: true })
    again.close()
  })

  it('delivers events to the sockets', async () => {
    const a = await Client.open(wsUrl())
    const b = await Client.open(wsUrl())
    // Broker state changes are broadcast to every client as cluster.event.
    const r = await a.call('embedded.broker.stop', { nodeId: 1 })
    if (r.ok) {
      const e = await b.waitEvent((e) => e.event === 'cluster.event' && e.payload.type === 'broker')
      expect(e.payload).toMatchObject({ type: 'broker', nodeId: 1, state: 'stopped' })
      await a.waitEvent((e) => e.event === 'cluster.event')
      expect(await a.call('embedded.broker.start', { nodeId: 1 })).toMatchObject({ ok: true })
      await b.waitEvent((e) => e.event === 'cluster.event' && e.payload.type === 'broker' && e.payload.state === 'running')
    } else {
      throw new Error(`embedded.broker.stop failed: ${JSON.stringify(r.error)}`)
    }
    a.close()
    b.close()
  })

  it('streams a live tail to the socket that started it', async () => {
    const c = await Client.open(wsUrl())
    const other = await Client.open(wsUrl())
    expect(await c.call('topics.create', { connectionId: EMBEDDED_CONNECTION_ID, topic: 'tailed', partitions: 1, replicationFactor: 1 })).toMatchObject({
      ok: true,
    })
    const started = await c.call('messages.tailStart', { connectionId: EMBEDDED_CONNECTION_ID, topic: 'tailed', from: 'earliest', intervalMs: 50 })
    expect(started).toMatchObject({ ok: true, result: { tailId: expect.any(String) } })
    const tailId = started.result.tailId
    const sent = await other.call('produce.send', {
      connectionId: EMBEDDED_CONNECTION_ID,
      topic: 'tailed',
      messages: [{ key: { format: 'string', data: 'k1' }, value: { format: 'json', data: '{"n":1}' } }],
    })
    expect(sent).toMatchObject({ ok: true })
    const e = await c.waitEvent((e) => e.event === 'tail.messages' && e.payload.tailId === tailId && e.payload.messages.length > 0, 30_000)
    expect(e.payload.messages[0]).toMatchObject({ partition: 0, offset: 0 })
    expect(JSON.stringify(e.payload.messages[0])).toContain('k1')
    // Tail events are the caller's own: the other socket saw none.
    expect(other.events.filter((x) => x.event === 'tail.messages')).toEqual([])
    expect(await c.call('messages.tailStop', { tailId })).toMatchObject({ ok: true })
    c.close()
    other.close()
  })
})

describe('web mode with --bootstrap', () => {
  it('offers the given cluster as a connection and serves it', async () => {
    const bootstrap = running.console.embeddedBootstrap()!
    const dir2 = mkdtempSync(join(tmpdir(), 'kafkadesk-serve-remote-'))
    const remote = await startServe({ ...parseServeArgs(['--bootstrap', bootstrap, '--data-dir', dir2]), rendererDir: join(dir2, 'none') })
    try {
      expect(remote.console.embeddedBootstrap()).toBeNull()
      const id = remote.console.bootstrapConnectionId!
      const c = await Client.open(`ws://127.0.0.1:${remote.web.port}/ws?token=${remote.web.token}`)
      const list = await c.call('connections.list', {})
      expect(list.result.connections).toEqual(expect.arrayContaining([expect.objectContaining({ id, kind: 'remote', bootstrapServers: [bootstrap] })]))
      const topics = await c.call('topics.list', { connectionId: id })
      expect(topics).toMatchObject({ ok: true })
      expect(topics.result.topics.map((t: { name: string }) => t.name)).toContain('web-mode')
      c.close()
    } finally {
      await remote.stop()
      rmSync(dir2, { recursive: true, force: true })
    }
  })
})
