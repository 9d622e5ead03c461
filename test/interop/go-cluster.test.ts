// The Go clients on a 3-broker cluster while brokers die: the embedded cluster (`kafkadesk
// cluster --brokers 3`) or, with KAFKADESK_TARGET=kafka, a real 3-node Apache Kafka 4.1.
//   - franz-go: an idempotent acks=all producer sends a numbered sequence without pause and a
//     group consumer reads it, while the leader of partition 0 and then of partition 1 is killed
//     with kill -9 and restarted. Afterwards every acknowledged record is in the log exactly
//     once, at the offset it was acknowledged with, in send order per partition, and the group
//     read every one of them.
//   - sarama: with the leader of a partition killed, an idempotent acks=all SyncProducer and a
//     ConsumerGroup work on (metadata refresh, the new leader); after a restart the ISR is whole.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { distinctRecords, expectLog, keyedMessages } from './expect-log.ts'
import { buildGoDriver, type GoDriver, type GoPartition, type GoRecord } from './go-driver.ts'
import { QUICK_FAILURE_DETECTION, eventually, startCluster, uniqueTopic, type ClusterTarget } from './target.ts'

const CONFIGS = {
  ...QUICK_FAILURE_DETECTION,
  'min.insync.replicas': '2',
}
// A Kafka broker's JVM restart alone can take 20 s on a loaded 2-core machine.
const SLOW = 240_000

let cluster: ClusterTarget
let driver: GoDriver
let scratch: string

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kafkadesk-go-cluster-'))
  ;[cluster, driver] = await Promise.all([startCluster({ brokers: 3, configs: CONFIGS }), buildGoDriver()])
})
afterAll(async () => {
  driver?.remove()
  await cluster?.stop()
  rmSync(scratch, { recursive: true, force: true })
})

interface Described {
  error: string | null
  brokers: number[]
  partitions: GoPartition[]
}

const describeTopic = (topic: string) => driver.call<Described>('franz', 'describe', cluster.bootstrap, { topic })

/** The current leader of a partition, once Metadata names a live broker other than `not`. */
async function leaderOf(topic: string, partition: number, not?: number): Promise<number> {
  return eventually(
    async () => {
      const d = await describeTopic(topic)
      const leader = d.partitions.find((p) => p.id === partition)?.leader ?? -1
      if (leader < 0 || leader === not) throw new Error(`partition ${partition} of ${topic}: leader ${leader}`)
      return leader
    },
    60_000,
    250,
  )
}

/** Waits until every partition of the topic has all three brokers in its ISR. */
async function wholeIsr(topic: string): Promise<void> {
  await eventually(
    async () => {
      const d = await describeTopic(topic)
      for (const p of d.partitions) expect(p.isr.slice().sort(), `ISR of partition ${p.id}`).toEqual([1, 2, 3])
    },
    90_000,
    500,
  )
}

