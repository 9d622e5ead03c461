// Topic and broker configs: value, default, source, documentation, type, read-only and
// sensitive flags (DescribeConfigs v3+ via the raw client; kafkajs stops at v2 without
// documentation and types), and edits: validated locally (known name, not read-only, value
// parses as the config's type), then by the broker (IncrementalAlterConfigs validate_only),
// returned as a diff before anything is applied.
import { ContractError, type ConfigDiff, type ConfigEntry, type ConfigResource, type RequestOf } from '../ipc/contract'
import type { Session } from './connections'
import { ApiKey, checkError, kafkaErrorName, type RawClient } from './raw-client'

const RESOURCE_TYPE = { topic: 2, broker: 4 } as const
const SOURCES: ConfigEntry['source'][] = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
]
const TYPES = [null, 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD']

/**
 * The first synonym below the current source that has a value. Kafka lists time synonyms in
 * other units (retention.ms falls back to log.retention.ms, then log.retention.minutes, then
 * log.retention.hours): convert those to the entry's unit.
 */
function fallback(name: string, below: { name: string; value: string | null }[]): string | null {
  for (const x of below) {
    if (x.value === null || !/^-?\d+$/.test(x.value) || !name.endsWith('.ms')) {
      if (x.value !== null) return x.value
      continue
    }
    const n = BigInt(x.value)
    if (x.name.endsWith('.hours')) return n < 0n ? x.value : String(n * 3_600_000n)
    if (x.name.endsWith('.minutes')) return n < 0n ? x.value : String(n * 60_000n)
    return x.value
  }
  return null
}

const source = (n: number): ConfigEntry['source'] => SOURCES[n] ?? 'UNKNOWN'

async function clientFor(s: Session, r: ConfigResource): Promise<RawClient> {
  if (r.type === 'broker') {
    if (!/^\d+$/.test(r.name)) throw new ContractError('VALIDATION', 'a broker resource is named by its node id', 'resource.name')
    return s.raw.get(await s.brokerAddress(Number(r.name)))
  }
  return s.raw.get((await s.anyBroker()).address)
}

export async function describeConfigs(s: Session, resource: ConfigResource): Promise<{ resource: ConfigResource; entries: ConfigEntry[] }> {
  const c = await clientFor(s, resource)
  const v = c.version(ApiKey.DescribeConfigs, 4, 1)
  const r = await c.request(ApiKey.DescribeConfigs, v, {
    resources: [{ resourceType: RESOURCE_TYPE[resource.type], resourceName: resource.name, configurationKeys: null }],
    includeSynonyms: true,
    includeDocumentation: true,
  })
  const res = r.results[0]
  if (res.errorCode === 3) throw new ContractError('NOT_FOUND', `topic ${resource.name} does not exist`, 'resource.name')
  checkError(res.errorCode, res.errorMessage, `describe configs of ${resource.type} ${resource.name}`)
  const entries: ConfigEntry[] = res.configs.map((e) => {
    const src = source(e.configSource)
    const synonyms = (e.synonyms ?? []).map((x) => ({ name: x.name, value: x.value ?? null, source: source(x.source) }))
    // The default is what the entry falls back to: the next synonym below its current source.
    const below = synonyms.filter((x: { source: string }) => x.source !== src)
    const def = src === 'DEFAULT_CONFIG' ? (e.value ?? null) : fallback(e.name, below)
    return {
      name: e.name,
      value: e.value ?? null,
      default: def,
      source: src,
      isDefault: src === 'DEFAULT_CONFIG',
      readOnly: !!e.readOnly,
      sensitive: !!e.isSensitive,
      type: TYPES[e.configType ?? 0] ?? null,
      documentation: e.documentation ?? null,
      synonyms,
    }
  })
  entries.sort((a, b) => a.name.localeCompare(b.name))
  return { resource, entries }
}

function checkType(type: string | null, value: string): string | undefined {
  const v = value.trim()
  switch (type) {
    case 'BOOLEAN':
      return /^(true|false)$/i.test(v) ? undefined : 'expected true or false'
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      if (!/^-?\d+$/.test(v)) return 'expected an integer'
      const n = BigInt(v)
      const [lo, hi] = type === 'INT' ? [-(2n ** 31n), 2n ** 31n - 1n] : type === 'SHORT' ? [-(2n ** 15n), 2n ** 15n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n]
      return n < lo || n > hi ? `out of range for ${type.toLowerCase()}` : undefined
    }
    case 'DOUBLE':
      return v !== '' && Number.isFinite(Number(v)) ? undefined : 'expected a number'
  }
  return undefined
}

/** Validates locally and with the broker (validate_only); applies when `apply`. */
export async function alterConfigs(s: Session, req: RequestOf<'configs.alter'>, apply: boolean): Promise<ConfigDiff> {
  const { entries } = await describeConfigs(s, req.resource)
  const byName = new Map(entries.map((e) => [e.name, e]))
  const errors: ConfigDiff['errors'] = []
  const changes: ConfigDiff['changes'] = []
  const seen = new Set<string>()
  req.changes.forEach((ch, i) => {
    if (seen.has(ch.name)) errors.push({ name: ch.name, message: `changed twice (changes.${i})` })
    seen.add(ch.name)
    const e = byName.get(ch.name)
    if (!e) {
      errors.push({ name: ch.name, message: `unknown ${req.resource.type} config` })
      return
    }
    if (e.readOnly) errors.push({ name: ch.name, message: 'read-only: it can only be changed in the broker configuration file and needs a restart' })
    if (ch.op === 'set') {
      if (ch.value === undefined) errors.push({ name: ch.name, message: "op 'set' needs a value" })
      else {
        const bad = checkType(e.type, ch.value)
        if (bad) errors.push({ name: ch.name, message: `${bad} (${e.type})` })
      }
    }
    const next = ch.op === 'delete' ? e.default : (ch.value ?? null)
    changes.push({ name: ch.name, old: e.sensitive ? null : e.value, new: e.sensitive && ch.op === 'set' ? null : next, oldSource: e.source })
  })
  const send = async (validateOnly: boolean) => {
    const c = await clientFor(s, req.resource)
    const v = c.version(ApiKey.IncrementalAlterConfigs, 1)
    const r = await c.request(ApiKey.IncrementalAlterConfigs, v, {
      resources: [
        {
          resourceType: RESOURCE_TYPE[req.resource.type],
          resourceName: req.resource.name,
          configs: req.changes.map((ch) => ({ name: ch.name, configOperation: ch.op === 'set' ? 0 : 1, value: ch.op === 'set' ? (ch.value ?? null) : null })),
        },
      ],
      validateOnly,
    })
    const res = r.responses[0]
    if (res.errorCode) {
      const msg = res.errorMessage || kafkaErrorName(res.errorCode)
      const named = req.changes.find((ch) => msg.includes(ch.name))
      errors.push({ name: named?.name ?? '*', message: `${kafkaErrorName(res.errorCode)}: ${msg}` })
    }
  }
  if (!errors.length) await send(true)
  const valid = errors.length === 0
  if (valid && apply) await send(false)
  return { resource: req.resource, changes, errors, valid: errors.length === 0, applied: valid && apply && errors.length === 0 }
}
