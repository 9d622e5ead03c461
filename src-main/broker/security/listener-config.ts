// A broker config as one listener sees it: Kafka lets `listener.name.<listener>.<config>` override
// `<config>` for that listener (e.g. listener.name.sasl_ssl.ssl.keystore.location), and for SASL
// `listener.name.<listener>.<mechanism>.<config>` (listener.name.sasl_plaintext.plain.sasl.jaas.config).

export type StaticConfigs = Readonly<Record<string, string>>

export function listenerConfig(configs: StaticConfigs, listener: string, key: string, mechanism?: string): string | undefined {
  const prefix = `listener.name.${listener.toLowerCase()}.`
  if (mechanism !== undefined) {
    const v = configs[`${prefix}${mechanism.toLowerCase()}.${key}`]
    if (v !== undefined) return v
  }
  return configs[`${prefix}${key}`] ?? configs[key]
}
