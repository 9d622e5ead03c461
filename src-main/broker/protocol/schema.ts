/**
 * Message declarations: data, written from Kafka's published protocol specs. One
 * MessageSpec per request or response; the codec compiles each once per version.
 *
 * Field types: int8 int16 uint16 int32 uint32 int64 float64 bool string bytes records uuid,
 * a struct (type names a struct, `fields` given), or an array "[]<type>" of either.
 * Version ranges use Kafka's notation: "3+", "0-4", "5", "none".
 */
export interface FieldSpec {
  readonly name: string
  readonly type: string
  readonly versions: string
  readonly nullableVersions?: string
  /** Present only as a tagged field in these (flexible) versions. */
  readonly taggedVersions?: string
  readonly tag?: number
  readonly default?: unknown
  readonly fields?: readonly FieldSpec[]
}

export interface MessageSpec {
  readonly apiKey: number
  readonly type: 'request' | 'response' | 'header' | 'data'
  readonly name: string
  readonly validVersions: string
  readonly flexibleVersions: string
  readonly fields: readonly FieldSpec[]
}

/**
 * One API's request and response, declared together so its valid and flexible versions are
 * stated once (Kafka's JSON specs repeat them in both files; they always agree).
 */
export interface ApiMessagesSpec {
  readonly apiKey: number
  /** Kafka's API name, e.g. 'Heartbeat': the messages are named HeartbeatRequest and HeartbeatResponse. */
  readonly name: string
  readonly validVersions: string
  readonly flexibleVersions: string
  readonly request: readonly FieldSpec[]
  readonly response: readonly FieldSpec[]
}

/** A message declared with its literal field list kept in its type (see protocol/types.ts). */
export interface DeclaredMessage<K extends number, T extends 'request' | 'response', N extends string, F extends readonly FieldSpec[]> extends MessageSpec {
  readonly apiKey: K
  readonly type: T
  readonly name: N
  readonly fields: F
}

/**
 * Declares an API's request and response. The `const` type parameter keeps every field's name,
 * type and versions as literal types, from which the request and response TypeScript types are
 * inferred (protocol/types.ts); nothing is generated.
 */
export function defineApiMessages<const A extends ApiMessagesSpec>(
  api: A,
): {
  request: DeclaredMessage<A['apiKey'], 'request', `${A['name']}Request`, A['request']>
  response: DeclaredMessage<A['apiKey'], 'response', `${A['name']}Response`, A['response']>
} {
  const common = { apiKey: api.apiKey, validVersions: api.validVersions, flexibleVersions: api.flexibleVersions }
  return {
    request: { ...common, type: 'request', name: `${api.name}Request`, fields: api.request },
    response: { ...common, type: 'response', name: `${api.name}Response`, fields: api.response },
  }
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
