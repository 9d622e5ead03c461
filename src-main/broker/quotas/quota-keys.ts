// The quota keys Kafka accepts on user and client-id entities (QuotaConfig), with their types:
// the byte rates are LONG configs (whole bytes per second), the others DOUBLE.

export const PRODUCER_BYTE_RATE = 'producer_byte_rate'
export const CONSUMER_BYTE_RATE = 'consumer_byte_rate'
export const REQUEST_PERCENTAGE = 'request_percentage'
export const CONTROLLER_MUTATION_RATE = 'controller_mutation_rate'
export const CONNECTION_CREATION_RATE = 'connection_creation_rate'

/** The key of IP entities (an INT config in Kafka). */
export const IP_QUOTA_KEY_TYPES: ReadonlyMap<string, 'long' | 'double'> = new Map([[CONNECTION_CREATION_RATE, 'long']])

export const QUOTA_KEY_TYPES: ReadonlyMap<string, 'long' | 'double'> = new Map([
  [PRODUCER_BYTE_RATE, 'long'],
  [CONSUMER_BYTE_RATE, 'long'],
  [REQUEST_PERCENTAGE, 'double'],
  [CONTROLLER_MUTATION_RATE, 'double'],
])

/** Kafka's defaults: quota.window.num and quota.window.size.seconds. */
export const DEFAULT_QUOTA_WINDOW_NUM = 11
export const DEFAULT_QUOTA_WINDOW_SIZE_SECONDS = 1
