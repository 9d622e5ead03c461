import { KafkaError } from '../errors'
import { brokerConfigByName, topicConfigByName, validateConfig } from '../config'
import type { MetadataStore } from './metadata'
import { validateTopicConfigs } from './topics'

/** Kafka's ConfigResource types. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const

/** Errors.INVALID_REQUEST's default message, which Kafka sends for resource types it does not handle. */
export const INVALID_REQUEST_MESSAGE =
  'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.'

/** Which broker configs a BROKER resource names: this broker's ("<id>") or the cluster defaults (""). */
export function brokerTarget(resourceName: string, nodeId: number, describe: boolean): number | undefined {
  if (resourceName === '') return undefined
  if (!/^-?\d+$/.test(resourceName)) throw new KafkaError('INVALID_REQUEST', `Broker id must be an integer, but it is: ${resourceName}`)
  const id = Number(resourceName)
  if (id !== nodeId)
    throw new KafkaError('INVALID_REQUEST', `Unexpected broker id, expected ${nodeId}${describe ? ' or empty string' : ''}, but received ${resourceName}`)
  return id
}

export function requireTopic(metadata: MetadataStore, name: string) {
  const t = metadata.topics.get(name)
  if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${name}' does not exist.`)
  return t
}

/** Kafka's validation of dynamic broker configs; failures are INVALID_REQUEST (KAFKA-13609). Unknown names are allowed. */
export function validateBrokerConfigs(configs: Record<string, string>): void {
  const readOnly = Object.keys(configs).filter((k) => brokerConfigByName.get(k)?.readOnly)
  if (readOnly.length) throw new KafkaError('INVALID_REQUEST', `Cannot update these configs dynamically: Set(${readOnly.join(', ')})`)
  for (const [k, v] of Object.entries(configs)) {
    const def = brokerConfigByName.get(k)
    if (!def) continue
    try {
      validateConfig(def, v)
    } catch (e) {
      throw new KafkaError('INVALID_REQUEST', (e as Error).message)
    }
  }
}

/** Replaces the dynamic configs of a topic (AlterConfigs) after Kafka's checks. */
export function replaceTopicConfigs(metadata: MetadataStore, topic: string, configs: Record<string, string>, validateOnly: boolean): void {
  requireTopic(metadata, topic)
  validateTopicConfigs(configs)
  if (!validateOnly) metadata.setTopicConfigs(topic, configs)
}

/** Replaces the dynamic configs of this broker or the cluster defaults. */
export function replaceBrokerConfigs(metadata: MetadataStore, target: number | undefined, configs: Record<string, string>, validateOnly: boolean): void {
  validateBrokerConfigs(configs)
  if (!validateOnly) metadata.setBrokerConfigs(configs, target)
}

export const AlterOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT']

export interface AlterableConfig {
  name: string
  configOperation: number
  value: string | null
}

function splitList(v: string | null | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/**
 * Applies IncrementalAlterConfigs operations to a set of dynamic configs. `current(name)` gives
 * the effective value APPEND and SUBTRACT start from when the config is not set at this level.
 */
export function applyIncremental(
  existing: Record<string, string>,
  ops: AlterableConfig[],
  typeOf: (name: string) => string | undefined,
  current: (name: string) => string | null | undefined,
): Record<string, string> {
  const names = new Set<string>()
  for (const op of ops) {
    if (names.has(op.name)) throw new KafkaError('INVALID_REQUEST', 'Error due to duplicate config keys')
    names.add(op.name)
  }
  const out = { ...existing }
  for (const op of ops) {
    switch (op.configOperation) {
      case AlterOp.SET:
        if (op.value === null) throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${op.name}`)
        out[op.name] = op.value
        break
      case AlterOp.DELETE:
        delete out[op.name]
        break
      case AlterOp.APPEND:
      case AlterOp.SUBTRACT: {
        const type = typeOf(op.name)
        if (type !== 'LIST') throw new KafkaError('INVALID_CONFIG', `Can't ${OP_NAMES[op.configOperation]} to key ${op.name} because its type is not LIST.`)
        const base = splitList(out[op.name] ?? current(op.name))
        const items = splitList(op.value)
        const next = op.configOperation === AlterOp.APPEND ? [...base, ...items.filter((i) => !base.includes(i))] : base.filter((i) => !items.includes(i))
        out[op.name] = next.join(',')
        break
      }
      default:
        throw new KafkaError('INVALID_REQUEST', `Unknown alter configs operation type ${op.configOperation}`)
    }
  }
  return out
}

export function topicConfigType(name: string): string | undefined {
  return topicConfigByName.get(name)?.type
}

export function brokerConfigType(name: string): string | undefined {
  return brokerConfigByName.get(name)?.type
}

/** Where APPEND and SUBTRACT start when a config is not set at that level: Kafka's default of the config. */
export function topicConfigDefault(name: string): string | null | undefined {
  return topicConfigByName.get(name)?.default
}

export function brokerConfigDefault(name: string): string | null | undefined {
  return brokerConfigByName.get(name)?.default
}
