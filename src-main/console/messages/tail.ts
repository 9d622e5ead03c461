// Live tails: long-poll fetches on their own connections, filtered, sent to the caller's sink
// in slices at most every intervalMs; stopped by tailStop or when the caller goes away.
import { randomUUID } from 'node:crypto'
import { ContractError, toErrorShape, type EventSink, type Message, type RequestOf } from '../../ipc/contract'
import type { Session } from '../connections'
import { Fetcher } from '../fetcher'
import type { RawRecord } from '../records'
import { partitionOffsets } from '../topics'
import { compileFilter } from './filter'
import { byTime, loadSchemas, toMessage } from './message'

interface Tail {
  clientId: string
  stop: () => void
}

export class Tails {
  private tails = new Map<string, Tail>()

  start(s: Session, req: RequestOf<'messages.tailStart'>, sink: EventSink, clientId: string): Promise<{ tailId: string }> {
    const tailId = req.tailId ?? randomUUID()
    if (this.tails.has(tailId)) throw new ContractError('CONFLICT', `tail ${tailId} is already running`, 'tailId')
    let stopped = false
    const pool = s.raw.sibling() // long polls get their own connections
    const stop = () => {
      stopped = true
      pool.close()
    }
    this.tails.set(tailId, { clientId, stop })
    const run = async () => {
      const fetcher = new Fetcher(s, req.topic, pool)
      const offsets = await partitionOffsets(s, req.topic)
      const parts = req.partitions ?? [...offsets.keys()]
      const pos = new Map(parts.map((p) => [p, req.from === 'earliest' ? (offsets.get(p)?.low ?? 0) : (offsets.get(p)?.high ?? 0)]))
      const pred = compileFilter(req.filter, req, s)
      sink.emit('tail.status', { tailId, state: 'running' })
      let pending: Message[] = []
      let lastEmit = 0
      while (!stopped) {
        try {
          const res = await fetcher.fetch(
            parts.map((p) => ({ partition: p, offset: pos.get(p)! })),
            { maxWaitMs: Math.min(500, req.intervalMs * 2) },
          )
          // The filter sees decoded text: registry schemas the records name must be loaded first.
          if (req.filter)
            await loadSchemas(
              s,
              [...res.values()].flatMap((x) => x.records),
              req,
            )
          const recs: { p: number; r: RawRecord }[] = []
          for (const [p, r] of res) {
            for (const rec of r.records) if (pred(rec)) recs.push({ p, r: rec })
            if (r.next > pos.get(p)!) pos.set(p, r.next)
            else if (!r.records.length && pos.get(p)! < r.logStartOffset) pos.set(p, r.logStartOffset)
          }
          if (recs.length) {
            await loadSchemas(
              s,
              recs.map((x) => x.r),
              req,
            )
            for (const x of recs) pending.push(toMessage(s, req.topic, x.p, x.r, req))
          }
        } catch (e) {
          if (stopped) break
          sink.emit('tail.status', { tailId, state: 'error', error: toErrorShape(e) })
          await new Promise((r) => setTimeout(r, 1_000))
        }
        const now = Date.now()
        if (pending.length && now - lastEmit >= req.intervalMs) {
          pending.sort(byTime)
          for (let i = 0; i < pending.length; i += 500) sink.emit('tail.messages', { tailId, messages: pending.slice(i, i + 500) })
          pending = []
          lastEmit = now
        } else if (!pending.length) {
          // Nothing new: the long poll already waited.
        }
      }
      if (pending.length) sink.emit('tail.messages', { tailId, messages: pending })
      sink.emit('tail.status', { tailId, state: 'stopped' })
    }
    run().catch((e) => {
      this.tails.delete(tailId)
      stop()
      sink.emit('tail.status', { tailId, state: 'error', error: toErrorShape(e) })
    })
    return Promise.resolve({ tailId })
  }

  stop(tailId: string): boolean {
    const t = this.tails.get(tailId)
    if (!t) return false
    this.tails.delete(tailId)
    t.stop()
    return true
  }

  /** Stops the tails of a window / socket that went away. */
  clientGone(clientId: string): void {
    for (const [id, t] of this.tails) if (t.clientId === clientId) this.stop(id)
  }

  stopAll(): void {
    for (const id of [...this.tails.keys()]) this.stop(id)
  }
}
