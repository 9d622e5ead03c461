// Compression bombs from a hostile producer: the broker (a separate process) refuses each with
// MESSAGE_TOO_LARGE quickly, keeps its memory, and a second client's round trips stay fast.
// Memory is read on the broker's own process (the `cluster` process only supervises), sampled
// through the barrage so a bomb decompressed and freed between two reads still counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompressionTypes, Kafka, logLevel } from 'kafkajs'
import { startEmbedded, type EmbeddedProcess } from '../../helpers/embedded'
import { WireClient } from '../fuzz/wire-client'
import { startHealthyClient } from '../fuzz/healthy-client'
import { CODECS, MiB, batchAround, bomb, type CodecName } from '../records/bombs'
import { alive, brokerPid, rssMiB } from '../fuzz/process-memory'

const MESSAGE_TOO_LARGE = 10

let broker: EmbeddedProcess
const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-bombs-'))

interface ProduceAnswer {
  responses: { partitionResponses: { errorCode: number; errorMessage: string | null }[] }[]
}

beforeAll(async () => {
  broker = await startEmbedded(dir)
  const c = await WireClient.connect(broker.host, broker.port)
  const topic = (name: string, configs: { name: string; value: string }[] = []) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs })
  // 'bombs' has Kafka's default limit (checked inline); 'bombs-wide' allows 16 MiB batches, so
  // its bombs are decompressed off the event loop up to that limit.
  await c.request(19, 7, {
    topics: [topic('healthy'), topic('bombs'), topic('bombs-wide', [{ name: 'max.message.bytes', value: String(16 * MiB) }])],
    timeoutMs: 5000,
    validateOnly: false,
  })
  c.close()
})

afterAll(async () => {
  await broker?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('compression bombs', () => {
  it('refuses a bomb of each codec quickly while another client stays fast, and memory stays bounded', async () => {
    const pid = brokerPid(broker)
    const hostile = await WireClient.connect(broker.host, broker.port)
    const bombs = Object.fromEntries((Object.keys(CODECS) as CodecName[]).map((c) => [c, batchAround(CODECS[c], bomb(c))]))
    // The healthy client's baseline, then the same loop while bombs arrive.
    const baseline = await startHealthyClient(broker.host, broker.port, 'healthy')
    await new Promise((r) => setTimeout(r, 1500))
    const base = await baseline.stop()
    const rssBefore = rssMiB(pid)
    let rssPeak = rssBefore
    const sampler = setInterval(() => {
      if (alive(pid)) rssPeak = Math.max(rssPeak, rssMiB(pid))
    }, 50)
    const refusals: Record<string, number[]> = {}
    const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
    /** Bombs of every codec, one after another, at one topic for `ms` while the healthy client runs. */
    const barrage = async (topic: string, ms: number) => {
      const healthy = await startHealthyClient(broker.host, broker.port, 'healthy')
      const until = performance.now() + ms
      while (performance.now() < until) {
        for (const codec of Object.keys(CODECS) as CodecName[]) {
          const t0 = performance.now()
          const res = await hostile.request<ProduceAnswer>(0, 9, {
            transactionalId: null,
            acks: 1,
            timeoutMs: 5000,
            topicData: [{ name: topic, partitionData: [{ index: 0, records: bombs[codec] }] }],
          })
          ;(refusals[`${topic}/${codec}`] ??= []).push(performance.now() - t0)
          expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(MESSAGE_TOO_LARGE)
        }
      }
      return healthy.stop()
    }
    const atDefault = await barrage('bombs', 3000)
    const atWide = await barrage('bombs-wide', 3000)
    clearInterval(sampler)
    const rssAfter = rssMiB(pid)
    hostile.close()
    const figures = Object.fromEntries(Object.entries(refusals).map(([k, v]) => [k, `median ${median(v).toFixed(1)} ms, max ${Math.max(...v).toFixed(1)} ms`]))
    console.log('bomb refusals:', figures)
    const line = (s: typeof base) => `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (${s.count} round trips)`
    console.log(
      `healthy client: baseline ${line(base)}; bombs at 1 MiB ${line(atDefault)}; bombs at 16 MiB ${line(atWide)}; broker process RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} → ${rssAfter.toFixed(0)} MiB`,
    )
    expect(atDefault.failures).toEqual([])
    expect(atWide.failures).toEqual([])
    expect(atDefault.count).toBeGreaterThan(50)
    // The bounds are a refusal within 100 ms and the other client's p99 under 50 ms.
    // The suite runs files in parallel on a shared 2-core machine, so the refusals are held to
    // 100 ms on their median and the p99 to twice its bound (alone, it is ~25 ms; the bench's
    // hostile section reports it against 50 ms). At a 16 MiB limit a refusal costs
    // decompressing 16 MiB off the event loop; only the other client's latency is bounded there.
    for (const [k, v] of Object.entries(refusals)) {
      if (k.startsWith('bombs/')) expect(median(v), k).toBeLessThan(100)
      expect(Math.max(...v), k).toBeLessThan(1000)
    }
    expect(atDefault.p99).toBeLessThan(100)
    expect(atWide.p99).toBeLessThan(150)
    // No gigabytes decompressed and held: the limit is what a bomb can cost.
    expect(alive(pid), `broker process ${pid}`).toBe(true)
    expect(rssPeak - rssBefore).toBeLessThan(300)
    expect(rssAfter - rssBefore).toBeLessThan(300)
    expect(rssPeak).toBeLessThan(700)
  })

  it('answers a real client MESSAGE_TOO_LARGE for a batch that decompresses past message.max.bytes, and takes one within it', async () => {
    const kafka = new Kafka({ clientId: 'bombs-real', brokers: [`${broker.host}:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
    const producer = kafka.producer()
    await producer.connect()
    try {
      await producer.send({ topic: 'bombs', compression: CompressionTypes.GZIP, messages: [{ value: Buffer.alloc(100 * 1024, 'a') }] })
      const err = await producer.send({ topic: 'bombs', compression: CompressionTypes.GZIP, messages: [{ value: Buffer.alloc(2 * MiB, 'a') }] }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(String((err as { type?: string } | undefined)?.type ?? err)).toMatch(/MESSAGE_TOO_LARGE/)
    } finally {
      await producer.disconnect()
    }
  })
})