describe('franz-go on a 3-broker cluster', () => {
  const topic = uniqueTopic('go-cluster-franz')

  it('creates an RF=3 topic whose 3 partitions are led by 3 different brokers', async () => {
    const res = await driver.call<Described & { again_error: string | null }>('franz', 'create', cluster.bootstrap, {
      topic,
      partitions: 3,
      replicationFactor: 3,
    })
    expect(res.error).toBeNull()
    expect(res.brokers.slice().sort()).toEqual([1, 2, 3])
    for (const p of res.partitions) {
      expect(p.replicas.slice().sort()).toEqual([1, 2, 3])
      expect(p.isr.slice().sort()).toEqual([1, 2, 3])
    }
    expect(new Set(res.partitions.map((p) => p.leader)).size).toBe(3)
  })

  it(
    'an idempotent producer and a group consumer go on through kill -9 of two leaders in turn: nothing acknowledged is lost or written twice',
    async () => {
      const stopFile = join(scratch, 'stop-stream')
      const stream = driver.call<{
        sent: number
        acked: GoRecord[]
        produceErrors: Record<string, number>
        consumed: GoRecord[]
        consumeErrors: Record<string, number>
      }>('franz', 'stream', cluster.bootstrap, { topic, group: uniqueTopic('go-cluster-group'), seconds: 180, stopFile }, SLOW)
      let streamDone = false
      void stream.finally(() => (streamDone = true)).catch(() => {})
      const kills: string[] = []
      for (const partition of [0, 1]) {
        await sleep(3000)
        const victim = await leaderOf(topic, partition)
        await cluster.kill(victim)
        const next = await leaderOf(topic, partition, victim)
        kills.push(`partition ${partition}: leader ${victim} killed, ${next} took over`)
        await sleep(2000)
        await cluster.start(victim)
      }
      await sleep(3000)
      expect(streamDone, 'the stream ended before the kills were done').toBe(false)
      writeFileSync(stopFile, '')
      const res = await stream

      const where = `(${kills.join('; ')}; errors seen by the consumer: ${JSON.stringify(res.consumeErrors)})`
      expect(res.produceErrors, where).toEqual({})
      expect(res.acked.length, where).toBe(res.sent)
      expect(res.sent).toBeGreaterThan(1000)

      // The log, read in full: each acknowledged record once, where it was acknowledged.
      const log = await driver.call<{ records: GoRecord[]; errors: string[] }>('franz', 'read', cluster.bootstrap, {
        topic,
        isolation: 'read_uncommitted',
      })
      expect(log.errors).toEqual([])
      const at = new Map(log.records.map((r) => [`${r.partition}@${r.offset}`, r.value]))
      expect(at.size, 'records in the log').toBe(log.records.length)
      expect(new Set(log.records.map((r) => r.value)).size, 'distinct values in the log').toBe(log.records.length)
      for (const a of res.acked) expect(at.get(`${a.partition}@${a.offset}`), `acknowledged ${a.value}`).toBe(a.value)
      expect(log.records.length).toBe(res.acked.length)
      // Send order per partition: sequence numbers rise with the offset.
      const seq = (r: GoRecord) => Number(r.value.slice('seq-'.length))
      for (const p of [0, 1, 2]) {
        const inP = log.records.filter((r) => r.partition === p).sort((a, b) => a.offset - b.offset)
        expect(inP.length, `records in partition ${p}`).toBeGreaterThan(0)
        for (let i = 1; i < inP.length; i++) expect(seq(inP[i]!), `partition ${p} at offset ${inP[i]!.offset}`).toBeGreaterThan(seq(inP[i - 1]!))
      }

      // The group read every acknowledged record (at least once: a read after a coordinator move may repeat).
      const consumed = distinctRecords(res.consumed)
      const read = new Set(consumed.map((r) => `${r.partition}@${r.offset}=${r.value}`))
      const missing = res.acked.filter((a) => !read.has(`${a.partition}@${a.offset}=${a.value}`))
      expect(missing.length, `acknowledged records the group did not read ${where}`).toBe(0)
      console.log(
        `franz-go through kills (${cluster.kind}): sent ${res.sent}, acknowledged ${res.acked.length}, in the log ${log.records.length}, read by the group ${res.consumed.length} (${consumed.length} distinct) ${where}`,
      )
    },
    SLOW + 60_000,
  )

  it('every killed broker is back in every ISR', async () => wholeIsr(topic), 120_000)
})

describe('sarama on a 3-broker cluster', () => {
  it(
    'produces (idempotent, acks=all) and reads back in a group with a partition leader dead; the ISR is whole again after its restart',
    async () => {
      const topic = uniqueTopic('go-cluster-sarama')
      const created = await driver.call<{ error: string | null }>('sarama', 'create', cluster.bootstrap, { topic, partitions: 3, replicationFactor: 3 })
      expect(created.error).toBeNull()
      await wholeIsr(topic)
      const victim = await leaderOf(topic, 0)
      await cluster.kill(victim)
      try {
        const messages = keyedMessages('go-sarama-failover', 90)
        const res = await driver.call<{ reports: GoRecord[]; errors: string[] }>('sarama', 'produce', cluster.bootstrap, { topic, messages }, 120_000)
        expect(res.errors).toEqual([])
        expect(res.reports.length).toBe(messages.length)
        const read = await driver.call<{ records: GoRecord[]; errors: string[]; committed: number[][] }>(
          'sarama',
          'consume',
          cluster.bootstrap,
          { topic, group: uniqueTopic('go-sarama-group'), count: messages.length, timeoutSeconds: 100 },
          120_000,
        )
        expect(read.errors).toEqual([])
        expectLog(read.records, messages, 3)
      } finally {
        await cluster.start(victim)
      }
      await wholeIsr(topic)
    },
    SLOW,
  )
})
