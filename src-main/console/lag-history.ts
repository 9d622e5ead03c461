// Lag history: every 10 s the total lag (and lag per topic) of each group of each open
// connection is sampled, kept ≥ 24 h (25 h) and persisted across app restarts as an
// append-only JSON Lines file per connection under <dataDir>/lag-history/. On load the file is
// compacted (samples older than the retention dropped, damaged lines skipped); while running it
// is rewritten from memory once it holds about twice what is retained.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { EventSink, LagSample } from '../ipc/contract'
import type { Session } from './connections'
import { EndOffsets, groupLag, lagSample } from './groups'

export const LAG_INTERVAL_MS = 10_000
export const LAG_RETENTION_MS = 25 * 3600_000

interface Line {
  g: string
  t: number
  l: number
  b: Record<string, number>
}

export class LagHistory {
  private readonly dir: string
  private data = new Map<string, Map<string, LagSample[]>>()
  private timer?: NodeJS.Timeout
  private appendsSinceCompact = new Map<string, number>()
  private sampling = false

  constructor(
    dataDir: string,
    private readonly retentionMs = LAG_RETENTION_MS,
  ) {
    this.dir = join(dataDir, 'lag-history')
  }

  private file(connectionId: string): string {
    return join(this.dir, `${encodeURIComponent(connectionId)}.jsonl`)
  }

  /** The samples of one connection, loading (and compacting) its file on first use. */
  private conn(connectionId: string): Map<string, LagSample[]> {
    let m = this.data.get(connectionId)
    if (m) return m
    m = new Map()
    this.data.set(connectionId, m)
    const f = this.file(connectionId)
    if (existsSync(f)) {
      const cutoff = Date.now() - this.retentionMs
      for (const line of readFileSync(f, 'utf8').split('\n')) {
        if (!line) continue
        try {
          const x = JSON.parse(line) as Line
          if (typeof x.t !== 'number' || x.t < cutoff || typeof x.g !== 'string') continue
          const list = m.get(x.g) ?? []
          list.push({ t: x.t, totalLag: x.l, byTopic: x.b ?? {} })
          m.set(x.g, list)
        } catch {
          /* a torn last line after a crash */
        }
      }
      for (const list of m.values()) list.sort((a, b) => a.t - b.t)
      this.compact(connectionId)
    }
    return m
  }

  private compact(connectionId: string): void {
    const m = this.data.get(connectionId)
    if (!m) return
    const cutoff = Date.now() - this.retentionMs
    const lines: string[] = []
    for (const [g, list] of m) {
      const keep = list.filter((s) => s.t >= cutoff)
      if (keep.length) m.set(g, keep)
      else m.delete(g)
      for (const s of keep) lines.push(JSON.stringify({ g, t: s.t, l: s.totalLag, b: s.byTopic } satisfies Line))
    }
    mkdirSync(this.dir, { recursive: true })
    const f = this.file(connectionId)
    writeFileSync(`${f}.tmp`, lines.length ? `${lines.join('\n')}\n` : '')
    renameSync(`${f}.tmp`, f)
    this.appendsSinceCompact.set(connectionId, 0)
  }

  append(connectionId: string, groupId: string, sample: LagSample): void {
    const m = this.conn(connectionId)
    const list = m.get(groupId) ?? []
    list.push(sample)
    m.set(groupId, list)
    const cutoff = Date.now() - this.retentionMs
    let drop = 0
    while (drop < list.length && list[drop]!.t < cutoff) drop++
    if (drop) list.splice(0, drop)
    mkdirSync(this.dir, { recursive: true })
    appendFileSync(this.file(connectionId), `${JSON.stringify({ g: groupId, t: sample.t, l: sample.totalLag, b: sample.byTopic } satisfies Line)}\n`)
    const n = (this.appendsSinceCompact.get(connectionId) ?? 0) + 1
    this.appendsSinceCompact.set(connectionId, n)
    const retained = [...m.values()].reduce((k, l) => k + l.length, 0)
    if (n > Math.max(1000, retained)) this.compact(connectionId)
  }

  query(connectionId: string, groupId: string, from?: number, to?: number): LagSample[] {
    const list = this.conn(connectionId).get(groupId) ?? []
    return list.filter((s) => (from === undefined || s.t >= from) && (to === undefined || s.t <= to))
  }

  /** Samples every group of every open connection now. */
  async sampleOnce(sessions: Session[], sink?: EventSink): Promise<void> {
    if (this.sampling) return
    this.sampling = true
    try {
      await Promise.all(
        sessions.map(async (s) => {
          try {
            const { groups } = await s.admin.listGroups()
            const ends = new EndOffsets(s)
            const t = Date.now()
            await Promise.all(
              groups.map(async (g) => {
                try {
                  const rows = await groupLag(s, g.groupId, ends)
                  if (!rows.length) return
                  const sample = lagSample(rows, t)
                  this.append(s.id, g.groupId, sample)
                  sink?.emit('lag.sample', { connectionId: s.id, groupId: g.groupId, sample })
                } catch {
                  /* one group failing does not stop the others */
                }
              }),
            )
          } catch {
            /* connection down: no sample this round */
          }
        }),
      )
    } finally {
      this.sampling = false
    }
  }

  start(sessions: () => Promise<Session[]>, sink?: EventSink, intervalMs = LAG_INTERVAL_MS): void {
    this.stop()
    this.timer = setInterval(() => {
      sessions()
        .then((ss) => this.sampleOnce(ss, sink))
        .catch(() => {})
    }, intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /** For status: bytes on disk for a connection. */
  fileSize(connectionId: string): number {
    const f = this.file(connectionId)
    return existsSync(f) ? statSync(f).size : 0
  }
}
