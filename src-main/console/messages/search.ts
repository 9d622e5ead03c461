// Bounded search: scans partitions from a start to an end with a filter, reports progress on
// the caller's sink and stops on searchCancel or when maxScan/maxResults is reached.
import { randomUUID } from 'node:crypto'
import { ContractError, type EventSink, type RequestOf, type ResponseOf } from '../../ipc/contract'
import type { Session } from '../connections'
import { Fetcher } from '../fetcher'
import type { RawRecord } from '../records'
import { offsetsForTimestamp, partitionOffsets } from '../topics'
import { compileFilter } from './filter'
import { byTime, loadSchemas, toMessage } from './message'

export class Searches {
  private running = new Map<string, AbortController>()

  cancel(searchId: string): boolean {
    const c = this.running.get(searchId)
    if (!c) return false
    c.abort()
    return true
  }

  async search(s: Session, req: RequestOf<'messages.search'>, sink: EventSink): Promise<ResponseOf<'messages.search'>> {
    const searchId = req.searchId ?? randomUUID()
    if (this.running.has(searchId)) throw new ContractError('CONFLICT', `search ${searchId} is already running`, 'searchId')
    const ctl = new AbortController()
    this.running.set(searchId, ctl)
    const started = performance.now()
    try {
      const offsets = await partitionOffsets(s, req.topic)
      const parts = req.partitions ?? [...offsets.keys()].sort((a, b) => a - b)
      for (const p of parts) if (!offsets.has(p)) throw new ContractError('NOT_FOUND', `partition ${p} of ${req.topic} does not exist`, 'partitions')
      const pos = new Map<number, number>()
      const end = new Map<number, number>()
      if (req.start.type === 'timestamp') {
        for (const [p, o] of await offsetsForTimestamp(s, req.topic, req.start.timestamp)) if (parts.includes(p)) pos.set(p, o)
      } else if (req.start.type === 'offsets') {
        for (const o of req.start.offsets) pos.set(o.partition, o.offset)
      }
      for (const p of parts) {
        const { low, high } = offsets.get(p)!
        pos.set(p, Math.min(Math.max(pos.get(p) ?? low, low), high))
        end.set(p, high)
      }
      if (req.endTimestamp !== undefined) {
        for (const [p, o] of await offsetsForTimestamp(s, req.topic, req.endTimestamp)) if (end.has(p)) end.set(p, Math.min(end.get(p)!, o))
      }
      const total = Math.min(
        req.maxScan,
        parts.reduce((n, p) => n + Math.max(0, end.get(p)! - pos.get(p)!), 0),
      )
      const pred = compileFilter(req.filter, req, s)
      const fetcher = new Fetcher(s, req.topic)
      const matched: { partition: number; rec: RawRecord }[] = []
      let scanned = 0
      let lastProgress = 0
      let truncated = false
      const progress = (done: boolean) => {
        sink.emit('search.progress', { searchId, scanned, matched: matched.length, total, done, cancelled: ctl.signal.aborted })
        lastProgress = performance.now()
      }
      progress(false)
      let active = parts.filter((p) => pos.get(p)! < end.get(p)!)
      outer: while (active.length && !ctl.signal.aborted) {
        const res = await fetcher.fetch(
          active.map((p) => ({ partition: p, offset: pos.get(p)! })),
          { partitionMaxBytes: 1024 * 1024 },
        )
        // The filter sees decoded text: registry schemas the records name must be loaded first.
        if (req.filter)
          await loadSchemas(
            s,
            [...res.values()].flatMap((x) => x.records),
            req,
          )
        const still: number[] = []
        for (const p of active) {
          const r = res.get(p)
          const e = end.get(p)!
          if (!r) continue
          if (!r.records.length) {
            const next = r.next > pos.get(p)! ? r.next : pos.get(p)! < r.logStartOffset ? r.logStartOffset : e
            pos.set(p, next)
          }
          for (const rec of r.records) {
            if (rec.offset >= e) {
              pos.set(p, e)
              break
            }
            scanned++
            if (pred(rec)) {
              matched.push({ partition: p, rec })
              if (matched.length >= req.maxResults) {
                truncated = true
                break outer
              }
            }
            pos.set(p, rec.offset + 1)
            if (scanned >= req.maxScan) {
              truncated = parts.some((q) => pos.get(q)! < end.get(q)!)
              break outer
            }
          }
          if (pos.get(p)! < e) still.push(p)
        }
        active = still
        if (performance.now() - lastProgress > 200) progress(false)
      }
      matched.sort((a, b) =>
        byTime(
          { timestamp: a.rec.timestamp, partition: a.partition, offset: a.rec.offset },
          { timestamp: b.rec.timestamp, partition: b.partition, offset: b.rec.offset },
        ),
      )
      await loadSchemas(
        s,
        matched.map((m) => m.rec),
        req,
      )
      const matches = matched.map((m) => toMessage(s, req.topic, m.partition, m.rec, req))
      progress(true)
      return { searchId, matches, scanned, truncated, cancelled: ctl.signal.aborted, durationMs: performance.now() - started }
    } finally {
      this.running.delete(searchId)
    }
  }
}
