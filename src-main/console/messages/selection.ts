// Reading a chosen set of messages back by partition and offset (a UI selection to export or
// republish).
import { ContractError } from '../../ipc/contract'
import type { Session } from '../connections'
import { Fetcher } from '../fetcher'
import type { Operation } from '../operations'
import type { RawRecord } from '../records'
import { partitionOffsets } from '../topics'

/** Reads specific messages (e.g. a UI selection). Missing offsets are skipped. */
export async function readSelection(
  s: Session,
  topic: string,
  items: { partition: number; offset: number }[],
  op?: Operation,
): Promise<{ partition: number; rec: RawRecord }[]> {
  const fetcher = new Fetcher(s, topic)
  const offsets = await partitionOffsets(s, topic)
  const byPart = new Map<number, number[]>()
  for (const it of items) byPart.set(it.partition, [...(byPart.get(it.partition) ?? []), it.offset])
  const out: { partition: number; rec: RawRecord }[] = []
  for (const [p, list] of byPart) {
    const o = offsets.get(p)
    if (!o) throw new ContractError('NOT_FOUND', `partition ${p} of ${topic} does not exist`, 'items')
    const wanted = [...new Set(list)].sort((a, b) => a - b)
    let i = 0
    while (i < wanted.length) {
      const from = wanted[i]!
      if (from >= o.high) break
      const span = Math.min(1000, wanted[wanted.length - 1]! - from + 1)
      const r = await fetcher.readRange(p, from, o.high, span, op)
      const got = new Map(r.records.map((rec) => [rec.offset, rec]))
      while (i < wanted.length && wanted[i]! < r.next) {
        const rec = got.get(wanted[i]!)
        if (rec) out.push({ partition: p, rec })
        i++
      }
      if (r.next <= from) i++ // nothing readable there (deleted); skip it
    }
  }
  return out
}
