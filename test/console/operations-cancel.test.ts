// Long reads, exports and offset resets named by an opId report operation.progress to their
// caller and stop on operations.cancel, answering CANCELLED — through the console's handlers on
// the embedded cluster, its leader slowed by the latency fault so that the operation takes
// several round trips.
import { beforeAll, describe, expect, it } from 'vitest'
import { createTopic, useHarness } from './fixtures'
import { uniqueName, waitFor } from './setup'

const COUNT = 40_000
const h = useHarness()
const topic = uniqueName('ops')

beforeAll(async () => {
  await createTopic(h, topic, 1)
  await h.call('produce.batch', {
    connectionId: h.connectionId,
    topic,
    count: COUNT,
    template: { value: { format: 'string', data: `{"n":{{i}},"pad":"${'x'.repeat(100)}"}` } },
  })
}, 120_000)

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
    const done = await h.call('messages.export', {
      format: 'jsonl',
      opId: uniqueName('export-full'),
      source: { type: 'selection', connectionId: h.connectionId, topic, items: items.slice(0, 2000) },
    })
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

  it('an offset reset reports progress; cancelled before its commit it changes nothing, else it completes', async () => {
    const groupId = uniqueName('reset-ops')
    const topics = Array.from({ length: 6 }, (_, i) => uniqueName(`reset-t${i}`))
    for (const t of topics) {
      await createTopic(h, t, 1)
      await h.call('produce.send', {
        connectionId: h.connectionId,
        topic: t,
        messages: Array.from({ length: 10 }, (_, i) => ({ value: { format: 'string' as const, data: `v${i}` } })),
      })
    }
    const request = { connectionId: h.connectionId, groupId, topics: topics.map((topic) => ({ topic })) }
    await h.call('offsets.resetExecute', { ...request, reset: { mode: 'offset', offset: 4 } })
    const committed = async () => (await h.call('groups.describe', { connectionId: h.connectionId, groupId })).offsets.map((o) => o.committedOffset)
    expect(await committed()).toEqual(topics.map(() => 4))

    // Every topic's offsets are now several slow round trips away.
    await h.call('embedded.broker.faults', { nodeId: 1, latencyMs: 400 })
    try {
      const opId = uniqueName('reset')
      const reset = h.tryCall('offsets.resetExecute', { ...request, reset: { mode: 'earliest' }, opId })
      await waitFor(() => progressOf(opId).some((p) => p.done > 0), 30_000, 'reset progress')
      expect((await h.call('operations.cancel', { opId })).cancelled).toBe(true)
      const r = await reset
      expect(r.ok === false && r.error.code).toBe('CANCELLED')
      const last = progressOf(opId).at(-1)!
      console.log(`reset cancelled at step ${last.done} of ${last.total}`)
      // One step per topic and one for the commit, which was never sent.
      expect(last).toMatchObject({ finished: true, cancelled: true, total: topics.length + 1 })
      expect(last.done).toBeLessThan(topics.length + 1)
    } finally {
      await h.call('embedded.broker.faults', { nodeId: 1, latencyMs: 0 })
    }
    expect(await committed()).toEqual(topics.map(() => 4))

    const opId = uniqueName('reset-full')
    const plan = await h.call('offsets.resetExecute', { ...request, reset: { mode: 'earliest' }, opId })
    expect(plan.executed).toBe(true)
    expect(progressOf(opId).at(-1)).toMatchObject({ finished: true, cancelled: false, done: topics.length + 1, total: topics.length + 1 })
    expect(await committed()).toEqual(topics.map(() => 0))
  }, 90_000)
})
