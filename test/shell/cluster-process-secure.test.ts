// The desktop app's embedded cluster started secured, as the card's "Secured" option asks through
// embedded.start {secure: true}: the shell's ClusterProcessControl and ClusterProcess fork the real
// cluster-process entry, which runs the console's EmbeddedService as in web mode. Only Electron's
// utilityProcess.fork is stood in for by child_process.fork (the entry then talks over node's IPC
// channel). The status carries each listener's bootstrap, the CA and the client settings; a kafkajs
// client following them produces over SASL_SSL, a wrong password is refused, and a plain start
// after a stop has no secured listeners.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EmbeddedStatus, Handlers } from '../../src-main/ipc/contract'
import { dispatch } from '../../src-main/ipc/contract/dispatch'
import { expectSaslSslRoundTrip } from '../helpers/secured-client'
import { embeddedHandlers } from '../../src-main/ipc/embedded-control'
import { ClusterProcess } from '../../src-main/shell/cluster-client'
import { ClusterProcessControl } from '../../src-main/shell/cluster-control'

const forks = vi.hoisted(() => [] as Array<{ args: string[]; pid?: number }>)

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events')
  const { fork } = await import('node:child_process')
  /** utilityProcess.fork's surface over child_process.fork; the TypeScript entry runs under tsx. */
  function utilityFork(modulePath: string, args: string[] = []) {
    const child = fork(modulePath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: ['--import', 'tsx'] })
    forks.push({ args, pid: child.pid })
    const u = Object.assign(new EventEmitter(), {
      pid: child.pid,
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (m: unknown) => void (child.connected && child.send(m as object)),
      kill: () => child.kill('SIGTERM'),
    })
    child.on('message', (m) => u.emit('message', m))
    child.once('exit', (code) => u.emit('exit', code ?? -1))
    return u
  }
  return { utilityProcess: { fork: utilityFork } }
})

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-shell-secure-'))
const logs: string[] = []
const attached: Array<string | null> = []
const cluster = new ClusterProcess({
  entry: fileURLToPath(new URL('../../src-main/cluster-process.ts', import.meta.url)),
  brokers: 1,
  dataDir: join(dir, 'cluster'),
  log: (line) => logs.push(line),
  onEvent: () => {},
})
const control = new ClusterProcessControl(cluster, {
  dataDir: join(dir, 'cluster'),
  attach: async (b) => {
    attached.push(b)
  },
})
const handlers = embeddedHandlers(control) as Handlers
let status: EmbeddedStatus

/** A call as the desktop UI makes it: validated against the channel's schema, then handled. */
async function call(channel: 'embedded.start' | 'embedded.stop' | 'embedded.status', req: object): Promise<EmbeddedStatus> {
  const r = await dispatch(handlers, channel, req, { sink: { emit: () => {} }, clientId: 'test' })
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}\n${logs.slice(-20).join('\n')}`)
  return r.value as EmbeddedStatus
}

beforeAll(async () => {
  status = await call('embedded.start', { brokers: 1, secure: true })
}, 180_000)

afterAll(async () => {
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
}, 60_000)

describe("the desktop app's embedded cluster started secured", () => {
  it('forks the cluster process with --secure and reports every listener and the client settings', async () => {
    expect(forks).toHaveLength(1)
    expect(forks[0].args).toContain('--secure')
    expect(status.state).toBe('running')
    const security = status.security!
    expect(security.listeners.map((l) => l.name).sort()).toEqual(['PLAINTEXT', 'SASL_PLAINTEXT', 'SASL_SSL', 'SSL'])
    const saslSsl = security.listeners.find((l) => l.name === 'SASL_SSL')!.bootstrap
    expect(saslSsl).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(security.clientSettings).toContain(`bootstrap.servers=${saslSsl}`)
    expect(security.clientSettings).toContain(security.caPath)
    expect(readFileSync(security.caPath, 'utf8')).toContain('BEGIN CERTIFICATE')
    // The console attaches to the PLAINTEXT listener, as in web mode.
    const plaintext = security.listeners.find((l) => l.name === 'PLAINTEXT')!.bootstrap
    expect(status.bootstrap).toBe(plaintext)
    expect(attached).toEqual([plaintext])
    // The status asked again (embedded.status) still carries it.
    expect((await call('embedded.status', {})).security).toEqual(security)
  })

  it('a client with those settings produces and reads over SASL_SSL, and a wrong password is refused', async () => {
    await expectSaslSslRoundTrip(status.security!, 'shell-secure')
  }, 90_000)

  it('starts plain in the same process when asked after a stop, and secured again', async () => {
    expect((await call('embedded.stop', {})).state).toBe('stopped')
    const plain = await call('embedded.start', { brokers: 1, secure: false })
    expect(plain.state).toBe('running')
    expect(plain.security).toBeUndefined()
    await call('embedded.stop', {})
    const again = await call('embedded.start', { brokers: 1, secure: true })
    expect(again.security?.listeners).toHaveLength(4)
    // Both starts went to the running cluster process: it was forked once.
    expect(forks).toHaveLength(1)
  }, 180_000)
})
