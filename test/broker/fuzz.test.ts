// Wire fuzzer: seeded random and mutated requests of every API the broker lists, sent by hostile
// connections to the embedded broker running as its own process (the built CLI), while a healthy
// client keeps doing ApiVersions/Metadata/Produce/Fetch round trips.
// Asserts: the broker process never exits, never stops answering for over 1 s, its RSS (and the
// supervisor's, which hosts the controller) stays bounded and the healthy client never fails. KAFKADESK_FUZZ_SEED replays a run; KAFKADESK_FUZZ_MS sets its length.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbedded, type EmbeddedProcess } from '../helpers/embedded'
import { WireClient } from './fuzz/wire-client'
import { startHealthyClient } from './fuzz/healthy-client'
import { mutate, randomFrame, rng, validFrame, type ApiRange } from './fuzz/mutate'
import { CODECS, batchAround, bomb, type CodecName } from './records/bombs'
import { encodeRequest } from './fuzz/wire-client'
import { alive, brokerPid, rssMiB } from './fuzz/process-memory'

const SEED = Number(process.env.KAFKADESK_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const DURATION_MS = Number(process.env.KAFKADESK_FUZZ_MS ?? 60_000)
const HOSTILE_CONNECTIONS = 3
/** The broker process: where every request is decoded, decompressed and answered. */
const RSS_BOUND_MIB = 512
/** The supervisor and its controller: fuzzed admin requests reach it as metadata commands. */
const SUPERVISOR_RSS_BOUND_MIB = 384

let broker: EmbeddedProcess
const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-fuzz-'))

beforeAll(async () => {
  // Partition bounds keep fuzzed CreateTopics from filling the disk: what is fuzzed is the
  // request handling, not partition creation (thousands of partitions in one request take the
  // storage layer most of a second; see the partition-limits and storage tests).
  broker = await startEmbedded(dir, ['--config', 'max.partitions=1000', '--config', 'max.partitions.per.request=200'])
})

afterAll(async () => {
  await broker?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** Sends one frame and waits for its answer, the connection's close, or a short timeout. */
async function exchange(c: WireClient, frame: Buffer, id: number): Promise<void> {
  await Promise.race([c.send(frame, id).catch(() => undefined), new Promise((r) => setTimeout(r, 150))])
}

describe('wire fuzzer', () => {
  it(
    `survives seeded random and mutated requests of every API (seed ${SEED})`,
    async () => {
      console.log(`fuzz seed ${SEED} (replay with KAFKADESK_FUZZ_SEED=${SEED}), ${DURATION_MS} ms`)
      const pid = brokerPid(broker)
      const supervisor = broker.child.pid!
      const up = () => broker.child.exitCode === null && alive(pid)
      const probe = await WireClient.connect(broker.host, broker.port)
      const versions = await probe.request<{ apiKeys: ApiRange[] }>(18, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' })
      const apis = versions.apiKeys
      expect(apis.length).toBeGreaterThan(20)
      await probe.request(19, 7, {
        topics: [{ name: 'healthy', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 5000,
        validateOnly: false,
      })
      probe.close()

      const healthy = await startHealthyClient(broker.host, broker.port, 'healthy', 20)
      let maxRss = rssMiB(pid)
      let maxSupervisorRss = rssMiB(supervisor)
      const sampler = setInterval(() => {
        if (!up()) return
        maxRss = Math.max(maxRss, rssMiB(pid))
        maxSupervisorRss = Math.max(maxSupervisorRss, rssMiB(supervisor))
      }, 250)
      const perApi = new Map<number, number>()
      let sent = 0
      let closes = 0
      const until = performance.now() + DURATION_MS
      const hostile = async (index: number): Promise<void> => {
        const r = rng(SEED + index * 7919)
        let c = await WireClient.connect(broker.host, broker.port)
        let id = 1
        while (performance.now() < until && up()) {
          if (c.closed) {
            closes++
            c = await WireClient.connect(broker.host, broker.port)
          }
          const kind = r()
          let frame: Buffer
          if (kind < 0.45) frame = mutate(validFrame(apis, r, id), r)
          else if (kind < 0.8) frame = validFrame(apis, r, id)
          else if (kind < 0.97) frame = randomFrame(apis, r, id)
          else if (kind < 0.985) {
            // A compression bomb in a Produce request.
            const codec = (Object.keys(CODECS) as CodecName[])[Math.floor(r() * 4)]!
            frame = encodeRequest(
              0,
              9,
              {
                transactionalId: null,
                acks: 1,
                timeoutMs: 1000,
                topicData: [{ name: 'healthy', partitionData: [{ index: 0, records: batchAround(CODECS[codec], bomb(codec, 'small')) }] }],
              },
              id,
            )
          } else {
            // A frame size past socket.request.max.bytes, or a huge frame that never finishes.
            frame = Buffer.alloc(4 + Math.floor(r() * 1000))
            frame.writeInt32BE(r() < 0.5 ? 0x7fffffff : 50 * 1024 * 1024, 0)
          }
          const apiKey = frame.length >= 6 ? frame.readInt16BE(4) : -1
          perApi.set(apiKey, (perApi.get(apiKey) ?? 0) + 1)
          sent++
          await exchange(c, frame, id)
          if (frame.readInt32BE(0) > frame.length) c.close() // the unfinished huge frame: hang up
          id++
        }
        c.close()
      }
      await Promise.all(Array.from({ length: HOSTILE_CONNECTIONS }, (_, i) => hostile(i)))
      clearInterval(sampler)
      const stats = await healthy.stop()

      const served = apis.map((a) => `${a.apiKey}:${perApi.get(a.apiKey) ?? 0}`).join(' ')
      console.log(`fuzz: ${sent} requests (seed ${SEED}), ${closes} connections closed by the broker; per API key ${served}`)
      console.log(
        `fuzz: healthy client ${stats.count} round trips, p50 ${stats.p50.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms, longest wait ${stats.longestWaitMs.toFixed(0)} ms; broker process max RSS ${maxRss.toFixed(0)} MiB, supervisor ${maxSupervisorRss.toFixed(0)} MiB`,
      )

      expect(broker.child.exitCode).toBeNull()
      expect(broker.child.signalCode).toBeNull()
      expect(alive(pid), `broker process ${pid}`).toBe(true)
      for (const a of apis) expect(perApi.get(a.apiKey) ?? 0, `API ${a.apiKey}`).toBeGreaterThan(0)
      expect(stats.failures).toEqual([])
      expect(stats.longestWaitMs).toBeLessThan(1000)
      expect(maxRss).toBeLessThan(RSS_BOUND_MIB)
      expect(maxSupervisorRss).toBeLessThan(SUPERVISOR_RSS_BOUND_MIB)
      // Still serving after it all.
      const after = await WireClient.connect(broker.host, broker.port)
      expect((await after.request<{ errorCode: number }>(18, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' })).errorCode).toBe(0)
      after.close()
    },
    DURATION_MS + 60_000,
  )
})
