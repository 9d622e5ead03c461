/** Topic and broker configs: entries with their source, changes and the diff of an alter. */
import { z } from 'zod'
import { ConnectionId } from './common'

export const ConfigResource = z.object({
  type: z.enum(['topic', 'broker']),
  /** Topic name or broker id (as a string). */
  name: z.string().min(1),
})
export type ConfigResource = z.infer<typeof ConfigResource>

export const ConfigSource = z.enum([
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
  'UNKNOWN',
])

export const ConfigEntry = z.object({
  name: z.string(),
  value: z.string().nullable(),
  /** The value this entry would have without its current source (first synonym below it). */
  default: z.string().nullable(),
  source: ConfigSource,
  isDefault: z.boolean(),
  readOnly: z.boolean(),
  sensitive: z.boolean(),
  /** Kafka's config type name (BOOLEAN, STRING, INT, SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD). */
  type: z.string().nullable(),
  documentation: z.string().nullable(),
  synonyms: z.array(z.object({ name: z.string(), value: z.string().nullable(), source: ConfigSource })),
})
export type ConfigEntry = z.infer<typeof ConfigEntry>

export const ConfigChange = z.object({
  name: z.string().min(1),
  /** 'set' needs value; 'delete' reverts to the default. */
  op: z.enum(['set', 'delete']),
  value: z.string().optional(),
})

export const ConfigAlterRequest = z.object({
  connectionId: ConnectionId,
  resource: ConfigResource,
  changes: z.array(ConfigChange).min(1),
})

export const ConfigDiff = z.object({
  resource: ConfigResource,
  changes: z.array(
    z.object({
      name: z.string(),
      old: z.string().nullable(),
      new: z.string().nullable(),
      oldSource: ConfigSource,
    }),
  ),
  /** Problems found by local checks and by the broker's validate-only pass; empty when valid. */
  errors: z.array(z.object({ name: z.string(), message: z.string() })),
  valid: z.boolean(),
  applied: z.boolean(),
})
export type ConfigDiff = z.infer<typeof ConfigDiff>
