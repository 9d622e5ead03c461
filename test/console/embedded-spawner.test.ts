// The desktop app's broker processes: the cluster process's relay spawner and the main
// process's BrokerRelay (console/embedded-spawner.ts) wired together as Electron wires them
// (cluster-process.ts and index.ts), around a real supervisor with real broker processes. Only
// utilityProcess.fork, which exists in Electron's main process alone, is stood in for by
// child_process.fork with the same surface (spawn/message/exit events, postMessage, stderr, pid).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventEmitter } from 'node:events'
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UtilityProcess } from 'electron'
import { BrokerRelay, relaySpawner } from '../../src-main/console/embedded-spawner'
import { ProcessCluster } from '../../src-main/broker/process/supervisor'
import { clusterStatus, controlBroker } from '../../src-main/broker/process/control-server'
import { cliEntry } from '../../src-main/broker/process/spawner'
import { RawClient } from '../../src-main/console/raw-client'
import { targetKind } from '../interop/target'
import { alive } from '../helpers/pid'

/** utilityProcess.fork's surface over child_process.fork (the built CLI runs `broker-process` as the app's entry does). */
function utilityFork(_modulePath: string, args: string[] = [], options: { execArgv?: string[] } = {}): UtilityProcess {
  const child = fork(cliEntry(), args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: options.execArgv ?? [] })
  const u = new EventEmitter() as EventEmitter & { pid?: number; stderr: typeof child.stderr; postMessage(m: unknown): void; kill(): boolean }
  child.once('spawn', () => {
    u.pid = child.pid
    u.emit('spawn')
  })
  child.on('message', (m) => u.emit('message', m))
  child.once('exit', (code) => u.emit('exit', code ?? -1))
  u.stderr = child.stderr
  u.postMessage = (m) => void (child.connected && child.send(m as object))
  u.kill = () => child.kill('SIGTERM')
  return u as unknown as UtilityProcess
}

const embedded = targetKind() === 'embedded'
let dir: string
let cluster: ProcessCluster
let relay: BrokerRelay
const logs: string[] = []

beforeAll(async () => {
  if (!embedded) return
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-relay-'))
  relay = new BrokerRelay(utilityFork, 'cluster-process.js')
  // The two parent ports: what the cluster process posts reaches the main process's relay, and back.
  const toCluster = { postMessage: (m: unknown) => queueMicrotask(() => side.receive((m as { broker: Parameters<typeof side.receive>[0] }).broker)) }
  const side = relaySpawner({
    postMessage: (m) => queueMicrotask(() => relay.handle((m as { broker: Parameters<BrokerRelay['handle']>[0] }).broker, toCluster)),
  })
  cluster = new ProcessCluster({ brokers: 2, port: 0, dataDir: dir, log: (l) => logs.push(l) }, side.spawner)
  await cluster.start()
}, 60_000)

afterAll(async () => {
  await cluster?.stop()
  relay?.killAll()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!embedded)('broker processes started by the main process for the cluster process', () => {
  it('starts each broker as its own process that serves clients, with its PID reported', async () => {
    const st = clusterStatus(cluster).brokers
    expect(st.map((b) => b.state)).toEqual(['running', 'running'])
    for (const b of st) {
      expect(b.pid).toBeGreaterThan(0)
      expect(alive(b.pid!)).toBe(true)
      const c = await RawClient.connect(`${b.host}:${b.port}`)
      try {
        const md = await c.request(3, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
        expect((md.brokers as { nodeId: number }[]).map((x) => x.nodeId).sort()).toEqual([1, 2])
      } finally {
        c.close()
      }
    }
    // The brokers' stderr comes through the relay.
    expect(logs.some((l) => /broker 1\b/.test(l))).toBe(true)
  })

  it('kills a broker with SIGKILL through the relay (not a clean stop) and starts a new process', async () => {
    const pid = clusterStatus(cluster).brokers[1]!.pid!
    await controlBroker(cluster, 'kill', 2)
    expect(clusterStatus(cluster).brokers[1]).toMatchObject({ state: 'killed', pid: null, fenced: true })
    expect(alive(pid)).toBe(false)
    await controlBroker(cluster, 'start', 2)
    const again = clusterStatus(cluster).brokers[1]!
    expect(again.state).toBe('running')
    expect(again.pid).not.toBe(pid)
    expect(alive(again.pid!)).toBe(true)
    await controlBroker(cluster, 'stop', 2)
    expect(clusterStatus(cluster).brokers[1]!.state).toBe('stopped')
  }, 60_000)

  it('ends every broker when the cluster process is gone', async () => {
    await controlBroker(cluster, 'start', 2)
    const pids = clusterStatus(cluster).brokers.map((b) => b.pid!)
    relay.killAll()
    const t0 = Date.now()
    while (pids.some(alive) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50))
    expect(pids.filter(alive)).toEqual([])
  }, 60_000)
})
