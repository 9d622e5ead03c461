import { brokerConfigByName, topicConfigDefs, type ConfigDef } from './config'
import type { MetadataStore } from './controller/metadata'

export interface ResolvedConfig {
  name: string
  value: string | null
  source: 'DYNAMIC_TOPIC_CONFIG' | 'DYNAMIC_BROKER_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG'
  def: ConfigDef
}

/**
 * Broker configuration in Kafka's layering: dynamic cluster-wide values (AlterConfigs), then
 * the values the broker was started with, then Kafka's defaults.
 */
export class BrokerConfig {
  constructor(
    private readonly metadata: MetadataStore,
    readonly staticConfigs: Record<string, string>,
  ) {}

  resolve(name: string): ResolvedConfig | undefined {
    const def = brokerConfigByName.get(name)
    if (!def) return undefined
    const dyn = this.metadata.brokerConfigs[name]
    if (dyn !== undefined) return { name, value: dyn, source: 'DYNAMIC_BROKER_CONFIG', def }
    const st = this.staticConfigs[name]
    if (st !== undefined) return { name, value: st, source: 'STATIC_BROKER_CONFIG', def }
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
  topicConfigs(topicConfigs: Record<string, string>): ResolvedConfig[] {
    return topicConfigDefs.map((def) => {
      const own = topicConfigs[def.name]
      if (own !== undefined) return { name: def.name, value: own, source: 'DYNAMIC_TOPIC_CONFIG', def }
      const b = def.brokerName ? this.resolve(def.brokerName) : undefined
      if (b && b.source !== 'DEFAULT_CONFIG') return { name: def.name, value: b.value, source: b.source, def }
      return { name: def.name, value: def.default, source: 'DEFAULT_CONFIG', def }
    })
  }

  /** Effective topic config values by name (numbers stay strings, as Kafka reports them). */
  topicConfigValues(topicConfigs: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {}
    for (const r of this.topicConfigs(topicConfigs)) if (r.value !== null) out[r.name] = r.value
    return out
  }
}
