// Durability of acknowledged records across leader crashes (issue 8, "What it must show"). Each
// round runs on a fresh `kafkadesk cluster --brokers 3`: an RF=3 topic with min.insync.replicas=2,
// an idempotent acks=all kafkajs producer sending a numbered sequence without pause, a consumer
// group reading throughout, while the leader of every partition in turn is killed with kill -9
// and started again, then two brokers at once (acks=all is refused with NOT_ENOUGH_REPLICAS and
// nothing is acknowledged until they are back). Afterwards every acknowledged number is in the
// log exactly once, in order per partition, every replica holds the same records at the same
// offsets, and the group read every acknowledged record, each at the offset the log holds it.
//
//   KAFKADESK_DURABILITY_ROUNDS=N     rounds to run (default 2)
//   KAFKADESK_DURABILITY_LOG=FILE     on a loss, write the cluster's log there
//   KAFKADESK_DURABILITY_KEEP=1       keep each round's data dir (for kafka-dump-log)
import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { startEmbedded, type EmbeddedProcess } from '../helpers/embedded'
import { eventually, repoRoot, runOk } from './target'
import { readReplica } from '../broker/replication/replica-log'
import { RawClient } from '../../src-main/console/raw-client'

const ROUNDS = Math.max(1, Number(process.env.KAFKADESK_DURABILITY_ROUNDS ?? 2))
const PARTITIONS = 3
const TOPIC = 'numbers'
/** Numbers per produce request, so requests stay small and frequent. */
const PER_SEND = 5

interface Round {
  acked: number
  /** Numbers in the final log (distinct). */
  inLog: number
  /** Distinct acknowledged records the group read. */
  read: number
  /** Numbers the log holds more than once. */
  duplicates: number
  /** Acknowledged numbers missing from the log. */
  lost: number
  /** Records read by the group more than once (after a rebalance, from its last committed offset). */
  redelivered: number
  failedSends: number
  /** Records of a resolved send without an answer for their partition (never acknowledged). */
  unsent: number
  leaderKills: number
  /** Produce answers NOT_ENOUGH_REPLICAS while two brokers were down. */
  notEnoughReplicas: number
}

class Brokers {
  readonly pids = new Map<number, number>()
  readonly addresses = new Map<number, string>()

  constructor(
    readonly cluster: EmbeddedProcess,
    readonly dir: string,
  ) {
    for (const m of cluster.stderr().matchAll(/broker (\d+) pid (\d+) listening on (\S+)/g)) {
      this.pids.set(Number(m[1]), Number(m[2]))
      this.addresses.set(Number(m[1]), m[3]!)
    }
  }

  get bootstrap(): string[] {
    return [...this.addresses.values()]
  }

  /** Leaders and ISRs of the topic's partitions, from the first broker that answers Metadata. */
  async partitions(): Promise<{ partition: number; leader: number; isr: number[] }[]> {
    let last: Error | undefined
    for (const address of this.addresses.values()) {
      try {
        const c = await RawClient.connect(address, { connectTimeoutMs: 2000, requestTimeoutMs: 5000 })
        try {
          const md = await c.request(3, 12, {
            topics: [{ name: TOPIC, topicId: Buffer.alloc(16) }],
            allowAutoTopicCreation: false,
            includeTopicAuthorizedOperations: false,
          })
          const t = (md.topics as { name: string; partitions: { partitionIndex: number; leaderId: number; isrNodes: number[] }[] }[]).find(
            (x) => x.name === TOPIC,
          )!
          return t.partitions
            .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, isr: [...p.isrNodes].sort() }))
            .sort((a, b) => a.partition - b.partition)
        } finally {
          c.close()
        }
      } catch (e) {
        last = e as Error
      }
    }
    throw last ?? new Error('no broker answered')
  }

  async start(id: number): Promise<void> {
    const r = await runOk(process.execPath, [join(repoRoot, 'out', 'cli', 'kafkadesk.js'), 'broker', 'start', String(id), '--data-dir', this.dir], {
      timeoutMs: 30_000,
    })
    this.pids.set(id, Number(/pid (\d+)/.exec(r.stdout)![1]))
  }
}

