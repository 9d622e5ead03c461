// kafkajs 2.2.4 consumer groups against the target: three consumers over a 6-partition topic get
// disjoint partitions covering all six; stopping one hands its partitions to the others; with
// at-least-once commits nothing produced is missed.
import { Kafka, logLevel, Partitioners, type Consumer, type EachMessagePayload } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTarget, uniqueTopic, type Target } from './target.ts'

let target: Target
let kafka: Kafka

beforeAll(async () => {
  target = await startTarget()
  kafka = new Kafka({ clientId: 'groups-kafkajs', brokers: target.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10 } })
})
afterAll(async () => {
  await target?.stop()
})

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return Date.now() - start
}

describe('kafkajs consumer group', () => {
  const topic = uniqueTopic('groups-kafkajs')
  const group = uniqueTopic('kjs-group')
  const sessionTimeout = 10_000

  it('splits partitions, rebalances on leave, and loses nothing with at-least-once commits', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true })
    // Idempotent, so a send retried after a timeout on a loaded machine cannot write a record twice
    // (CI once counted 857 records in the log for 600 sent) and the log holds exactly 600.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const produce = async (from: number, n: number) => {
      const messages = Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` }))
      await producer.send({ topic, messages })
    }
    await produce(0, 300)

    const seen = new Set<string>()
    const assignments = new Map<number, number[]>()
    const consumers: Consumer[] = []
    for (let i = 0; i < 3; i++) {
      const c = kafka.consumer({ groupId: group, sessionTimeout, heartbeatInterval: 1000, rebalanceTimeout: 20_000 })
      c.on(c.events.GROUP_JOIN, (e) => {
        assignments.set(
          i,
          (e.payload.memberAssignment[topic] ?? []).slice().sort((a, b) => a - b),
        )
      })
      await c.connect()
      await c.subscribe({ topic, fromBeginning: true })
      await c.run({
        autoCommit: true,
        autoCommitInterval: 500,
        eachMessage: async ({ message }: EachMessagePayload) => {
          seen.add(message.value!.toString())
        },
      })
      consumers.push(c)
    }
    // All three in one generation: disjoint, covering all six.
    await until(
      () => assignments.size === 3 && [...assignments.values()].flat().length === 6 && new Set([...assignments.values()].flat()).size === 6,
      60_000,
      'three-way assignment',
    )
    for (const a of assignments.values()) expect(a.length).toBe(2)
    await until(() => seen.size === 300, 30_000, 'first 300 messages')

    // Stop one consumer (LeaveGroup): its partitions move to the other two within the session timeout.
    const stopped = Date.now()
    assignments.clear()
    await consumers[2]!.disconnect()
    await produce(300, 300)
    const rebalanceMs = await until(
      () => assignments.size === 2 && new Set([...assignments.values()].flat()).size === 6 && [...assignments.values()].flat().length === 6,
      sessionTimeout + 15_000,
      'two-way assignment',
    )
    expect(Date.now() - stopped).toBeLessThan(sessionTimeout + 15_000)
    console.log(`kafkajs: rebalance after a leave took ${rebalanceMs} ms`)
    await until(() => seen.size === 600, 30_000, 'all 600 messages')

    // Committed offsets cover everything read (at-least-once): a new consumer sees nothing older.
    await Promise.all(consumers.slice(0, 2).map((c) => c.disconnect()))
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] })
    const committed = offsets[0]!.partitions.reduce((s, p) => s + Number(p.offset), 0)
    expect(committed).toBe(600)
    const described = await admin.describeGroups([group])
    expect(described.groups[0]!.state).toBe('Empty')
    const listed = await admin.listGroups()
    expect(listed.groups.find((g) => g.groupId === group)?.protocolType).toBe('consumer')

    // More consumers than partitions: the extra ones stay idle.
    const small = uniqueTopic('groups-kafkajs-small')
    await admin.createTopics({ topics: [{ topic: small, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true })
    const idleGroup = uniqueTopic('kjs-idle')
    const got = new Map<number, number[]>()
    const few: Consumer[] = []
    for (let i = 0; i < 3; i++) {
      const c = kafka.consumer({ groupId: idleGroup, sessionTimeout, heartbeatInterval: 1000 })
      c.on(c.events.GROUP_JOIN, (e) => got.set(i, e.payload.memberAssignment[small] ?? []))
      await c.connect()
      await c.subscribe({ topic: small, fromBeginning: true })
      await c.run({ eachMessage: async () => {} })
      few.push(c)
    }
    await until(() => got.size === 3 && [...got.values()].flat().length === 2, 60_000, 'assignment with an idle member')
    expect([...got.values()].map((a) => a.length).sort()).toEqual([0, 1, 1])
    await Promise.all(few.map((c) => c.disconnect()))
    // An empty group can be deleted; a second delete says it does not exist.
    await admin.deleteGroups([idleGroup])
    await expect(admin.deleteGroups([idleGroup])).rejects.toThrow()
    await producer.disconnect()
    await admin.disconnect()
  }, 150_000)
})
