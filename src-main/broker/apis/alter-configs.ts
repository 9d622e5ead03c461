import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'
import { brokerTarget, INVALID_REQUEST_MESSAGE, replaceBrokerConfigs, replaceTopicConfigs, ResourceType } from '../controller/configs'

/** AlterConfigs: replaces the whole set of dynamic configs of each resource. */
export default defineApi(ApiKey.AlterConfigs, {
  handle(req, ctx) {
    const { broker } = ctx
    const responses = req.resources.map((res) => {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName }
      try {
        const configs: Record<string, string> = {}
        for (const c of res.configs) if (c.value !== null) configs[c.name] = c.value
        if (res.resourceType === ResourceType.TOPIC) {
          replaceTopicConfigs(broker.metadata, res.resourceName, configs, req.validateOnly)
        } else if (res.resourceType === ResourceType.BROKER) {
          replaceBrokerConfigs(broker.metadata, brokerTarget(res.resourceName, broker.nodeId, false), configs, req.validateOnly)
        } else {
          throw new KafkaError('INVALID_REQUEST', INVALID_REQUEST_MESSAGE)
        }
        if (!req.validateOnly) broker.log(`altered configs of ${res.resourceType === ResourceType.TOPIC ? 'topic' : 'broker'} '${res.resourceName}'`)
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null }
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e
        return { ...base, errorCode: e.code, errorMessage: e.message }
      }
    })
    return { throttleTimeMs: 0, responses }
  },
})