async function runRound(round: number): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), `kafkadesk-durability-${round}-`))
  const cluster = await startEmbedded(dir, ['--brokers', '3'])
  const brokers = new Brokers(cluster, dir)
  const kafka = new Kafka({
    clientId: `durability-${round}`,
    brokers: brokers.bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 },
  })
  const stats: Round = { acked: 0, inLog: 0, read: 0, duplicates: 0, lost: 0, redelivered: 0, failedSends: 0, unsent: 0, leaderKills: 0, notEnoughReplicas: 0 }
  const acked = new Set<number>()
  const seen = new Map<number, Map<number, number>>() // partition → offset → number
  let producing = true
  let consumer: ReturnType<Kafka['consumer']> | undefined
  try {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
      waitForLeaders: true,
    })
    await admin.disconnect()

    consumer = kafka.consumer({
      groupId: `durability-${round}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      retry: { retries: 50, initialRetryTime: 100, maxRetryTime: 1000 },
    })
    await consumer.connect()
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        let m = seen.get(partition)
        if (!m) seen.set(partition, (m = new Map()))
        const offset = Number(message.offset)
        if (m.has(offset)) stats.redelivered++
        m.set(offset, Number(message.value!.toString()))
      },
    })

    // The producer: numbers in order (n = PARTITIONS * k + partition), PER_SEND of one partition at
    // a time, partitions in turn, the next request as soon as one is acknowledged. One partition
    // per send: kafkajs (2.2) resolves a multi-partition send whose retry after a leader change
    // skipped a partition, without sending that partition's records.
    const nextK = new Array<number>(PARTITIONS).fill(0)
    let turn = 0
    const newProducer = async (): Promise<Producer> => {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 50, initialRetryTime: 100, maxRetryTime: 1000 } })
      await p.connect()
      return p
    }
    let producer = await newProducer()
    const sending = (async () => {
      while (producing) {
        const partition = turn++ % PARTITIONS
        const numbers = Array.from({ length: PER_SEND }, () => PARTITIONS * nextK[partition]!++ + partition)
        try {
          const answered = await producer.send({ topic: TOPIC, acks: -1, timeout: 30_000, messages: numbers.map((n) => ({ partition, value: String(n) })) })
          if (answered.length === 1 && answered[0]!.partition === partition && answered[0]!.errorCode === 0) for (const n of numbers) acked.add(n)
          else stats.unsent += numbers.length
        } catch {
          // Not acknowledged (they may or may not be in the log). A fresh producer id, so no
          // later batch can reuse the sequence numbers of a batch the broker may have written.
          stats.failedSends++
          await producer.disconnect().catch(() => {})
          producer = await newProducer()
        }
      }
      await producer.disconnect()
    })()

    await eventually(async () => expect(acked.size).toBeGreaterThan(200), 30_000, 100)
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const { leader } = (await brokers.partitions())[partition]!
      process.kill(brokers.pids.get(leader)!, 'SIGKILL')
      stats.leaderKills++
      const before = acked.size
      // Producing goes on through the election; the killed broker returns once the others took over.
      await eventually(
        async () => {
          const parts = await brokers.partitions()
          expect(parts.every((p) => p.leader !== leader && p.leader >= 0)).toBe(true)
          expect(acked.size).toBeGreaterThan(before + 50)
        },
        30_000,
        100,
      )
      await brokers.start(leader)
      await eventually(async () => expect((await brokers.partitions()).every((p) => p.isr.length === 3)).toBe(true), 60_000, 200)
    }
    // Two brokers down: the survivor leads every partition alone, below min.insync.replicas=2, so
    // acks=all is refused (NOT_ENOUGH_REPLICAS) and nothing more is acknowledged until one is back.
    const survivor = 1
    const downed = [2, 3]
    for (const id of downed) process.kill(brokers.pids.get(id)!, 'SIGKILL')
    await eventually(async () => expect((await brokers.partitions()).every((p) => p.leader === survivor && p.isr.length === 1)).toBe(true), 30_000, 100)
    const strict = kafka.producer({ retry: { retries: 0 } })
    await strict.connect()
    for (let partition = 0; partition < PARTITIONS; partition++) {
      await expect(strict.send({ topic: TOPIC, acks: -1, messages: [{ partition, value: 'refused' }] })).rejects.toMatchObject({
        cause: { type: 'NOT_ENOUGH_REPLICAS' },
      })
      stats.notEnoughReplicas++
    }
    await strict.disconnect()
    const duringOutage = acked.size
    await new Promise((r) => setTimeout(r, 1000))
    expect(acked.size).toBe(duringOutage)
    for (const id of downed) await brokers.start(id)
    await eventually(async () => expect((await brokers.partitions()).every((p) => p.isr.length === 3)).toBe(true), 60_000, 200)
    const beforeStop = acked.size
    await eventually(async () => expect(acked.size).toBeGreaterThan(beforeStop + 100), 30_000, 100)
    producing = false
    await sending

    // Every replica holds the same records at the same offsets.
    const logs: number[][] = []
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const values = await eventually(
        async () => {
          const views = await Promise.all(brokers.bootstrap.map((a) => readReplica(a, TOPIC, partition)))
          for (const v of views) {
            expect(v.highWatermark).toBe(views[0]!.highWatermark)
            expect(v.records.map((r) => [r.offset, r.value])).toEqual(views[0]!.records.map((r) => [r.offset, r.value]))
          }
          return views[0]!.records.map((r) => ({ offset: r.offset, n: Number(r.value) }))
        },
        30_000,
        250,
      )
      // The group reads up to the end, and what it read at each offset is what the log holds there.
      const end = values.length ? values[values.length - 1]!.offset : -1
      await eventually(async () => expect(Math.max(-1, ...(seen.get(partition)?.keys() ?? []))).toBeGreaterThanOrEqual(end), 60_000, 200)
      const byOffset = new Map(values.map((v) => [v.offset, v.n]))
      for (const [offset, n] of seen.get(partition) ?? []) expect(byOffset.get(offset), `partition ${partition} offset ${offset}`).toBe(n)
      logs.push(values.map((v) => v.n))
    }

    const all = logs.flat()
    const distinct = new Set(all)
    stats.inLog = distinct.size
    stats.duplicates = all.length - distinct.size
    stats.acked = acked.size
    const lost = [...acked].filter((n) => !distinct.has(n))
    stats.lost = lost.length
    if (lost.length > 0) {
      process.stdout.write(`[durability] round ${round}: lost ${lost.slice(0, 40).join(',')}\n`)
      for (const [partition, ns] of logs.entries()) {
        const near = ns.findIndex((n) => n > lost[0]!)
        process.stdout.write(`[durability]   partition ${partition} around the first loss: ${ns.slice(Math.max(0, near - 5), near + 5).join(',')}\n`)
      }
      if (process.env.KAFKADESK_DURABILITY_LOG) writeFileSync(process.env.KAFKADESK_DURABILITY_LOG, cluster.stderr())
    }
    const readNumbers = new Set([...seen.values()].flatMap((m) => [...m.values()]))
    stats.read = [...acked].filter((n) => readNumbers.has(n)).length
    // In order per partition: each partition's numbers only increase.
    for (const [partition, ns] of logs.entries()) {
      for (let i = 1; i < ns.length; i++) expect(ns[i], `partition ${partition} at index ${i}`).toBeGreaterThan(ns[i - 1]!)
      for (const n of ns) expect(n % PARTITIONS).toBe(partition)
    }
    return stats
  } finally {
    producing = false
    await consumer?.disconnect().catch(() => {})
    await cluster.stop()
    if (process.env.KAFKADESK_DURABILITY_KEEP) process.stdout.write(`[durability] data kept in ${dir}\n`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

describe('durability of acknowledged records while leaders are killed', () => {
  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: every acknowledged record is in the log once, in order, on every replica, and read by the group`, async () => {
      const s = await runRound(round)
      process.stdout.write(
        `[durability] round ${round}: acked ${s.acked}, read ${s.read}, duplicates ${s.duplicates}, lost ${s.lost} ` +
          `(in log ${s.inLog}, leader kills ${s.leaderKills}, NOT_ENOUGH_REPLICAS with two brokers down ${s.notEnoughReplicas}, failed sends ${s.failedSends}, resolved without an answer ${s.unsent}, redelivered to the group ${s.redelivered})\n`,
      )
      expect(s.acked).toBeGreaterThan(0)
      expect(s.lost).toBe(0)
      expect(s.duplicates).toBe(0)
      expect(s.read).toBe(s.acked)
      expect(s.notEnoughReplicas).toBe(PARTITIONS)
    }, 170_000)
  }
})
