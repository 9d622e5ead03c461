import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'
import { brokerConfigByName, brokerConfigDefs, ConfigSource, ConfigType, type ConfigDef } from '../config'
import type { ConfigSynonym, ConfigSourceName } from '../broker-config'
import { validateTopicName } from '../controller/topics'
import { brokerTarget, INVALID_REQUEST_MESSAGE, ResourceType } from '../controller/configs'

interface Entry {
  name: string
  value: string | null
  source: ConfigSourceName
  def?: ConfigDef
  synonyms: ConfigSynonym[]
}

export default defineApi(ApiKey.DescribeConfigs, {
  handle(req, ctx) {
    const { broker } = ctx
    const cfg = broker.config
    const synonyms = ctx.apiVersion >= 1 && !!req.includeSynonyms
    const docs = ctx.apiVersion >= 3 && !!req.includeDocumentation
    const toWire = (e: Entry) => {
      const sensitive = !!e.def?.sensitive
      return {
        name: e.name,
        value: sensitive ? null : e.value,
        readOnly: !!e.def?.readOnly,
        isDefault: e.source === 'DEFAULT_CONFIG',
        configSource: ConfigSource[e.source],
        isSensitive: sensitive,
        synonyms: synonyms ? e.synonyms.map((s) => ({ name: s.name, value: sensitive ? null : s.value, source: ConfigSource[s.source] })) : [],
        configType: e.def ? ConfigType[e.def.type] : ConfigType.STRING,
        documentation: docs ? (e.def?.doc ?? null) : null,
      }
    }
    const results = req.resources.map((res) => {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName }
      const wantKey = (name: string) => res.configurationKeys === null || res.configurationKeys.length === 0 || res.configurationKeys.includes(name)
      try {
        let entries: Entry[]
        if (res.resourceType === ResourceType.TOPIC) {
          validateTopicName(res.resourceName)
          const t = broker.metadata.topics.get(res.resourceName)
          if (!t) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: '', configs: [] }
          entries = cfg
            .topicConfigs(t.configs, broker.nodeId)
            .filter((r) => wantKey(r.name))
            .map((r) => ({ name: r.name, value: r.value, source: r.source, def: r.def, synonyms: cfg.topicSynonyms(r.def, t.configs, broker.nodeId) }))
        } else if (res.resourceType === ResourceType.BROKER) {
          const target = brokerTarget(res.resourceName, broker.nodeId, true)
          if (target === undefined) {
            // The cluster-wide dynamic defaults only, as Kafka reports them for the empty name.
            entries = Object.entries(broker.metadata.brokerConfigs)
              .filter(([k]) => wantKey(k))
              .map(([k, v]) => ({
                name: k,
                value: v,
                source: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
                def: brokerConfigByName.get(k),
                synonyms: [{ name: k, value: v, source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' }],
              }))
          } else {
            entries = brokerConfigDefs
              .filter((d) => wantKey(d.name))
              .map((d) => {
                const r = cfg.resolve(d.name, target)!
                return { name: d.name, value: r.value, source: r.source, def: d, synonyms: cfg.layers(d.name, target) }
              })
          }
        } else {
          throw new KafkaError('INVALID_REQUEST', INVALID_REQUEST_MESSAGE)
        }
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: '', configs: entries.map(toWire) }
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e
        return { ...base, errorCode: e.code, errorMessage: e.message, configs: [] }
      }
    })
    return { throttleTimeMs: 0, results }
  },
})
