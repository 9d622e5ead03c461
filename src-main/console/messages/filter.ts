// The filter language of search and tail: key/value text (substring or regex, case-sensitive or
// not), header key/value, a JSON path with an optional value, and a timestamp window.
import { ContractError, type Decoding, type MessageFilter } from '../../ipc/contract'
import type { Session } from '../connections'
import { decode } from '../decoders'
import type { RawRecord } from '../records'
import { decodeBytes, type DecodeOptions } from './message'

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
  // What the table shows is what text filters see: bytes as UTF-8 for text decodings, else
  // decoded (MessagePack, Protobuf, Avro, hex…); 'auto' decodes only registry-framed bytes.
  const plain = (b: Buffer, d: Decoding) => d === 'string' || d === 'json' || (d === 'auto' && !(s?.registry && b[0] === 0))
  const decoded = (b: Buffer, d: Decoding, protobufType: string | undefined, keepJson: boolean) =>
    s ? decodeBytes(s, b, d, protobufType, keepJson) : decode(b, d, undefined, keepJson)
  const keyText = (b: Buffer | null) =>
    b === null ? '' : plain(b, o.keyDecoding) ? b.toString('utf8') : (decoded(b, o.keyDecoding, o.keyProtobufType, false)?.text ?? '')
  const valueText = (b: Buffer | null) =>
    b === null ? '' : plain(b, o.valueDecoding) ? b.toString('utf8') : (decoded(b, o.valueDecoding, o.valueProtobufType, false)?.text ?? '')
  /** The value as JSON for a JSON-path filter; throws when it is not JSON-shaped. */
  const valueJson = (b: Buffer): unknown => {
    if (plain(b, o.valueDecoding)) return JSON.parse(b.toString('utf8'))
    const d = decoded(b, o.valueDecoding, o.valueProtobufType, true)
    if (!d || d.error !== undefined || d.json === undefined) throw new Error('not JSON-shaped')
    return d.json
  }
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
        v = valueJson(r.value)
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
