import { brokerConfigByName, topicConfigDefs, type ConfigDef } from './config'
import type { MetadataStore } from './controller/metadata'

export type ConfigSourceName = 'DYNAMIC_TOPIC_CONFIG' | 'DYNAMIC_BROKER_CONFIG' | 'DYNAMIC_DEFAULT_BROKER_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG'

export interface ConfigSynonym {
  name: string
  value: string | null
  source: ConfigSourceName
}

export interface ResolvedConfig {
  name: string
  value: string | null
  source: ConfigSourceName
  def: ConfigDef
}

/**
 * Broker configuration in Kafka's layering: dynamic values of one broker (AlterConfigs on
 * broker "<id>"), dynamic cluster-wide defaults (AlterConfigs on broker ""), then the values the
 * broker was started with, then Kafka's defaults.
 */
export class BrokerConfig {
  constructor(
    private readonly metadata: MetadataStore,
    readonly staticConfigs: Record<string, string>,
    /** The broker these values are for; per-broker dynamic configs apply only when known. */
    readonly nodeId?: number,
  ) {
    // what a broker is, reported as Kafka reports the values of its server.properties
    if (nodeId !== undefined) this.identity = { 'node.id': String(nodeId), 'broker.id': String(nodeId), 'process.roles': 'broker' }
  }

  /** Static values every embedded broker has (its id; the controller runs in the supervisor, so its role is broker). */
  private readonly identity: Record<string, string> = {}

  /** Every layer that sets `name`, most specific first (Kafka's synonyms of a broker config). */
  layers(name: string, nodeId = this.nodeId): ConfigSynonym[] {
    const def = brokerConfigByName.get(name)
    const out: ConfigSynonym[] = []
    const node = nodeId === undefined ? undefined : this.metadata.nodeConfigs(nodeId)[name]
    if (node !== undefined) out.push({ name, value: node, source: 'DYNAMIC_BROKER_CONFIG' })
    const dyn = this.metadata.brokerConfigs[name]
    if (dyn !== undefined) out.push({ name, value: dyn, source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' })
    const st = this.staticConfigs[name] ?? this.identity[name]
    if (st !== undefined) out.push({ name, value: st, source: 'STATIC_BROKER_CONFIG' })
    if (def && def.default !== null) out.push({ name, value: def.default, source: 'DEFAULT_CONFIG' })
    return out
  }

  resolve(name: string, nodeId = this.nodeId): ResolvedConfig | undefined {
    const def = brokerConfigByName.get(name)
    if (!def) return undefined
    const top = this.layers(name, nodeId)[0]
    if (top) return { name, value: top.value, source: top.source, def }
    return { name, value: def.default, source: 'DEFAULT_CONFIG', def }
  }

  get(name: string): string | null {
    const r = this.resolve(name)
    if (!r) throw new Error(`unknown broker config ${name}`)
    return r.value
  }

  int(name: string): number {
    return Number(this.get(name))
  }

  bool(name: string): boolean {
    return this.get(name) === 'true'
  }

  /** Every topic config of a topic with its value and where it came from. */
  topicConfigs(topicConfigs: Record<string, string>, nodeId = this.nodeId): ResolvedConfig[] {
    return topicConfigDefs.map((def) => {
      const own = topicConfigs[def.name]
      if (own !== undefined) return { name: def.name, value: own, source: 'DYNAMIC_TOPIC_CONFIG', def }
      const b = def.brokerName ? this.resolve(def.brokerName, nodeId) : undefined
      if (b && b.source !== 'DEFAULT_CONFIG') return { name: def.name, value: b.value, source: b.source, def }
      const coarse = this.coarseTimeDefault(def.name, nodeId)
      if (coarse) return { name: def.name, value: coarse.value, source: coarse.source, def }
      return { name: def.name, value: def.default, source: 'DEFAULT_CONFIG', def }
    })
  }

  /**
   * Kafka's coarser broker settings of retention.ms and segment.ms, used when log.retention.ms /
   * log.roll.ms are not set: log.retention.minutes, then log.retention.hours; log.roll.hours. Only
   * a value set on the broker counts (their defaults equal the topic defaults).
   */
  private coarseTimeDefault(topicConfig: string, nodeId: number | undefined): { value: string; source: ConfigSourceName } | undefined {
    const units: Array<[string, number]> =
      topicConfig === 'retention.ms'
        ? [
            ['log.retention.minutes', 60_000],
            ['log.retention.hours', 3_600_000],
          ]
        : topicConfig === 'segment.ms'
          ? [['log.roll.hours', 3_600_000]]
          : []
    for (const [name, ms] of units) {
      const top = this.layers(name, nodeId)[0]
      if (top && top.source !== 'DEFAULT_CONFIG' && top.value !== null) {
        const n = Number(top.value)
        return { value: String(n < 0 ? -1 : n * ms), source: top.source }
      }
    }
    return undefined
  }

  /** The synonyms of a topic config as DescribeConfigs reports them: the topic's own value, then the broker layers. */
  topicSynonyms(def: ConfigDef, topicConfigs: Record<string, string>, nodeId = this.nodeId): ConfigSynonym[] {
    const out: ConfigSynonym[] = []
    const own = topicConfigs[def.name]
    if (own !== undefined) out.push({ name: def.name, value: own, source: 'DYNAMIC_TOPIC_CONFIG' })
    if (def.brokerName && brokerConfigByName.has(def.brokerName)) out.push(...this.layers(def.brokerName, nodeId))
    else if (def.default !== null) out.push({ name: def.name, value: def.default, source: 'DEFAULT_CONFIG' })
    return out
  }

  /**
   * Effective topic config values by name (numbers stay strings, as Kafka reports them). Produce
   * reads them for every request, so they are kept per topic configs object (the metadata image
   * replaces a topic's object on a change, never edits it) until a broker-level config changes.
   */
  topicConfigValues(topicConfigs: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    const version = this.metadata.brokerConfigsVersion
    const known = this.valuesCache.get(topicConfigs)
    if (known && known.version === version) return known.values
    const out: Record<string, string> = {}
    for (const r of this.topicConfigs(topicConfigs)) if (r.value !== null) out[r.name] = r.value
    const values = Object.freeze(out)
    this.valuesCache.set(topicConfigs, { version, values })
    return values
  }

  private readonly valuesCache = new WeakMap<object, { version: number; values: Readonly<Record<string, string>> }>()
}
