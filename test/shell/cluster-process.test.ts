// The embedded cluster's utility-process entry, run here with a stand-in parent port: it
// starts the brokers, answers calls (per-broker stop/start/kill, activity, status) and
// forwards cluster events, exactly what the Electron main process relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createConnection } from 'node:net'

type Msg = {
  id?: number
  ok?: boolean
  result?: any
  error?: { code: string; message: string; field?: string }
  event?: string
  payload?: any
  ready?: any
  failed?: string
}

const messages: Msg[] = []
const port = Object.assign(new EventEmitter(), { postMessage: (m: Msg) => messages.push(m) })
let dir: string
let nextId = 1

async function waitFor<T>(fn: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function call(method: string, ...args: unknown[]): Promise<Msg> {
  const id = nextId++
  port.emit('message', { data: { id, method, args } })
  return waitFor(() => messages.find((m) => m.id === id))
}

function reachable(hostPort: string): Promise<boolean> {
  const [host, p] = hostPort.split(':')
  return new Promise((resolve) => {
    const s = createConnection({ host, port: Number(p) })
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-cluster-process-'))
  ;(process as unknown as { parentPort: unknown }).parentPort = port
  process.argv.push('--data-dir', dir, '--brokers', '2', '--port', '0')
  await import('../../src-main/cluster-process')
})

afterAll(async () => {
  await call('stop')
  rmSync(dir, { recursive: true, force: true })
})

describe('cluster process', () => {
  it('starts the brokers and says ready with their addresses', async () => {
    const ready = await waitFor(() => messages.find((m) => m.ready))
    expect(ready.ready).toMatchObject({
      state: 'running',
      connectionId: 'embedded',
      brokers: [
        { nodeId: 1, state: 'running' },
        { nodeId: 2, state: 'running' },
      ],
    })
    for (const hp of ready.ready.bootstrap.split(',')) expect(await reachable(hp)).toBe(true)
  })

  it('stops and starts one broker, with cluster events', async () => {
    const before = (await call('status')).result
    const addr2 = `${before.brokers[1].host}:${before.brokers[1].port}`
    const stopped = await call('stopBroker', 2)
    expect(stopped).toMatchObject({
      ok: true,
      result: {
        brokers: [
          { nodeId: 1, state: 'running' },
          { nodeId: 2, state: 'stopped' },
        ],
      },
    })
    expect(await reachable(addr2)).toBe(false)
    expect(messages).toContainEqual(
      expect.objectContaining({ event: 'cluster.event', payload: expect.objectContaining({ type: 'broker', nodeId: 2, state: 'stopped' }) }),
    )
    const started = await call('startBroker', 2)
    expect(started).toMatchObject({
      ok: true,
      result: {
        brokers: [
          { nodeId: 1, state: 'running' },
          { nodeId: 2, state: 'running' },
        ],
      },
    })
    expect(await reachable(addr2)).toBe(true)
  })

  it('reports errors as contract error shapes and refuses unknown methods', async () => {
    expect(await call('killBroker', 7)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', field: 'nodeId' } })
    expect(await call('shutdown')).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(await call('constructor')).toMatchObject({ ok: false })
  })

  it('returns the client activity record', async () => {
    const r = await call('activity')
    expect(r.ok).toBe(true)
    expect(Array.isArray(r.result)).toBe(true)
  })
})
