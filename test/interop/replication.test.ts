// Follower replication on `kafkadesk cluster --brokers 3`, one OS process per broker, seen with
// real clients: every replica of an RF=3 topic holds the same records at the same offsets, Kafka's
// kafka-topics tool shows all three in the ISR, a follower that stops fetching leaves the ISR after
// replica.lag.time.max.ms and comes back once it has caught up, a follower killed with kill -9
// rejoins after `kafkadesk broker start`, kafka-replica-verification reports no lag, acks=all is refused with NOT_ENOUGH_REPLICAS while two
// brokers are down without losing anything acknowledged, and consumers never see records beyond
// the high watermark. KAFKADESK_REPLICATION_LOG=FILE writes the Java consumer's and the cluster's
// logs there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { spawn, spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { startEmbedded, type EmbeddedProcess } from '../helpers/embedded'
import { eventually, kafkaTool, repoRoot } from './target'
import { readReplica, type ReplicaRecord } from '../broker/replication/replica-log'
import { RawClient } from '../../src-main/console/raw-client'

/** Long enough that a noisy machine does not drop healthy followers, short enough for a test. */
const LAG_MS = 2500

let cluster: EmbeddedProcess
let dir: string
const brokers = new Map<number, { pid: number; address: string }>()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-replication-'))
  // A long session timeout: a paused broker is then dropped from the ISR by its leader (lag), not fenced by the controller.
  cluster = await startEmbedded(dir, ['--brokers', '3', '--config', `replica.lag.time.max.ms=${LAG_MS}`, '--config', 'broker.session.timeout.ms=60000'])
  for (const m of cluster.stderr().matchAll(/broker (\d+) pid (\d+) listening on (\S+)/g)) brokers.set(Number(m[1]), { pid: Number(m[2]), address: m[3]! })
}, 60_000)

afterAll(async () => {
  for (const b of brokers.values()) {
    try {
      process.kill(b.pid, 'SIGCONT')
    } catch {
      // already gone
    }
  }
  await cluster?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function address(id: number): string {
  return brokers.get(id)!.address
}

function kafka(ids = [1, 2, 3]): Kafka {
  return new Kafka({ clientId: 'replication-test', brokers: ids.map(address), logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } })
}

async function withAdmin<T>(fn: (a: Admin) => Promise<T>, ids = [1, 2, 3]): Promise<T> {
  const a = kafka(ids).admin()
  await a.connect()
  try {
    return await fn(a)
  } finally {
    await a.disconnect()
  }
}

/**
 * The ISR of a partition as one broker tells it (Metadata v12 straight to that broker: kafkajs
 * may pick any broker for metadata, and a paused one never answers).
 */
async function isr(topic: string, partition: number, via = 1): Promise<number[]> {
  const c = await RawClient.connect(address(via))
  try {
    const md = await c.request(3, 12, {
      topics: [{ name: topic, topicId: Buffer.alloc(16) }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    })
    const t = (md.topics as { name: string; partitions: { partitionIndex: number; isrNodes: number[] }[] }[]).find((x) => x.name === topic)
    return [...(t?.partitions.find((p) => p.partitionIndex === partition)?.isrNodes ?? [])].sort()
  } finally {
    c.close()
  }
}

/** Waits until every replica of the partition serves the same records up to the same high watermark, and returns them. */
async function replicasAgree(topic: string, partition: number, replicas: number[], expectedCount: number): Promise<ReplicaRecord[]> {
  return eventually(
    async () => {
      const views = await Promise.all(replicas.map((id) => readReplica(address(id), topic, partition)))
      for (const v of views) expect(v.highWatermark).toBe(views[0]!.highWatermark)
      for (const v of views) expect(v.records).toEqual(views[0]!.records)
      expect(views[0]!.records).toHaveLength(expectedCount)
      return views[0]!.records
    },
    20_000,
    200,
  )
}

function kafkadesk(...args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'out', 'cli', 'kafkadesk.js'), ...args], { encoding: 'utf8', timeout: 30_000 })
}

function restart(id: number): void {
  const started = kafkadesk('broker', 'start', String(id), '--data-dir', dir)
  expect(started.status, started.stderr).toBe(0)
  const m = /pid (\d+)/.exec(started.stdout)
  expect(m).not.toBeNull()
  brokers.set(id, { pid: Number(m![1]), address: address(id) })
}

