// Hostile clients against the embedded broker: a well-behaved client's round-trip latency
// (ApiVersions/Metadata/Produce/Fetch, one at a time) and the broker's RSS, first alone, then
// while a hostile client sends compression bombs of every codec, then oversized frames
// (past socket.request.max.bytes, and 64 MiB garbage frames sent whole).
import { readRss } from './memory'
import { startBroker } from './broker'
import { WireClient } from '../broker/fuzz/wire-client'
import { startHealthyClient, type HealthyStats } from '../broker/fuzz/healthy-client'
import { CODECS, batchAround, bomb, type CodecName } from '../broker/records/bombs'
import { brokerProcessOf } from '../broker/fuzz/process-memory'

const PHASE_MS = 5000

export interface HostilePhase {
  label: string
  healthy: HealthyStats
  peakRssMb: number
  endRssMb: number
  /** Hostile requests sent and how long the broker took to refuse each (median/max). */
  hostileSent: number
  refusalMedianMs?: number
  refusalMaxMs?: number
}

export interface HostileResult {
  phases: HostilePhase[]
  errors: string[]
}

async function phase(label: string, bootstrap: string, pid: number, hostile?: (until: number, refusals: number[]) => Promise<number>): Promise<HostilePhase> {
  const [host, port] = bootstrap.split(',')[0]!.split(':')
  const healthy = await startHealthyClient(host!, Number(port), 'healthy')
  let peak = readRss(pid).rssMb
  const sampler = setInterval(() => void (peak = Math.max(peak, readRss(pid).rssMb)), 100)
  const refusals: number[] = []
  const until = performance.now() + PHASE_MS
  const sent = hostile ? await hostile(until, refusals) : 0
  const rest = until - performance.now()
  if (rest > 0) await new Promise((r) => setTimeout(r, rest))
  const stats = await healthy.stop()
  clearInterval(sampler)
  const sorted = [...refusals].sort((a, b) => a - b)
  return {
    label,
    healthy: stats,
    peakRssMb: peak,
    endRssMb: readRss(pid).rssMb,
    hostileSent: sent,
    refusalMedianMs: sorted.length ? sorted[Math.floor(sorted.length / 2)] : undefined,
    refusalMaxMs: sorted.length ? sorted[sorted.length - 1] : undefined,
  }
}

export async function benchHostile(log: (s: string) => void): Promise<HostileResult> {
  const res: HostileResult = { phases: [], errors: [] }
  const broker = await startBroker('embedded')
  try {
    const [host, port] = broker.bootstrap.split(',')[0]!.split(':')
    const h = host!
    const p = Number(port)
    const setup = await WireClient.connect(h, p)
    const topic = (name: string) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })
    await setup.request(19, 7, { topics: [topic('healthy'), topic('bombs')], timeoutMs: 5000, validateOnly: false })
    setup.close()
    // RSS of the broker process that decodes and decompresses the requests, not of the
    // `kafkadesk cluster` supervisor above it.
    const pid = brokerProcessOf(broker.brokerPid)

    log('hostile: baseline (healthy client alone)')
    res.phases.push(await phase('baseline, healthy client alone', broker.bootstrap, pid))

    const bombs = (Object.keys(CODECS) as CodecName[]).map((c) => batchAround(CODECS[c], bomb(c)))
    log(`hostile: compression bombs (${bombs.map((b) => `${(b.length / 1024).toFixed(0)} KiB`).join(', ')} → 240 MiB–1 GiB each)`)
    res.phases.push(
      await phase('bombs of gzip/snappy/lz4/zstd', broker.bootstrap, pid, async (until, refusals) => {
        const c = await WireClient.connect(h, p)
        let n = 0
        while (performance.now() < until) {
          const t0 = performance.now()
          const answer = await c.request<{ responses: { partitionResponses: { errorCode: number }[] }[] }>(0, 9, {
            transactionalId: null,
            acks: 1,
            timeoutMs: 5000,
            topicData: [{ name: 'bombs', partitionData: [{ index: 0, records: bombs[n % bombs.length]! }] }],
          })
          refusals.push(performance.now() - t0)
          if (answer.responses[0]!.partitionResponses[0]!.errorCode !== 10)
            res.errors.push(`a bomb was answered ${answer.responses[0]!.partitionResponses[0]!.errorCode}, not MESSAGE_TOO_LARGE`)
          n++
        }
        c.close()
        return n
      }),
    )

    log('hostile: oversized frames (2 GiB declared; 64 MiB of garbage sent whole)')
    const garbage = Buffer.alloc(4 + 64 * 1024 * 1024, 0x41)
    garbage.writeInt32BE(64 * 1024 * 1024, 0)
    res.phases.push(
      await phase('oversized frames', broker.bootstrap, pid, async (until, refusals) => {
        let n = 0
        while (performance.now() < until) {
          const c = await WireClient.connect(h, p)
          const frame = n % 2 === 0 ? Buffer.from([0x7f, 0xff, 0xff, 0xff]) : garbage
          const t0 = performance.now()
          c.write(frame)
          if (await c.closedWithin(5000)) refusals.push(performance.now() - t0)
          else res.errors.push('an oversized frame was not refused within 5 s')
          c.close()
          n++
        }
        return n
      }),
    )
  } catch (e) {
    res.errors.push(e instanceof Error ? e.message : String(e))
  } finally {
    await broker.stop()
  }
  return res
}

export function renderHostile(r: HostileResult): string {
  const f = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(1))
  const rows = r.phases.map(
    (ph) =>
      `  ${ph.label.padEnd(34)} p50 ${f(ph.healthy.p50).padStart(6)}  p99 ${f(ph.healthy.p99).padStart(6)}  max ${f(ph.healthy.max).padStart(6)} ms  (${ph.healthy.count} round trips, ${ph.healthy.failures.length} failed)` +
      `  RSS peak ${ph.peakRssMb.toFixed(0)} MB, end ${ph.endRssMb.toFixed(0)} MB` +
      (ph.hostileSent ? `  | ${ph.hostileSent} hostile, refused in median ${f(ph.refusalMedianMs)} / max ${f(ph.refusalMaxMs)} ms` : ''),
  )
  const base = r.phases[0]?.healthy.p99
  const worst = Math.max(...r.phases.slice(1).map((ph) => ph.healthy.p99))
  return [
    'Hostile clients (embedded): well-behaved client latency and broker RSS',
    ...rows,
    `  target: well-behaved p99 < 50 ms under hostile load ${Number.isFinite(worst) ? (worst < 50 ? 'PASS' : 'MISS') : ''} (baseline p99 ${f(base)} ms)`,
    ...r.errors.map((e) => `  error: ${e}`),
  ].join('\n')
}
