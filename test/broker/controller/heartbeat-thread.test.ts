// A broker's heartbeats do not wait for its event loop: the controller link sends them from its
// worker thread (process/sync-call.ts), as a Kafka broker's lifecycle manager has its own thread,
// so a broker busy for longer than broker.session.timeout.ms (replaying and opening thousands of
// new partitions) is not fenced for it. The control case heartbeats from the blocked thread and
// is fenced, so the check can fail.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { QuorumController } from '../../../src-main/broker/controller/quorum-controller'
import { ControllerServer } from '../../../src-main/broker/process/controller-server'

const SESSION_MS = 1000
const cleanups: (() => Promise<void> | void)[] = []

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function message(w: Worker, t: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const on = (m: { t: string }) => {
      if (m.t !== t) return
      w.off('message', on)
      resolve()
    }
    w.on('message', on)
    w.once('error', reject)
  })
}

/** A controller here, a broker link in a worker thread that blocks its event loop for `blockMs`; whether the broker ended fenced. */
async function fencedAfterBlocking(heartbeatWorker: boolean, blockMs: number): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-heartbeat-'))
  const controller = new QuorumController({ dataDir: dir, configs: { 'broker.session.timeout.ms': String(SESSION_MS) } })
  const server = new ControllerServer(controller)
  const port = await server.listen()
  // The worker loads TypeScript through tsx's loader, registered inside it.
  const entry = fileURLToPath(new URL('./busy-broker-worker.ts', import.meta.url))
  const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(entry)})`
  const worker = new Worker(boot, { eval: true, workerData: { port, heartbeatWorker } })
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  cleanups.push(() => controller.close())
  cleanups.push(() => server.close())
  cleanups.push(async () => void (await worker.terminate()))
  await message(worker, 'ready')
  // A few heartbeats first: the session clock starts with the first one.
  await new Promise((r) => setTimeout(r, 800))
  expect(controller.image.registrations.get(1)?.fenced).toBe(false)
  const unblocked = message(worker, 'unblocked')
  worker.postMessage({ t: 'block', ms: blockMs })
  await unblocked
  return controller.image.registrations.get(1)?.fenced ?? true
}

describe('broker heartbeats', () => {
  it('keep a broker whose event loop is blocked for 3 sessions unfenced, when sent from its own thread', async () => {
    expect(await fencedAfterBlocking(true, 3 * SESSION_MS)).toBe(false)
  }, 30_000)

  it('let the controller fence it when sent from the blocked event loop (the control case)', async () => {
    expect(await fencedAfterBlocking(false, 3 * SESSION_MS)).toBe(true)
  }, 30_000)
})
