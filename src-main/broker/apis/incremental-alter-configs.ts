import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'
import {
  applyIncremental,
  brokerConfigType,
  brokerTarget,
  brokerConfigDefault,
  topicConfigDefault,
  INVALID_REQUEST_MESSAGE,
  replaceBrokerConfigs,
  replaceTopicConfigs,
  requireTopic,
  ResourceType,
  topicConfigType,
} from '../controller/configs'

/** IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on single configs. */
export default defineApi(ApiKey.IncrementalAlterConfigs, {
  handle(req, ctx) {
    const { broker } = ctx
    const md = broker.metadata
    const seen = new Map<string, number>()
    for (const r of req.resources) seen.set(`${r.resourceType}:${r.resourceName}`, (seen.get(`${r.resourceType}:${r.resourceName}`) ?? 0) + 1)
    const responses = req.resources.map((res) => {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName }
      try {
        if (seen.get(`${res.resourceType}:${res.resourceName}`)! > 1) throw new KafkaError('INVALID_REQUEST', 'Each resource must appear at most once.')
        if (res.resourceType === ResourceType.TOPIC) {
          const t = requireTopic(md, res.resourceName)
          const next = applyIncremental(t.configs, res.configs, topicConfigType, topicConfigDefault)
          replaceTopicConfigs(md, t.name, next, req.validateOnly)
        } else if (res.resourceType === ResourceType.BROKER) {
          const target = brokerTarget(res.resourceName, broker.nodeId, false)
          const existing = target === undefined ? md.brokerConfigs : md.nodeConfigs(target)
          const next = applyIncremental(existing, res.configs, brokerConfigType, brokerConfigDefault)
          replaceBrokerConfigs(md, target, next, req.validateOnly)
        } else {
          throw new KafkaError('INVALID_REQUEST', INVALID_REQUEST_MESSAGE)
        }
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null }
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e
        return { ...base, errorCode: e.code, errorMessage: e.message }
      }
    })
    return { throttleTimeMs: 0, responses }
  },
})
