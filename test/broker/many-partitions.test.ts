// 50,000 partitions (500 topics × 100) on one broker process limited to 1024 open files:
// created, produced to (one record each), killed with SIGKILL, restarted (recovery checks every
// log's tail) and read back. Before segment fds were pooled, ~7,000 partitions hit EMFILE.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnReady, type ReadyProcess } from '../helpers/ready-process'
import { RawClient } from '../../src-main/console/raw-client'
import { buildBatch, decodeRecords } from '../../src-main/broker/records/record'
import { splitBatches } from '../../src-main/broker/records/batch'

const TOPICS = 500
const PARTITIONS = 100
/** Topics per CreateTopics / Produce / Fetch request (2,500 partitions: under max.partitions.per.request). */
const PER_REQUEST = 25
const FD_LIMIT = 1024
/** Kafka API keys. */
const API = { Produce: 0, Fetch: 1, CreateTopics: 19 } as const

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-many-'))
let broker: ReadyProcess | undefined
// Removing 50,000 partition directories takes minutes on a disk a parallel suite keeps busy.
afterAll(async () => {
  await broker?.stop('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
}, 600_000)

const topicName = (t: number): string => `many-${String(t).padStart(3, '0')}`

/**
 * The CLI's cluster under `ulimit -n 1024`, as a user with the default limit runs it. A broker
 * heartbeats from the thread that creates partition logs, so on a disk saturated by a parallel
 * suite one CreateTopics of 2,500 partitions has held its heartbeats back past Kafka's 9 s
 * session and fenced it mid-test; what is tested here is file handles and restarts, not that.
 */
function start(): Promise<ReadyProcess> {
  return spawnReady(
    'bash',
    [
      '-c',
      `ulimit -n ${FD_LIMIT} && exec "$0" "$1" cluster --port 0 --data-dir "$2" --config broker.session.timeout.ms=60000`,
      process.execPath,
      join(repoRoot, 'out/cli/kafkadesk.js'),
      dir,
    ],
    {
      label: 'cluster under ulimit -n 1024',
      timeoutMs: 150_000,
    },
  )
}

function openFiles(pid: number): { limit: number; open: number } {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8')
  const m = /^Max open files\s+(\d+)/m.exec(limits)
  return { limit: Number(m?.[1]), open: readdirSync(`/proc/${pid}/fd`).length }
}

function chunks(): number[][] {
  const out: number[][] = []
  for (let t = 0; t < TOPICS; t += PER_REQUEST) out.push(Array.from({ length: Math.min(PER_REQUEST, TOPICS - t) }, (_, i) => t + i))
  return out
}

describe('many partitions on a small fd limit', () => {
  it('creates, produces to, kill -9s, restarts and reads back 50,000 partitions under ulimit -n 1024', async () => {
    // printed as they come, so a slow step shows even when a later one fails
    const figures = new Proxy({} as Record<string, number>, {
      set(o, k, v: number) {
        o[String(k)] = v
        console.log(`many-partitions: ${String(k)} = ${Math.round(v)}`)
        return true
      },
    })
    let t0 = performance.now()
    broker = await start()
    const pid = broker.child.pid!
    expect(openFiles(pid).limit).toBe(FD_LIMIT)
    let c = await RawClient.connect(broker.bootstrap, { clientId: 'many-partitions', requestTimeoutMs: 120_000 })

    t0 = performance.now()
    for (const group of chunks()) {
      const r = await c.request(API.CreateTopics, 5, {
        topics: group.map((t) => ({ name: topicName(t), numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] })),
        timeoutMs: 120_000,
        validateOnly: false,
      })
      for (const t of r.topics) expect(t.errorCode, `${t.name}: ${t.errorMessage}`).toBe(0)
    }
    figures.createMs = performance.now() - t0

    t0 = performance.now()
    const now = Date.now()
    for (const group of chunks()) {
      const r = await c.request(API.Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 60_000,
        topicData: group.map((t) => ({
          name: topicName(t),
          partitionData: Array.from({ length: PARTITIONS }, (_, p) => ({
            index: p,
            records: buildBatch({ timestamp: now, records: [{ key: null, value: `${topicName(t)}/${p}` }] }),
          })),
        })),
      })
      for (const t of r.responses)
        for (const p of t.partitionResponses) {
          expect(p.errorCode, `${t.name}-${p.index}`).toBe(0)
          expect(Number(p.baseOffset)).toBe(0)
        }
    }
    figures.produceMs = performance.now() - t0
    const during = openFiles(pid)
    figures.openFilesAfterProduce = during.open
    expect(during.open).toBeLessThan(FD_LIMIT)

    c.close()
    expect(await broker.stop('SIGKILL')).toBe(null)
    broker = await start()
    figures.restartAfterKillMs = broker.readyMs
    c = await RawClient.connect(broker.bootstrap, { clientId: 'many-partitions', requestTimeoutMs: 120_000 })

    t0 = performance.now()
    let read = 0
    for (const group of chunks()) {
      const r = await c.request(API.Fetch, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 64 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: group.map((t) => ({
          topic: topicName(t),
          partitions: Array.from({ length: PARTITIONS }, (_, p) => ({
            partition: p,
            currentLeaderEpoch: -1,
            fetchOffset: 0,
            lastFetchedEpoch: -1,
            logStartOffset: -1,
            partitionMaxBytes: 4096,
          })),
        })),
        forgottenTopicsData: [],
        rackId: '',
      })
      expect(r.errorCode).toBe(0)
      for (const t of r.responses)
        for (const p of t.partitions) {
          const where = `${t.topic}-${p.partitionIndex}`
          expect(p.errorCode, where).toBe(0)
          expect(Number(p.highWatermark), where).toBe(1)
          const values = splitBatches(p.records ?? Buffer.alloc(0)).batches.flatMap((b) => decodeRecords(b).map((x) => x.value!.toString()))
          expect(values, where).toEqual([`${t.topic}/${p.partitionIndex}`])
          read++
        }
    }
    figures.fetchMs = performance.now() - t0
    expect(read).toBe(TOPICS * PARTITIONS)
    c.close()

    // a clean stop marks every log; the next start trusts them
    t0 = performance.now()
    // 50,000 logs closing (a marker and a producer snapshot each) on a disk shared with a busy suite can take more than the usual 30 s grace.
    const stopped = await broker.stop('SIGTERM', 180_000)
    figures.cleanStopMs = performance.now() - t0
    expect(stopped, broker.stderr().slice(-2000)).toBe(0)
    broker = await start()
    figures.restartAfterCleanStopMs = broker.readyMs
    expect(broker.stderr()).not.toMatch(/EMFILE|could not be opened/)
    figures.logsOpenedMs = Number(/opened \d+ partition logs in (\d+) ms/.exec(broker.stderr())?.[1] ?? -1)
  }, 600_000)
})
