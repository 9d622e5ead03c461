// The startup lines that tell a developer how to point their application at the embedded
// cluster: the bootstrap address, and the one-line setting for the common clients.

/** Lines for Java (and Kafka's CLI tools), librdkafka (kcat, confluent-kafka-*) and kafkajs. */
export function clientConfigLines(bootstrap: string): string[] {
  const list = bootstrap.split(',').map((s) => s.trim())
  return [
    `bootstrap ${bootstrap}`,
    `  Java         bootstrap.servers=${bootstrap}`,
    `  librdkafka   -b ${bootstrap}   (bootstrap.servers=${bootstrap})`,
    `  kafkajs      brokers: [${list.map((b) => `'${b}'`).join(', ')}]`,
  ]
}
