/**
 * Message declarations: data, written from Kafka's published protocol specs. One
 * MessageSpec per request or response; the codec compiles each once per version.
 *
 * Field types: int8 int16 uint16 int32 uint32 int64 float64 bool string bytes records uuid,
 * a struct (type names a struct, `fields` given), or an array "[]<type>" of either.
 * Version ranges use Kafka's notation: "3+", "0-4", "5", "none".
 */
export interface FieldSpec {
  name: string
  type: string
  versions: string
  nullableVersions?: string
  /** Present only as a tagged field in these (flexible) versions. */
  taggedVersions?: string
  tag?: number
  default?: unknown
  fields?: FieldSpec[]
}

export interface MessageSpec {
  apiKey: number
  type: 'request' | 'response' | 'header' | 'data'
  name: string
  validVersions: string
  flexibleVersions: string
  fields: FieldSpec[]
}

export interface VersionRange {
  min: number
  max: number
}

const NONE: VersionRange = { min: 1, max: 0 }

export function parseVersions(s: string | undefined): VersionRange {
  if (s === undefined || s === 'none' || s === '') return NONE
  if (s.endsWith('+')) return { min: Number(s.slice(0, -1)), max: 0x7fff }
  const dash = s.indexOf('-')
  if (dash > 0) return { min: Number(s.slice(0, dash)), max: Number(s.slice(dash + 1)) }
  const v = Number(s)
  return { min: v, max: v }
}

export function inRange(r: VersionRange, v: number): boolean {
  return v >= r.min && v <= r.max
}
