// Throughput: messages and bytes in per topic and partition over time, from log end offsets
// (and partition sizes, DescribeLogDirs) sampled every 10 s. A topic is tracked from its first
// throughput.series request; samples are kept in memory for 24 h. Bytes in is the growth of the
// partition size (0 when retention deleted more than was written in the interval).
import type { EventSink, RequestOf, ResponseOf } from '../ipc/contract'
import type { Session } from './connections'
import { partitionOffsets, partitionSizes, topicMetadata } from './topics'

export const THROUGHPUT_INTERVAL_MS = 10_000
const RETENTION_MS = 24 * 3600_000

interface Sample {
  t: number
  ends: Map<number, number>
  sizes: Map<number, number> | null
}

export class Throughput {
  private tracked = new Map<string, { connectionId: string; topic: string; samples: Sample[] }>()
  private timer?: NodeJS.Timeout
  private busy = false

  constructor(
    private readonly session: (connectionId: string) => Promise<Session>,
    private readonly sink?: EventSink,
    private readonly intervalMs = THROUGHPUT_INTERVAL_MS,
  ) {}

  private key(c: string, t: string) {
    return `${c}\u0000${t}`
  }

  async sample(connectionId: string, topic: string): Promise<void> {
    const tr = this.tracked.get(this.key(connectionId, topic))
    if (!tr) return
    const s = await this.session(connectionId)
    const meta = await topicMetadata(s, topic)
    const offs = await partitionOffsets(s, topic)
    const sizes = await partitionSizes(s, topic, new Map(meta.partitions.map((p) => [p.partitionId, p.leader])))
    const sample: Sample = { t: Date.now(), ends: new Map([...offs].map(([p, o]) => [p, o.high])), sizes }
    const prev = tr.samples[tr.samples.length - 1]
    tr.samples.push(sample)
    const cutoff = Date.now() - RETENTION_MS
    while (tr.samples.length && tr.samples[0]!.t < cutoff) tr.samples.shift()
    if (prev && this.sink) {
      const pts = rates(prev, sample, null)
      this.sink.emit('throughput.sample', { connectionId, topic, point: pts })
    }
  }

  private ensureTimer(): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      if (this.busy) return
      this.busy = true
      Promise.allSettled([...this.tracked.values()].map((t) => this.sample(t.connectionId, t.topic))).finally(() => (this.busy = false))
    }, this.intervalMs)
    this.timer.unref()
  }

  async series(req: RequestOf<'throughput.series'>): Promise<ResponseOf<'throughput.series'>> {
    const k = this.key(req.connectionId, req.topic)
    if (!this.tracked.has(k)) {
      this.tracked.set(k, { connectionId: req.connectionId, topic: req.topic, samples: [] })
      try {
        await this.sample(req.connectionId, req.topic)
      } catch (e) {
        this.tracked.delete(k)
        throw e
      }
      this.ensureTimer()
    }
    const samples = this.tracked.get(k)!.samples.filter((s) => (req.from === undefined || s.t >= req.from) && (req.to === undefined || s.t <= req.to))
    const series: ResponseOf<'throughput.series'>['series'] = []
    if (req.byPartition) {
      const parts = new Set<number>()
      for (const s of samples) for (const p of s.ends.keys()) parts.add(p)
      for (const p of [...parts].sort((a, b) => a - b)) {
        const points = []
        for (let i = 1; i < samples.length; i++) points.push(rates(samples[i - 1]!, samples[i]!, p))
        series.push({ topic: req.topic, partition: p, points })
      }
    } else {
      const points = []
      for (let i = 1; i < samples.length; i++) points.push(rates(samples[i - 1]!, samples[i]!, null))
      series.push({ topic: req.topic, partition: null, points })
    }
    return { intervalMs: this.intervalMs, series }
  }

  untrackConnection(connectionId: string): void {
    for (const [k, t] of this.tracked) if (t.connectionId === connectionId) this.tracked.delete(k)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}

function rates(a: Sample, b: Sample, partition: number | null) {
  const secs = Math.max(0.001, (b.t - a.t) / 1000)
  const parts = partition === null ? [...b.ends.keys()] : [partition]
  let msgs = 0
  let bytes = 0
  for (const p of parts) {
    msgs += Math.max(0, (b.ends.get(p) ?? 0) - (a.ends.get(p) ?? b.ends.get(p) ?? 0))
    if (a.sizes && b.sizes) bytes += Math.max(0, (b.sizes.get(p) ?? 0) - (a.sizes.get(p) ?? 0))
  }
  return { t: b.t, messagesPerSec: msgs / secs, bytesPerSec: a.sizes && b.sizes ? bytes / secs : null }
}
