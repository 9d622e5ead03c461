// KIP-368 re-authentication against kafkajs, on the embedded cluster and Kafka 4.1 with the same
// settings (security-target.ts) plus connections.max.reauth.ms: the broker announces the session
// lifetime, kafkajs re-authenticates on the same connection before it runs out, and requests
// after the first lifetime keep working.
import { Kafka, logLevel, type LogEntry } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { targetKind } from './target.ts'
import { startSecureTarget, type SecureTarget } from './security-target.ts'

const kind = targetKind()
const REAUTH_MS = 8000
// kafkajs re-authenticates on the first request made once less than this is left of the session.
const THRESHOLD_MS = 3000
let target: SecureTarget

beforeAll(async () => {
  target = await startSecureTarget(kind, { 'connections.max.reauth.ms': String(REAUTH_MS) })
}, 240_000)

afterAll(async () => {
  await target?.stop()
})

describe(`re-authentication (${kind})`, () => {
  it('kafkajs re-authenticates on its connection and keeps working past the session lifetime', async () => {
    const authentications: string[] = []
    const kafka = new Kafka({
      clientId: 'interop-reauth',
      brokers: [target.at.SASL_PLAINTEXT],
      sasl: { mechanism: 'plain', username: 'admin', password: 'admin-secret' },
      retry: { retries: 0 },
      reauthenticationThreshold: THRESHOLD_MS,
      logLevel: logLevel.DEBUG,
      logCreator: () => (entry: { log: LogEntry['log'] }) => {
        if (/authentication successful/.test(entry.log.message)) authentications.push(entry.log.message)
      },
    })
    const admin = kafka.admin()
    await admin.connect()
    try {
      await admin.listTopics()
      const first = authentications.length
      expect(first).toBeGreaterThanOrEqual(1)
      // Inside the threshold: this request re-authenticates first, on the same connection.
      await new Promise((r) => setTimeout(r, REAUTH_MS - THRESHOLD_MS + 1000))
      await admin.listTopics()
      expect(authentications.length).toBeGreaterThan(first)
      // Past the first session's end: a broker that had not renewed the session would close the
      // connection on this request.
      await new Promise((r) => setTimeout(r, THRESHOLD_MS))
      await admin.listTopics()
    } finally {
      await admin.disconnect()
    }
  })
})
