// Consumer groups, lag, lag history, offset resets and offset/group deletion through the
// console, with a real kafkajs consumer as the group member; checked against
// kafka-consumer-groups --describe on real Kafka.
import type { Consumer, Kafka } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kafkaTool } from '../interop/target'
import { LagHistory } from '../../src-main/console/lag-history'
import { createTopic, kafkaClient, useHarness } from './fixtures'
import { uniqueName, waitFor } from './setup'

const h = useHarness()
let kafka: Kafka
const topic = uniqueName('t-groups')
const group = uniqueName('g')

beforeAll(async () => {
  kafka = kafkaClient(h, 'console-test-consumer')
  await createTopic(h, topic, 3)
  // One request for all three partitions: on a just-created topic real Kafka can refuse one of
  // them at first, and the console's idempotent producer retries without writing the others twice
  // (the exact counts below need exactly 10 per partition).
  await h.call('produce.send', {
    connectionId: h.connectionId,
    topic,
    messages: Array.from({ length: 30 }, (_, i) => ({
      value: { format: 'string' as const, data: `m${i}` },
      partition: i % 3,
      timestamp: Date.now() - (30 - i) * 60_000,
    })),
  })
})

async function consumeAll(groupId: string, count: number): Promise<Consumer> {
  const c = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 })
  await c.connect()
  await c.subscribe({ topic, fromBeginning: true })
  let seen = 0
  // kafkajs commits only after processing a message (never on an idle fetch), so a time-based
  // interval can leave the last messages uncommitted; committing after every message is deterministic.
  await c.run({ autoCommitThreshold: 1, eachMessage: async () => void seen++ })
  await waitFor(() => seen >= count, 40_000, `${count} messages consumed`)
  return c
}

