// A full disk under a real client (confluent-kafka-python / librdkafka): the embedded broker's
// data dir is on an 8 MiB tmpfs. When it fills, produce is refused with KAFKA_STORAGE_ERROR
// (not a closed connection) while reads go on; deleting a filler file makes producing work
// again without a restart; SIGTERM on the full disk exits cleanly; and after a restart every
// acknowledged record is there, at its acknowledged offset, and nothing that was refused.
// Needs root for the mount (CI runs as root); a failed mount fails the test.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fillDisk, mountTmpfs, type Tmpfs } from '../helpers/tmpfs'
import { startEmbedded, type EmbeddedProcess } from '../helpers/embedded'
import { pyCall } from './python-driver'
import { kcat } from './target'

const mnt = mkdtempSync(join(tmpdir(), 'kafkadesk-full-'))
const dataDir = join(mnt, 'data')
const filler = join(mnt, 'filler')
let tmpfs: Tmpfs | undefined
let broker: EmbeddedProcess | undefined

afterAll(async () => {
  await broker?.stop('SIGKILL')
  tmpfs?.unmount()
  rmSync(mnt, { recursive: true, force: true })
})

interface Produced {
  acked: Array<[number, number, string]>
  errors: Record<string, number>
}

const produce = (bootstrap: string, topic: string, prefix: string, max: number, stopAfterErrors: number): Promise<Produced> =>
  pyCall<Produced>('disk_full_producer.py', 'produce', bootstrap, { topic, prefix, size: 1000, max, stopAfterErrors }, 120_000)

/** Every record of the topic as "partition offset" → value, read with kcat without a group. */
async function readAll(bootstrap: string, topic: string): Promise<Map<string, string>> {
  const r = await kcat(['-b', bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning', '-q', '-f', '%p %o %s\\n'], { timeoutMs: 60_000 })
  const out = new Map<string, string>()
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [p, o, v] = line.split(' ')
    out.set(`${p} ${o}`, v!)
  }
  return out
}

const asMap = (acked: Produced['acked']): Map<string, string> => new Map(acked.map(([p, o, v]) => [`${p} ${o}`, v]))

describe('a full disk', () => {
  it('refuses produce with KAFKA_STORAGE_ERROR, keeps every acked record and produces again once space returns', async () => {
    tmpfs = mountTmpfs(mnt, '8m')
    mkdirSync(dataDir)
    broker = await startEmbedded(dataDir)
    const topic = 'full-disk'
    await pyCall('confluent_client.py', 'create', broker.bootstrap, { topic, partitions: 3 })

    // fill the disk up to ~1.5 MiB, then produce until the broker refuses
    fillDisk(filler, mnt, 1.5 * 1024 * 1024)
    const first = await produce(broker.bootstrap, topic, 'a', 20_000, 30)
    expect(Object.keys(first.errors)).toEqual(['KAFKA_STORAGE_ERROR'])
    expect(first.acked.length).toBeGreaterThan(500)
    // reads keep working on the full disk, and show exactly what was acknowledged
    expect(await readAll(broker.bootstrap, topic)).toEqual(asMap(first.acked))

    // space returns: the same broker process takes writes again
    rmSync(filler)
    const second = await produce(broker.bootstrap, topic, 'b', 300, 1)
    expect(second.errors).toEqual({})
    expect(second.acked).toHaveLength(300)

    // full again, then SIGTERM while full: a clean exit, no crash in the shutdown
    fillDisk(filler, mnt)
    const third = await produce(broker.bootstrap, topic, 'c', 20_000, 20)
    expect(Object.keys(third.errors)).toEqual(['KAFKA_STORAGE_ERROR'])
    expect(await broker.stop('SIGTERM')).toBe(0)
    expect(broker.stderr()).not.toMatch(/Uncaught|\n\s+at /)

    // restart (with room again: the broker's start writes metadata): every acked record at its
    // offset, and nothing that was refused
    rmSync(filler)
    broker = await startEmbedded(dataDir)
    const acked = asMap([...first.acked, ...second.acked, ...third.acked])
    expect(acked.size).toBe(first.acked.length + second.acked.length + third.acked.length) // no offset acked twice
    expect(await readAll(broker.bootstrap, topic)).toEqual(acked)
    await broker.stop('SIGTERM')
    broker = undefined
  }, 300_000)
})