describe('follower replication on three broker processes', () => {
  it('copies every record to every replica at the same offsets, and kafka-topics shows an ISR of three', async () => {
    const topic = 'replicated'
    await kafkaTool('kafka-topics', [
      '--bootstrap-server',
      address(1),
      '--create',
      '--topic',
      topic,
      '--partitions',
      '3',
      '--replication-factor',
      '3',
      '--config',
      'min.insync.replicas=2',
    ])
    const producer = kafka().producer()
    await producer.connect()
    for (let i = 0; i < 10; i++) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 30 }, (_, j) => ({ partition: (i * 30 + j) % 3, key: `k${i * 30 + j}`, value: `v${i * 30 + j}` })),
      })
    }
    await producer.disconnect()
    for (let p = 0; p < 3; p++) {
      const records = await replicasAgree(topic, p, [1, 2, 3], 100)
      expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    }
    const described = await kafkaTool('kafka-topics', ['--bootstrap-server', address(2), '--describe', '--topic', topic])
    const rows = described.stdout.split('\n').filter((l) => /\tPartition: \d+/.test(l))
    expect(rows).toHaveLength(3)
    for (const row of rows) {
      const replicas = /Replicas: ([\d,]+)/.exec(row)![1]!.split(',').sort()
      expect(/Isr: ([\d,]+)/.exec(row)![1]!.split(',').sort()).toEqual(replicas)
      expect(replicas).toEqual(['1', '2', '3'])
    }
    // The committed end offset, as Kafka's tool reads it from each partition's leader.
    const offsets = await kafkaTool('kafka-get-offsets', ['--bootstrap-server', address(3), '--topic', topic])
    expect(offsets.stdout.trim().split('\n').sort()).toEqual([`${topic}:0:100`, `${topic}:1:100`, `${topic}:2:100`])
  }, 90_000)

  it('is reported in step by kafka-replica-verification: max lag 0 on every partition', async () => {
    // The tool fetches every partition from every replica (Fetch v18, replica id -2) and compares
    // what they hold; it runs until stopped, printing a report every interval.
    const tool = spawn(
      'bash',
      [
        join(repoRoot, 'scripts', 'kafka', 'kafka-run.sh'),
        'org.apache.kafka.tools.ReplicaVerificationTool',
        '--broker-list',
        address(1),
        '--topics-include',
        'replicated',
        '--report-interval-ms',
        '2000',
      ],
      { cwd: repoRoot },
    )
    let out = ''
    tool.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    tool.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    try {
      await eventually(async () => expect(out.match(/max lag is \S+ for partition/g)?.length ?? 0).toBeGreaterThanOrEqual(2), 60_000, 200)
    } finally {
      tool.kill('SIGKILL')
    }
    const reports = [...out.matchAll(/max lag is (-?\d+) for partition (\S+) at offset (-?\d+) among (\d+) partitions/g)]
    expect(reports.length).toBeGreaterThanOrEqual(2)
    for (const r of reports) {
      expect(r[1]).toBe('0')
      expect(r[4]).toBe('3')
    }
  }, 90_000)

  it('drops a follower that stops fetching from the ISR after replica.lag.time.max.ms, hides records only the leader has, and takes it back once caught up', async () => {
    const topic = 'lagging'
    await withAdmin((a) =>
      a.createTopics({
        topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }], configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
        waitForLeaders: true,
      }),
    )
    const producer = kafka([1]).producer()
    await producer.connect()
    await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: 'before' }] })
    const paused = brokers.get(3)!.pid
    process.kill(paused, 'SIGSTOP')
    try {
      const t0 = Date.now()
      // Only the leader and broker 2 can take this record; broker 3 is still in the ISR, so the high watermark stays.
      const [sent] = await producer.send({ topic, acks: 1, messages: [{ partition: 0, value: 'uncommitted' }] })
      const offset = Number(sent!.baseOffset)
      expect(offset).toBe(1)
      let hiddenSeen = false
      const c = await RawClient.connect(address(1))
      try {
        for (;;) {
          const res = await c.request(1, 12, {
            replicaId: -1,
            maxWaitMs: 0,
            minBytes: 0,
            maxBytes: 1 << 20,
            isolationLevel: 0,
            sessionId: 0,
            sessionEpoch: -1,
            topics: [
              {
                topic,
                partitions: [
                  { partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 },
                ],
              },
            ],
            forgottenTopicsData: [],
            rackId: '',
          })
          const p = res.responses[0].partitions[0]
          const hw = Number(p.highWatermark)
          // A consumer is never handed a record at or past the high watermark.
          if (hw <= offset) {
            expect(p.records === null || p.records.length === 0).toBe(true)
            if ((await isr(topic, 0, 1)).includes(3)) hiddenSeen = true
          } else {
            expect(p.records?.length ?? 0).toBeGreaterThan(0)
            break
          }
          expect(Date.now() - t0).toBeLessThan(30_000)
          await new Promise((r) => setTimeout(r, 100))
        }
      } finally {
        c.close()
      }
      expect(hiddenSeen).toBe(true)
      // The record became visible because the leader dropped the silent follower from the ISR.
      expect(await isr(topic, 0, 1)).toEqual([1, 2])
      process.stdout.write(`[replication] paused follower left the ISR after ${Date.now() - t0} ms (replica.lag.time.max.ms=${LAG_MS})\n`)
      // With two in sync, acks=all (min.insync.replicas=2) goes on.
      await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: 'after-shrink' }] })
    } finally {
      process.kill(paused, 'SIGCONT')
    }
    await eventually(async () => expect(await isr(topic, 0, 1)).toEqual([1, 2, 3]), 20_000)
    const records = await replicasAgree(topic, 0, [1, 2, 3], 3)
    expect(records.map((r) => r.value)).toEqual(['before', 'uncommitted', 'after-shrink'])
    await producer.disconnect()
  }, 90_000)

  it('takes a follower killed with kill -9 out of the ISR and back in after `kafkadesk broker start`', async () => {
    const topic = 'killed-follower'
    await withAdmin((a) =>
      a.createTopics({
        topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }], configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
        waitForLeaders: true,
      }),
    )
    const producer = kafka([1, 2]).producer()
    await producer.connect()
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 50 }, (_, i) => ({ partition: 0, value: `a${i}` })) })
    process.kill(brokers.get(3)!.pid, 'SIGKILL')
    await eventually(async () => expect(await isr(topic, 0, 2)).toEqual([1, 2]), 15_000)
    // Two replicas in sync still satisfy min.insync.replicas=2.
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 50 }, (_, i) => ({ partition: 0, value: `b${i}` })) })
    restart(3)
    await eventually(async () => expect(await isr(topic, 0)).toEqual([1, 2, 3]), 20_000)
    const records = await replicasAgree(topic, 0, [1, 2, 3], 100)
    expect(records.map((r) => r.value)).toEqual([...Array.from({ length: 50 }, (_, i) => `a${i}`), ...Array.from({ length: 50 }, (_, i) => `b${i}`)])
    await producer.disconnect()
  }, 90_000)

  it('keeps a Java consumer reading across a kill -9 of the leader (it checks its position with OffsetForLeaderEpoch)', async () => {
    // Assigned, not in a group: what is tested is the fetch path across the leader change.
    const topic = 'java-failover'
    await withAdmin((a) =>
      a.createTopics({
        topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }], configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
        waitForLeaders: true,
      }),
    )
    await eventually(async () => expect(await isr(topic, 0)).toEqual([1, 2, 3]), 15_000)
    const before = Array.from({ length: 50 }, (_, i) => `a${i}`)
    const after = Array.from({ length: 50 }, (_, i) => `b${i}`)
    const producer = kafka([2, 3]).producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    await producer.send({ topic, acks: -1, messages: before.map((value) => ({ partition: 0, value })) })
    const consumer = spawn(
      'bash',
      [
        join(repoRoot, 'scripts', 'kafka', 'kafka-console-consumer'),
        '--bootstrap-server',
        address(2),
        '--topic',
        topic,
        '--partition',
        '0',
        '--offset',
        'earliest',
        '--max-messages',
        '100',
        '--timeout-ms',
        '60000',
      ],
      { cwd: repoRoot },
    )
    const lines: string[] = []
    let stderr = ''
    consumer.stdout.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter((l) => l !== '')))
    consumer.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const exited = new Promise<number | null>((r) => consumer.once('exit', r))
    let killed = false
    try {
      await eventually(async () => expect(lines.length).toBe(50), 60_000, 100)
      process.kill(brokers.get(1)!.pid, 'SIGKILL')
      killed = true
      await producer.send({ topic, acks: -1, messages: after.map((value) => ({ partition: 0, value })) })
      expect(await exited).toBe(0)
    } finally {
      consumer.kill('SIGKILL')
      await producer.disconnect()
      if (killed) restart(1)
    }
    if (process.env.KAFKADESK_REPLICATION_LOG) writeFileSync(process.env.KAFKADESK_REPLICATION_LOG, `${stderr}\n--- cluster ---\n${cluster.stderr()}`)
    expect(lines).toEqual([...before, ...after])
    expect(stderr).toContain('Processed a total of 100 messages')
    expect(stderr).not.toMatch(/[Tt]runcation detected/)
    await eventually(async () => expect(await isr(topic, 0)).toEqual([1, 2, 3]), 20_000)
  }, 120_000)

  it("keeps a Java consumer group reading when its group coordinator's broker is killed (__consumer_offsets is replicated)", async () => {
    const topic = 'group-failover'
    const group = 'group-failover'
    await withAdmin((a) =>
      a.createTopics({
        topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [2, 3, 1] }], configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
        waitForLeaders: true,
      }),
    )
    const before = Array.from({ length: 50 }, (_, i) => `a${i}`)
    const after = Array.from({ length: 50 }, (_, i) => `b${i}`)
    const producer = kafka([1, 2, 3]).producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    await producer.send({ topic, acks: -1, messages: before.map((value) => ({ partition: 0, value })) })
    // Exits once nothing new came for 10 s; a rebalance may hand some records over again, which is allowed.
    const consumer = spawn(
      'bash',
      [
        join(repoRoot, 'scripts', 'kafka', 'kafka-console-consumer'),
        '--bootstrap-server',
        address(2),
        '--topic',
        topic,
        '--group',
        group,
        '--from-beginning',
        '--timeout-ms',
        '10000',
      ],
      { cwd: repoRoot },
    )
    const lines: string[] = []
    consumer.stdout.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter((l) => l !== '')))
    consumer.stderr.resume()
    const exited = new Promise<number | null>((r) => consumer.once('exit', r))
    let killed: number | undefined
    try {
      await eventually(async () => expect(lines.length).toBeGreaterThanOrEqual(50), 60_000, 100)
      const c = await RawClient.connect(address(2))
      const found = await c.request(10, 4, { keyType: 0, coordinatorKeys: [group] })
      c.close()
      killed = found.coordinators[0].nodeId as number
      expect([1, 2, 3]).toContain(killed)
      process.kill(brokers.get(killed)!.pid, 'SIGKILL')
      await producer.send({ topic, acks: -1, messages: after.map((value) => ({ partition: 0, value })) })
      await exited
    } finally {
      consumer.kill('SIGKILL')
      await producer.disconnect()
      if (killed !== undefined) restart(killed)
    }
    expect([...new Set(lines)]).toEqual([...before, ...after])
    await eventually(async () => expect(await isr(topic, 0)).toEqual([1, 2, 3]), 20_000)
  }, 120_000)

  it('refuses acks=all with NOT_ENOUGH_REPLICAS while two brokers are down, then goes on, losing nothing acknowledged', async () => {
    const topic = 'two-down'
    await withAdmin((a) =>
      a.createTopics({
        topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }], configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
        waitForLeaders: true,
      }),
    )
    await eventually(async () => expect(await isr(topic, 0)).toEqual([1, 2, 3]), 15_000)
    const acked: string[] = []
    const producer = kafka([1]).producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    for (let i = 0; i < 20; i++) {
      await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: `n${i}` }] })
      acked.push(`n${i}`)
    }
    process.kill(brokers.get(2)!.pid, 'SIGKILL')
    process.kill(brokers.get(3)!.pid, 'SIGKILL')
    await eventually(async () => expect(await isr(topic, 0, 1)).toEqual([1]), 15_000)
    const strict = kafka([1]).producer({ retry: { retries: 0 } })
    await strict.connect()
    await expect(strict.send({ topic, acks: -1, messages: [{ partition: 0, value: 'refused' }] })).rejects.toMatchObject({
      cause: { type: 'NOT_ENOUGH_REPLICAS' },
    })
    await strict.disconnect()
    // A producer that retries blocks meanwhile, and is answered once a follower is back in the ISR.
    const blocked = kafka([1]).producer({ retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 1000 } })
    await blocked.connect()
    let answered = false
    const pending = blocked.send({ topic, acks: -1, messages: [{ partition: 0, value: 'blocked' }] }).then((r) => {
      answered = true
      return r
    })
    await new Promise((r) => setTimeout(r, 1500))
    expect(answered).toBe(false)
    restart(2)
    const [res] = await pending
    expect(res!.errorCode).toBe(0)
    acked.push('blocked')
    await blocked.disconnect()
    restart(3)
    await eventually(async () => expect(await isr(topic, 0)).toEqual([1, 2, 3]), 20_000)
    const records = await replicasAgree(topic, 0, [1, 2, 3], acked.length)
    expect(records.map((r) => r.value)).toEqual(acked)
    await producer.disconnect()
  }, 120_000)
})