describe('consumer groups', () => {
  let consumer: Consumer | undefined

  it('lists and describes an active group with owners, then lag after it stops', async () => {
    consumer = await consumeAll(group, 30)
    const active = await waitFor(
      async () => {
        const d = await h.call('groups.describe', { connectionId: h.connectionId, groupId: group })
        return d.state === 'Stable' && d.offsets.length === 3 && d.offsets.every((o) => o.committedOffset === 10) && d
      },
      30_000,
      'stable group with commits',
    )
    expect(active.members).toHaveLength(1)
    expect(active.members[0]!.clientId).toBe('console-test-consumer')
    expect(active.members[0]!.assignments).toEqual([{ topic, partitions: [0, 1, 2] }])
    expect(active.offsets.every((o) => o.memberId === active.members[0]!.memberId && o.lag === 0 && o.logEndOffset === 10)).toBe(true)
    expect(active.totalLag).toBe(0)

    // Offset resets are refused while the group has members.
    const preview = await h.call('offsets.resetPreview', { connectionId: h.connectionId, groupId: group, topics: [{ topic }], reset: { mode: 'earliest' } })
    expect(preview.canExecute).toBe(false)
    expect(preview.reason).toMatch(/inactive.*Stable/)
    expect(preview.partitions.map((p) => p.newOffset)).toEqual([0, 0, 0])
    const refused = await h.tryCall('offsets.resetExecute', { connectionId: h.connectionId, groupId: group, topics: [{ topic }], reset: { mode: 'earliest' } })
    expect(refused.ok === false && refused.error.code).toBe('REFUSED')

    const list = await h.call('groups.list', { connectionId: h.connectionId, search: group })
    expect(list.groups).toEqual([
      expect.objectContaining({ groupId: group, state: 'Stable', members: 1, totalLag: 0, topics: [topic], protocolType: 'consumer' }),
    ])

    await consumer.disconnect()
    consumer = undefined
    await h.call('produce.send', {
      connectionId: h.connectionId,
      topic,
      messages: Array.from({ length: 6 }, (_, i) => ({ value: { format: 'string' as const, data: `late${i}` }, partition: i % 3 })),
    })
    const idle = await waitFor(
      async () => {
        const d = await h.call('groups.describe', { connectionId: h.connectionId, groupId: group })
        return d.state === 'Empty' && d
      },
      30_000,
      'empty group',
    )
    expect(idle.offsets.map((o) => [o.partition, o.committedOffset, o.logEndOffset, o.lag])).toEqual([
      [0, 10, 12, 2],
      [1, 10, 12, 2],
      [2, 10, 12, 2],
    ])
    expect(idle.totalLag).toBe(6)

    if (h.kind === 'kafka') {
      const cli = await kafkaTool('kafka-consumer-groups', ['--bootstrap-server', h.bootstrap, '--describe', '--group', group])
      for (const o of idle.offsets) {
        const cols = cli.stdout
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .find((c) => c[1] === topic && c[2] === String(o.partition))!
        expect(cols.slice(2, 6)).toEqual([String(o.partition), String(o.committedOffset), String(o.logEndOffset), String(o.lag)])
      }
    }
  })

  it('samples lag history and keeps it across restarts', async () => {
    const s = await h.app.connections.session(h.connectionId)
    await h.app.lagHistory.sampleOnce([s], h.ctx.sink)
    const hist = await h.call('groups.lagHistory', { connectionId: h.connectionId, groupId: group })
    expect(hist.intervalMs).toBe(10_000)
    expect(hist.samples.at(-1)).toMatchObject({ totalLag: 6, byTopic: { [topic]: 6 } })
    expect(h.events.of('lag.sample').some((e) => e.groupId === group && e.sample.totalLag === 6)).toBe(true)
    // A new LagHistory over the same data dir (an app restart) sees the samples.
    const again = new LagHistory(h.dataDir)
    expect(again.query(h.connectionId, group).at(-1)).toMatchObject({ totalLag: 6 })
  })

  it('previews and executes every reset mode', async () => {
    const base = { connectionId: h.connectionId, groupId: group, topics: [{ topic }] }
    const plan = async (reset: object, execute = false) => {
      const r = await h.call(execute ? 'offsets.resetExecute' : 'offsets.resetPreview', { ...base, reset } as never)
      return r.partitions.map((p) => p.newOffset)
    }
    expect(await plan({ mode: 'earliest' })).toEqual([0, 0, 0])
    expect(await plan({ mode: 'latest' })).toEqual([12, 12, 12])
    expect(await plan({ mode: 'current' })).toEqual([10, 10, 10])
    expect(await plan({ mode: 'offset', offset: 11 })).toEqual([11, 11, 11])
    const clamped = await h.call('offsets.resetPreview', { ...base, reset: { mode: 'offset', offset: 99 } })
    expect(clamped.partitions.every((p) => p.newOffset === 12 && p.clamped)).toBe(true)
    expect(await plan({ mode: 'shift-by', shift: -3 })).toEqual([7, 7, 7])
    // Message i of the first 30 has timestamp now - (30 - i) min and sits at offset floor(i / 3) of partition i % 3.
    const dt = new Date(Date.now() - 15.5 * 60_000).toISOString() // first i ≥ 15: offsets 5 (p0: i=15), 5 (p1: i=16), 5 (p2: i=17)
    expect(await plan({ mode: 'datetime', datetime: dt })).toEqual([5, 5, 5])
    expect(await plan({ mode: 'duration', duration: 'PT9M30S' })).toEqual([7, 7, 7]) // i ≥ 21
    expect(await plan({ mode: 'file', csv: `${topic},0,1\n${topic},1,2\n${topic},2,3\n` })).toEqual([1, 2, 3])

    const done = await h.call('offsets.resetExecute', { ...base, reset: { mode: 'shift-by', shift: -4 } })
    expect(done.executed).toBe(true)
    const d = await h.call('groups.describe', { connectionId: h.connectionId, groupId: group })
    expect(d.offsets.map((o) => o.committedOffset)).toEqual([6, 6, 6])
    if (h.kind === 'kafka') {
      const cli = await kafkaTool('kafka-consumer-groups', [
        '--bootstrap-server',
        h.bootstrap,
        '--reset-offsets',
        '--group',
        group,
        '--topic',
        topic,
        '--to-earliest',
        '--dry-run',
      ])
      expect(cli.stdout).toMatch(new RegExp(`${topic}\\s+0\\s+0`))
    }
    // Only the CSV lines of the group are used when a group column is present.
    const file = await h.call('offsets.resetPreview', {
      connectionId: h.connectionId,
      groupId: group,
      reset: { mode: 'file', csv: `${group},${topic},0,4\nother,${topic},1,9\n` },
    })
    expect(file.partitions).toEqual([expect.objectContaining({ partition: 0, newOffset: 4, currentOffset: 6 })])
  })

  it('rejects a reset without topics and a bad CSV with the field named', async () => {
    const r = await h.tryCall('offsets.resetPreview', { connectionId: h.connectionId, groupId: group, reset: { mode: 'earliest' } })
    expect(r.ok === false && r.error.field).toBe('topics')
    const bad = await h.tryCall('offsets.resetPreview', { connectionId: h.connectionId, groupId: group, reset: { mode: 'file', csv: 'x,y' } })
    expect(bad.ok === false && bad.error.field).toBe('reset.csv')
  })

  it('lists the partitions a group never committed, says what the total covers, and resets them to earliest', async () => {
    const g = `partial-${group}`
    await h.call('offsets.resetExecute', { connectionId: h.connectionId, groupId: g, reset: { mode: 'file', csv: `${topic},0,10\n` } })
    const d = await h.call('groups.describe', { connectionId: h.connectionId, groupId: g })
    expect(d.offsets.map((o) => [o.partition, o.committedOffset, o.lag])).toEqual([
      [0, 10, 2],
      [1, null, null],
      [2, null, null],
    ])
    expect(d).toMatchObject({ totalLag: 2, committedPartitions: 1, uncommittedPartitions: 2, uncommittedMessages: 24 })
    const plan = await h.call('offsets.resetPreview', { connectionId: h.connectionId, groupId: g, allTopics: true, reset: { mode: 'earliest' } })
    expect(plan.partitions.map((p) => [p.partition, p.currentOffset, p.newOffset])).toEqual([
      [0, 10, 0],
      [1, null, 0],
      [2, null, 0],
    ])
    await h.call('groups.delete', { connectionId: h.connectionId, groupIds: [g] })
  })

  it('shows every CSV line that cannot be applied and refuses to execute, as --from-file does', async () => {
    const g = `${group}-csv`
    const csv = `${topic},0,3\n${topic},1,4\n${topic},7,1\nno-such-topic,0,1\n${topic},0,5\n`
    const plan = await h.call('offsets.resetPreview', { connectionId: h.connectionId, groupId: g, reset: { mode: 'file', csv } })
    // Lines for partitions without a commit are applied, not dropped.
    expect(plan.partitions.map((p) => [p.partition, p.currentOffset, p.newOffset])).toEqual([
      [0, null, 3],
      [1, null, 4],
    ])
    expect(plan.problems).toEqual([
      { line: 3, text: `${topic},7,1`, reason: `partition 7 of ${topic} does not exist (the topic has 3 partitions)` },
      { line: 4, text: 'no-such-topic,0,1', reason: 'topic no-such-topic does not exist' },
      { line: 5, text: `${topic},0,5`, reason: `${topic}-0 is already set on line 1` },
    ])
    expect(plan.canExecute).toBe(false)
    expect(plan.reason).toContain('3 lines of the CSV cannot be applied')
    const run = await h.tryCall('offsets.resetExecute', { connectionId: h.connectionId, groupId: g, reset: { mode: 'file', csv } })
    expect(run.ok === false && run.error.code).toBe('REFUSED')
    const missing = await h.tryCall('groups.describe', { connectionId: h.connectionId, groupId: g })
    expect(missing.ok === false && missing.error.code).toBe('NOT_FOUND')
  })

  it('deletes committed offsets and groups', async () => {
    const del = await h.call('groups.deleteOffsets', { connectionId: h.connectionId, groupId: group, topic, partitions: [0] })
    expect(del.deleted).toEqual([{ topic, partition: 0 }])
    const d = await h.call('groups.describe', { connectionId: h.connectionId, groupId: group })
    // Partition 0 stays listed, now without a commit (and out of the lag total).
    expect(d.offsets.map((o) => [o.partition, o.committedOffset])).toEqual([
      [0, null],
      [1, 6],
      [2, 6],
    ])
    expect(d.uncommittedPartitions).toBe(1)
    expect(d.totalLag).toBe(12)
    const res = await h.call('groups.delete', { connectionId: h.connectionId, groupIds: [group] })
    expect(res.results).toEqual([{ groupId: group, deleted: true }])
    const gone = await h.call('groups.list', { connectionId: h.connectionId, search: group })
    expect(gone.groups).toEqual([])
    const missing = await h.tryCall('groups.describe', { connectionId: h.connectionId, groupId: group })
    expect(missing.ok === false && missing.error.code).toBe('NOT_FOUND')
  })

  afterAll(async () => {
    await consumer?.disconnect()
  })
})
