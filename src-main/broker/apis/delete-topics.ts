import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'
import type { TopicMetadata } from '../controller/metadata'

const ZERO_UUID = Buffer.alloc(16)

export default defineApi(ApiKey.DeleteTopics, {
  handle(req, ctx) {
    const { broker } = ctx
    const md = broker.metadata
    const wanted = ctx.apiVersion >= 6 ? (req.topics ?? []) : (req.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }))
    const result = (name: string | null, topicId: Buffer, code: number, message: string | null) => ({ name, topicId, errorCode: code, errorMessage: message })
    if (!broker.config.bool('delete.topic.enable')) {
      const code = ctx.apiVersion < 3 ? ErrorCode.INVALID_REQUEST : ErrorCode.TOPIC_DELETION_DISABLED
      return { throttleTimeMs: 0, responses: wanted.map((t) => result(t.name, t.topicId, code, 'Topic deletion is disabled.')) }
    }
    const nameCount = new Map<string, number>()
    const idCount = new Map<string, number>()
    for (const t of wanted) {
      if (t.name !== null) nameCount.set(t.name, (nameCount.get(t.name) ?? 0) + 1)
      if (t.name === null && !t.topicId.equals(ZERO_UUID)) idCount.set(t.topicId.toString('hex'), (idCount.get(t.topicId.toString('hex')) ?? 0) + 1)
    }
    const responses = []
    const reported = new Set<string>()
    for (const t of wanted) {
      const hasId = !t.topicId.equals(ZERO_UUID)
      const key = t.name !== null ? `n:${t.name}` : `i:${t.topicId.toString('hex')}`
      if (reported.has(key)) continue
      reported.add(key)
      try {
        if (t.name !== null && hasId) throw new KafkaError('INVALID_REQUEST', 'You may not specify both topic name and topic id.')
        if (t.name === null && !hasId) throw new KafkaError('INVALID_REQUEST', 'Neither topic name nor id were specified.')
        if (t.name !== null && nameCount.get(t.name)! > 1) throw new KafkaError('INVALID_REQUEST', 'Duplicate topic name.')
        if (hasId && idCount.get(t.topicId.toString('hex'))! > 1) throw new KafkaError('INVALID_REQUEST', 'Duplicate topic id.')
        let topic: TopicMetadata | undefined
        if (t.name !== null) {
          topic = md.topics.get(t.name)
          if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.')
        } else {
          topic = md.topicById(t.topicId.toString('base64'))
          if (!topic) throw new KafkaError('UNKNOWN_TOPIC_ID', 'This server does not host this topic ID.')
        }
        if (topic.internal || topic.name === '__consumer_offsets' || topic.name === '__transaction_state') {
          // Real Kafka 4.1 deletes internal topics when asked; the embedded cluster's coordinators
          // depend on them, so it refuses with the words of Kafka's own kafka-topics tool.
          throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic ${topic.name} is a kafka internal topic and is not allowed to be marked for deletion.`)
        }
        md.deleteTopic(topic.name)
        broker.log(`deleted topic ${topic.name}`)
        responses.push(result(topic.name, Buffer.from(topic.topicId, 'base64'), ErrorCode.NONE, null))
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e
        responses.push(result(t.name, t.topicId, e.code, e.message))
      }
    }
    return { throttleTimeMs: 0, responses }
  },
})
