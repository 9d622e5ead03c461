// Durability: every acknowledged message survives a SIGKILL of the broker process, and topic
// metadata, configs and idempotent-producer state come back on restart.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, readdirSync, statSync, openSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel, CompressionTypes } from 'kafkajs'
import { startEmbedded } from '../helpers/embedded'
import { runOk } from '../interop/target'

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-restart-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const client = (bootstrap: string) => new Kafka({ clientId: 'restart-test', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING })

/** Reads every partition to its end with kcat (librdkafka), without a consumer group. */
async function readAll(bootstrap: string, topic: string, partitions: number): Promise<Map<number, { offset: string; key: string; value: string }[]>> {
  const r = await runOk('kcat', ['-b', bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning', '-q', '-f', '%p %o %k %s\\n'], { timeoutMs: 30_000 })
  const out = new Map<number, { offset: string; key: string; value: string }[]>()
  for (let p = 0; p < partitions; p++) out.set(p, [])
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [p, offset, key, value] = line.split(' ')
    out.get(Number(p))!.push({ offset, key, value })
  }
  return out
}

describe('restart', () => {
  it('keeps every acknowledged message through SIGKILL, and recovers a torn tail', async () => {
    const topic = 'durable'
    let broker = await startEmbedded(dir)
    const admin = client(broker.bootstrap).admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] })
    await admin.disconnect()
    const producer = client(broker.bootstrap).producer({ idempotent: true })
    await producer.connect()
    const acked: string[] = []
    for (let round = 0; round < 20; round++) {
      const messages = Array.from({ length: 50 }, (_, i) => ({ key: `key-${i % 7}`, value: `r${round}-m${i}` }))
      await producer.send({ topic, acks: -1, compression: round % 2 ? CompressionTypes.GZIP : CompressionTypes.None, messages })
      acked.push(...messages.map((m) => m.value))
    }
    await producer.disconnect()
    const before = await readAll(broker.bootstrap, topic, 3)

    expect(await broker.stop('SIGKILL')).toBe(null)

    // Simulate a write torn by the crash: half a batch of garbage at the end of a segment.
    const part = join(dir, 'broker-1', `${topic}-0`)
    const seg = readdirSync(part)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .at(-1)!
    const segPath = join(part, seg)
    const sizeBefore = statSync(segPath).size
    const fd = openSync(segPath, 'a')
    writeSync(fd, Buffer.from('0000000000000999000000ffdeadbeef', 'hex'))
    closeSync(fd)

    broker = await startEmbedded(dir)
    expect(statSync(segPath).size).toBe(sizeBefore)
    const after = await readAll(broker.bootstrap, topic, 3)
    expect(after).toEqual(before)
    const values = [...after.values()].flat().map((m) => m.value)
    expect(values.sort()).toEqual([...acked].sort())
    for (const msgs of after.values())
      msgs.forEach((m, i) => {
        expect(Number(m.offset)).toBe(i)
      })

    // Topic metadata and configs came back too.
    const admin2 = client(broker.bootstrap).admin()
    await admin2.connect()
    const md = await admin2.fetchTopicMetadata({ topics: [topic] })
    expect(md.topics[0].partitions).toHaveLength(3)
    const cfg = await admin2.describeConfigs({ resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }], includeSynonyms: false })
    expect(cfg.resources[0].configEntries[0].configValue).toBe('3600000')
    await admin2.disconnect()
    await broker.stop()
  })
})
