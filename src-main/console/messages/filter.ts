// The filter language of search and tail: key/value text (substring or regex, case-sensitive or
// not), header key/value, a JSON path with an optional value, and a timestamp window.
import { ContractError, type Decoding, type MessageFilter } from '../../ipc/contract'
import type { Session } from '../connections'
import { decode } from '../decoders'
import type { RawRecord } from '../records'
import type { DecodeOptions } from './message'

type Pred = (text: string) => boolean

function textPred(q: string | undefined, f: MessageFilter): Pred | undefined {
  if (q === undefined || q === '') return undefined
  if (f.regex) {
    let re: RegExp
    try {
      re = new RegExp(q, f.caseSensitive ? '' : 'i')
    } catch (e) {
      throw new ContractError('VALIDATION', `not a valid regular expression: ${(e as Error).message}`, 'filter')
    }
    return (t) => re.test(t)
  }
  if (f.caseSensitive) return (t) => t.includes(q)
  const lq = q.toLowerCase()
  return (t) => t.toLowerCase().includes(lq)
}

function jsonAt(v: unknown, path: string[]): unknown {
  let cur = v
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[k]
  }
  return cur
}

/** Compiles a filter to a predicate on raw records. Text predicates see what the decoding shows. */
export function compileFilter(f: MessageFilter | undefined, o: DecodeOptions, s?: Session): (r: RawRecord) => boolean {
  if (!f) return () => true
  const schemas = s?.registry ? (id: number) => s.registry!.get(id) : undefined
  const plain = (d: Decoding) => d === 'auto' || d === 'string' || d === 'json'
  const keyText = (b: Buffer | null) => (b === null ? '' : plain(o.keyDecoding) ? b.toString('utf8') : (decode(b, o.keyDecoding, schemas)?.text ?? ''))
  const valueText = (b: Buffer | null) => (b === null ? '' : plain(o.valueDecoding) ? b.toString('utf8') : (decode(b, o.valueDecoding, schemas)?.text ?? ''))
  const kp = textPred(f.key, f)
  const vp = textPred(f.value, f)
  const hk = f.headerKey
  const hv = textPred(f.headerValue, f)
  const path = f.jsonPath ? f.jsonPath.split('.').filter(Boolean) : undefined
  const from = f.fromTimestamp
  const to = f.toTimestamp
  return (r) => {
    if (from !== undefined && r.timestamp < from) return false
    if (to !== undefined && r.timestamp >= to) return false
    if (kp && !kp(keyText(r.key))) return false
    if (vp && !vp(valueText(r.value))) return false
    if (hk !== undefined || hv) {
      const ok = r.headers.some((h) => (hk === undefined || h.key === hk) && (!hv || hv(h.value ? h.value.toString('utf8') : '')))
      if (!ok) return false
    }
    if (path) {
      if (!r.value) return false
      let v: unknown
      try {
        v = o.valueDecoding === 'avro' ? decode(r.value, 'avro', schemas)?.json : JSON.parse(r.value.toString('utf8'))
      } catch {
        return false
      }
      const at = jsonAt(v, path)
      if (f.jsonEquals === undefined) return at !== undefined
      return at !== undefined && (typeof at === 'object' ? JSON.stringify(at) : String(at)) === f.jsonEquals
    }
    return true
  }
}
