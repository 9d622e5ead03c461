// A kafkajs client following the client settings a secured embedded cluster reports (its CA
// file, user and password, SCRAM-SHA-256 over the SASL_SSL listener): it creates a topic,
// produces a record and reads its offset back; the same settings with a wrong password are refused.
import { readFileSync } from 'node:fs'
import { Kafka, logLevel } from 'kafkajs'
import { expect } from 'vitest'
import type { EmbeddedStatus } from '../../src-main/ipc/contract'

export async function expectSaslSslRoundTrip(security: NonNullable<EmbeddedStatus['security']>, clientId: string): Promise<void> {
  const saslSsl = security.listeners.find((l) => l.name === 'SASL_SSL')!.bootstrap
  const client = (password: string) =>
    new Kafka({
      clientId,
      brokers: [saslSsl],
      ssl: { ca: [readFileSync(security.caPath, 'utf8')] },
      sasl: { mechanism: 'scram-sha-256', username: security.user, password },
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    })
  const kafka = client(security.password)
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic: 'secured', numPartitions: 1 }], waitForLeaders: true })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'secured', messages: [{ value: 'over-sasl-ssl' }] })
    await producer.disconnect()
    expect(await admin.fetchTopicOffsets('secured')).toEqual([expect.objectContaining({ partition: 0, high: '1' })])
  } finally {
    await admin.disconnect()
  }
  const bad = client('wrong').admin()
  await expect(bad.connect()).rejects.toThrow(/SCRAM-SHA-256|invalid credentials|Authentication failed/i)
}
