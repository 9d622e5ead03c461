// Long reads and exports named by an opId report operation.progress to their caller and stop on
// operations.cancel, answering CANCELLED — through the console's handlers on the embedded
// cluster, its leader slowed by the latency fault so that the operation takes several fetches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, uniqueName, waitFor, type Harness } from './setup'

const COUNT = 40_000
let h: Harness
const topic = uniqueName('ops')

beforeAll(async () => {
  h = await startHarness()
  await h.call('topics.create', { connectionId: h.connectionId, topic, partitions: 1, replicationFactor: 1 })
  await h.call('produce.batch', { connectionId: h.connectionId, topic, count: COUNT, template: { value: { format: 'string', data: `{"n":{{i}},"pad":"${'x'.repeat(100)}"}` } } })
}, 120_000)
afterAll(async () => {
  await h?.stop()
})

const progressOf = (opId: string) => h.events.of('operation.progress').filter((p) => p.opId === opId)

describe.runIf(process.env.KAFKADESK_TARGET !== 'kafka')('long operations', () => {
  it('a read reports progress and stops when cancelled', async () => {
    await h.call('embedded.broker.faults', { nodeId: 1, latencyMs: 500 })
    try {
      const opId = uniqueName('read')
      const read = h.tryCall('messages.read', { connectionId: h.connectionId, topic, position: { type: 'earliest' }, limit: COUNT, opId })
      await waitFor(() => progressOf(opId).some((p) => p.done > 0), 30_000, 'read progress')
      expect((await h.call('operations.cancel', { opId })).cancelled).toBe(true)
      const r = await read
      expect(r.ok === false && r.error.code).toBe('CANCELLED')
      const last = progressOf(opId).at(-1)!
      console.log(`read cancelled at ${last.done} of ${last.total}`)
      expect(last).toMatchObject({ finished: true, cancelled: true, total: COUNT })
      expect(last.done).toBeLessThan(COUNT)
      expect((await h.call('operations.cancel', { opId })).cancelled).toBe(false)
    } finally {
      await h.call('embedded.broker.faults', { nodeId: 1, latencyMs: 0 })
    }
  }, 60_000)

  it('an export reports progress and stops when cancelled; without cancel it completes', async () => {
    const items = Array.from({ length: COUNT }, (_, i) => ({ partition: 0, offset: i }))
    const done = await h.call('messages.export', { format: 'jsonl', opId: uniqueName('export-full'), source: { type: 'selection', connectionId: h.connectionId, topic, items: items.slice(0, 2000) } })
    expect(done.count).toBe(2000)
    await h.call('embedded.broker.faults', { nodeId: 1, latencyMs: 300 })
    try {
      const opId = uniqueName('export')
      const exp = h.tryCall('messages.export', { format: 'jsonl', opId, source: { type: 'selection', connectionId: h.connectionId, topic, items } })
      await waitFor(() => progressOf(opId).some((p) => p.done > 0), 30_000, 'export progress')
      expect((await h.call('operations.cancel', { opId })).cancelled).toBe(true)
      const r = await exp
      expect(r.ok === false && r.error.code).toBe('CANCELLED')
      expect(progressOf(opId).at(-1)).toMatchObject({ finished: true, cancelled: true, total: COUNT })
    } finally {
      await h.call('embedded.broker.faults', { nodeId: 1, latencyMs: 0 })
    }
  }, 60_000)
})
