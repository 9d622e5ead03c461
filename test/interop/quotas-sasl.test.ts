// A quota on a user entity throttles that authenticated user, unchanged on both secured targets
// (scripts/kafka/start-secure.sh): the user entity is the SASL principal's name, and its quota
// applies whatever client id the user's producer takes.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metric, producerPerf } from './producer-perf.ts'
import { eventually, kafkaTool, targetKind, uniqueTopic } from './target.ts'
import { startSecureTarget, type SecureTarget } from './security-target.ts'

let target: SecureTarget
/** The PLAINTEXT listener's principal (ANONYMOUS) is a super user of the secured targets. */
const admin = (): string[] => ['--bootstrap-server', target.at.PLAINTEXT]
const RATE = 64 * 1024

beforeAll(async () => {
  target = await startSecureTarget(targetKind())
}, 180_000)

afterAll(async () => {
  await target?.stop()
})

describe('a user quota over SASL', () => {
  it('producer_byte_rate on user alice throttles her producer, whatever its client id', async () => {
    const topic = uniqueTopic('quota-sasl')
    await kafkaTool('kafka-topics', [...admin(), '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
    await kafkaTool('kafka-acls', [...admin(), '--add', '--allow-principal', 'User:alice', '--operation', 'Write', '--operation', 'Describe', '--topic', topic])
    await kafkaTool('kafka-configs', [...admin(), '--alter', '--entity-type', 'users', '--entity-name', 'alice', '--add-config', `producer_byte_rate=${RATE}`])
    await eventually(async () => {
      const o = (await kafkaTool('kafka-configs', [...admin(), '--describe', '--entity-type', 'users', '--entity-name', 'alice'])).stdout
      if (!o.includes('producer_byte_rate')) throw new Error(o)
    })
    const records = 1024
    const size = 1024
    // The JAAS line holds '=' signs, which --producer-props cannot take: a config file can.
    const props = join(target.dir, 'alice-producer.properties')
    writeFileSync(
      props,
      [
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=PLAIN',
        'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";',
        `client.id=${uniqueTopic('any-client')}`,
        'acks=1',
        '',
      ].join('\n'),
    )
    const r = await producerPerf(topic, records, size, ['--producer.config', props, '--producer-props', `bootstrap.servers=${target.at.SASL_PLAINTEXT}`])
    expect(r.sent).toBe(records)
    const elapsedS = records / r.recordsPerSec
    const lowerBoundS = (records * size - RATE * 10) / RATE
    console.log(`${target.kind}: alice's 1 MiB at producer_byte_rate=${RATE} took ${elapsedS.toFixed(1)} s (lower bound ${lowerBoundS.toFixed(1)} s)`)
    expect(elapsedS).toBeGreaterThan(lowerBoundS * 0.9)
    expect(metric(r.stdout, 'produce-throttle-time-max')).toBeGreaterThan(0)
  }, 240_000)
})
