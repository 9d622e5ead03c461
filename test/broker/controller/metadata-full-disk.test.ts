// The controller's metadata log on a real full disk: `kafkadesk cluster` with its data dir on a
// 4 MiB tmpfs. Once the disk is full, CreateTopics from a real client (kafkajs) is answered
// KAFKA_STORAGE_ERROR instead of crashing the supervisor; the cluster keeps serving (metadata,
// reads with kcat); once space returns topics are created again; and after a restart every
// acknowledged topic is there and no refused one is. Needs root for the mount (CI runs as root).
import { mkdtempSync, rmSync, statfsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fillDisk, mountTmpfs, type Tmpfs } from '../../helpers/tmpfs'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { startEmbedded, type EmbeddedProcess } from '../../helpers/embedded'
import { kcat } from '../../interop/target'
import { alive, brokerPid } from '../fuzz/process-memory'

const mnt = mkdtempSync(join(tmpdir(), 'kafkadesk-mdfull-'))
const dataDir = join(mnt, 'data')
const filler = join(mnt, 'filler')
let tmpfs: Tmpfs | undefined
let cluster: EmbeddedProcess | undefined

afterAll(async () => {
  const pids = cluster ? [...cluster.brokerPids.values()] : []
  await cluster?.stop('SIGKILL')
  // the broker processes exit once their supervisor is gone; until then they hold the mount
  const t0 = Date.now()
  while (pids.some(alive) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50))
  tmpfs?.unmount()
  rmSync(mnt, { recursive: true, force: true })
})

async function withAdmin<T>(c: EmbeddedProcess, fn: (a: Admin) => Promise<T>): Promise<T> {
  const kafka = new Kafka({ clientId: 'metadata-full-disk', brokers: [`${c.host}:${c.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
  const a = kafka.admin()
  await a.connect()
  try {
    return await fn(a)
  } finally {
    await a.disconnect()
  }
}

/** Creates one topic; its Kafka error name when refused, null when created. */
async function create(a: Admin, topic: string): Promise<string | null> {
  try {
    await a.createTopics({ topics: [{ topic, numPartitions: 1 }] })
    return null
  } catch (e) {
    const errors = (e as { errors?: { type?: string }[] }).errors
    return errors?.[0]?.type ?? String(e)
  }
}

describe('the metadata log on a full disk', () => {
  it('answers CreateTopics KAFKA_STORAGE_ERROR, keeps serving, creates again once space returns and keeps exactly the acknowledged topics', async () => {
    tmpfs = mountTmpfs(mnt, '4m')
    cluster = await startEmbedded(dataDir)
    const broker = brokerPid(cluster)
    await withAdmin(cluster, (a) => a.createTopics({ topics: [{ topic: 'before', numPartitions: 1 }] }))
    await kcat(['-b', `${cluster.host}:${cluster.port}`, '-P', '-t', 'before', '-p', '0'], { input: 'kept\n', timeoutMs: 30_000 })

    fillDisk(filler, mnt)
    const acked: string[] = []
    const refused: string[] = []
    const others: string[] = []
    await withAdmin(cluster, async (a) => {
      // A full tmpfs still takes appends into the metadata log's last, partly used page: topics
      // are created until that page is used up, then refused.
      for (let i = 0; i < 400 && refused.length < 3; i++) {
        const name = `full-${i}`
        const err = await create(a, name)
        if (err === null) acked.push(name)
        else if (err === 'KAFKA_STORAGE_ERROR') refused.push(name)
        else others.push(`${name}: ${err}`)
      }
    })
    console.log(`metadata full disk: ${acked.length} topics created on the full disk before the first refusal, ${refused.length} refused`)
    expect(others).toEqual([])
    expect(refused.length).toBe(3)
    // nobody crashed: the supervisor, its controller and the broker process all still serve
    expect(cluster.child.exitCode).toBeNull()
    expect(alive(broker)).toBe(true)
    const listed = await withAdmin(cluster, (a) => a.listTopics())
    for (const t of refused) expect(listed).not.toContain(t)
    for (const t of acked) expect(listed).toContain(t)
    const read = await kcat(['-b', `${cluster.host}:${cluster.port}`, '-C', '-t', 'before', '-e', '-o', 'beginning', '-q', '-f', '%s\\n'], {
      timeoutMs: 30_000,
    })
    expect(read.stdout.trim()).toBe('kept')

    rmSync(filler)
    expect(await withAdmin(cluster, (a) => create(a, 'after-space'))).toBe(null)

    // a clean stop, a start: exactly the acknowledged topics
    expect(await cluster.stop('SIGTERM')).toBe(0)
    cluster = await startEmbedded(dataDir)
    const afterRestart = await withAdmin(cluster, (a) => a.listTopics())
    expect(afterRestart.filter((t) => !t.startsWith('__')).sort()).toEqual(['after-space', 'before', ...acked].sort())
    const again = await kcat(['-b', `${cluster.host}:${cluster.port}`, '-C', '-t', 'before', '-e', '-o', 'beginning', '-q', '-f', '%s\\n'], {
      timeoutMs: 30_000,
    })
    expect(again.stdout.trim()).toBe('kept')
    expect(statfsSync(mnt).bavail).toBeGreaterThan(0)
  }, 150_000)
})
