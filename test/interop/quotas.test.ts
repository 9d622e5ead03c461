// Client quotas with Kafka's own tools, unchanged on both targets: kafka-configs sets, describes
// and deletes quotas on clients, users, user + client pairs and the default entities
// (DescribeClientQuotas / AlterClientQuotas), and a producer_byte_rate / consumer_byte_rate quota
// visibly throttles Kafka's Java producer and consumer (kafka-producer-perf-test and
// kafka-consumer-perf-test: their own rate and the client's throttle-time metrics).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metric, producerPerf } from './producer-perf.ts'
import { eventually, kafkaTool, startTarget, uniqueTopic, type Target } from './target.ts'

let target: Target
let scratch: string
const bs = (): string[] => ['--bootstrap-server', target.bootstrap]

beforeAll(async () => {
  target = await startTarget()
  scratch = mkdtempSync(join(tmpdir(), 'kafkadesk-quotas-'))
}, 180_000)

afterAll(async () => {
  await target?.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

const configs = (args: string[]) => kafkaTool('kafka-configs', [...bs(), ...args])
const describeQuotas = async (entity: string[]) => (await configs(['--describe', ...entity])).stdout

/** 64 KiB/s, the quota the throttling tests set. */
const RATE = 64 * 1024
/** Kafka's defaults: quota.window.num 11 windows of quota.window.size.seconds 1. */
const MEASURED_WINDOW_S = 10

describe('kafka-configs round trips client quotas', () => {
  it('adds, describes and deletes a quota on a client id', async () => {
    const client = uniqueTopic('quota-client')
    await configs(['--alter', '--entity-type', 'clients', '--entity-name', client, '--add-config', 'producer_byte_rate=1024,consumer_byte_rate=2048'])
    const out = await eventually(async () => {
      const o = await describeQuotas(['--entity-type', 'clients', '--entity-name', client])
      if (!o.includes('producer_byte_rate')) throw new Error(o)
      return o
    })
    expect(out).toContain(`Quota configs for client-id '${client}' are`)
    expect(out).toMatch(/producer_byte_rate=1024(\.0)?\b/)
    expect(out).toMatch(/consumer_byte_rate=2048(\.0)?\b/)

    await configs(['--alter', '--entity-type', 'clients', '--entity-name', client, '--delete-config', 'consumer_byte_rate'])
    const after = await eventually(async () => {
      const o = await describeQuotas(['--entity-type', 'clients', '--entity-name', client])
      if (o.includes('consumer_byte_rate')) throw new Error(o)
      return o
    })
    expect(after).toMatch(/producer_byte_rate=1024(\.0)?\b/)

    await configs(['--alter', '--entity-type', 'clients', '--entity-name', client, '--delete-config', 'producer_byte_rate'])
    const gone = await eventually(async () => {
      const o = await describeQuotas(['--entity-type', 'clients', '--entity-name', client])
      if (o.includes('producer_byte_rate')) throw new Error(o)
      return o
    })
    expect(gone).not.toContain(`client-id '${client}'`)
  }, 180_000)

  it('sets quotas on a user, a user with a client id, and the default entities', async () => {
    const user = uniqueTopic('quota-user')
    const client = uniqueTopic('quota-client')
    await configs(['--alter', '--entity-type', 'users', '--entity-name', user, '--add-config', 'request_percentage=12.5'])
    await configs([
      '--alter',
      '--entity-type',
      'users',
      '--entity-name',
      user,
      '--entity-type',
      'clients',
      '--entity-name',
      client,
      '--add-config',
      'producer_byte_rate=4096',
    ])
    // Defaults large enough to throttle nothing the other tests do.
    await configs(['--alter', '--entity-type', 'clients', '--entity-default', '--add-config', 'consumer_byte_rate=1073741824'])
    await configs(['--alter', '--entity-type', 'users', '--entity-default', '--add-config', 'producer_byte_rate=1073741824'])
    try {
      const userOut = await eventually(async () => {
        const o = await describeQuotas(['--entity-type', 'users', '--entity-name', user])
        if (!o.includes('request_percentage')) throw new Error(o)
        return o
      })
      expect(userOut).toContain(`Quota configs for user-principal '${user}' are request_percentage=12.5`)

      const pairOut = await describeQuotas(['--entity-type', 'users', '--entity-name', user, '--entity-type', 'clients', '--entity-name', client])
      expect(pairOut).toContain(`Quota configs for user-principal '${user}', client-id '${client}' are producer_byte_rate=4096`)

      const defaultClient = await describeQuotas(['--entity-type', 'clients', '--entity-default'])
      expect(defaultClient).toContain('Quota configs for the default client-id are consumer_byte_rate=1.073741824E9')
      const defaultUser = await describeQuotas(['--entity-type', 'users', '--entity-default'])
      expect(defaultUser).toContain('Quota configs for the default user-principal are producer_byte_rate=1.073741824E9')

      // Every client-id entity (strict: entities of the client-id type alone), named and default.
      const allClients = await describeQuotas(['--entity-type', 'clients'])
      expect(allClients).toContain('Quota configs for the default client-id are')
      expect(allClients).not.toContain(`user-principal '${user}'`)
    } finally {
      await configs(['--alter', '--entity-type', 'clients', '--entity-default', '--delete-config', 'consumer_byte_rate'])
      await configs(['--alter', '--entity-type', 'users', '--entity-default', '--delete-config', 'producer_byte_rate'])
    }
    const cleared = await eventually(async () => {
      const o = await describeQuotas(['--entity-type', 'clients', '--entity-default'])
      if (o.includes('consumer_byte_rate')) throw new Error(o)
      return o
    })
    expect(cleared).not.toContain('default client-id')
  }, 240_000)

  it('refuses an unknown quota key', async () => {
    const r = await kafkaTool('kafka-configs', [...bs(), '--alter', '--entity-type', 'clients', '--entity-name', 'x', '--add-config', 'no_such_quota=1']).catch(
      (e: Error) => e,
    )
    expect(r).toBeInstanceOf(Error)
    expect(String(r)).toMatch(/no_such_quota/)
  }, 120_000)
})

describe('a byte-rate quota throttles the client it names', () => {
  it('producer_byte_rate slows a producer down to the quota and reports throttle time', async () => {
    const topic = uniqueTopic('quota-produce')
    const client = uniqueTopic('throttled-producer')
    await kafkaTool('kafka-topics', [...bs(), '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
    await configs(['--alter', '--entity-type', 'clients', '--entity-name', client, '--add-config', `producer_byte_rate=${RATE}`])
    await eventually(async () => {
      const o = await describeQuotas(['--entity-type', 'clients', '--entity-name', client])
      if (!o.includes('producer_byte_rate')) throw new Error(o)
    })
    const records = 1024
    const size = 1024
    const r = await producerPerf(topic, records, size, [
      '--producer-props',
      `bootstrap.servers=${target.bootstrap}`,
      `client.id=${client}`,
      'acks=1',
      'linger.ms=5',
    ])
    expect(r.sent).toBe(records)
    const elapsedS = records / r.recordsPerSec
    // Within its quota a client may send what the measured span allows (10 windows of the rate);
    // the rest can only go at the quota. Record overheads only add bytes, so this bound is low.
    const lowerBoundS = (records * size - RATE * MEASURED_WINDOW_S) / RATE
    console.log(`${target.kind}: 1 MiB at producer_byte_rate=${RATE} took ${elapsedS.toFixed(1)} s (lower bound ${lowerBoundS.toFixed(1)} s)`)
    expect(elapsedS).toBeGreaterThan(lowerBoundS * 0.9)
    expect(metric(r.stdout, 'produce-throttle-time-max')).toBeGreaterThan(0)
  }, 240_000)

  it('request_percentage throttles a client whose requests take more of the broker than it allows', async () => {
    const topic = uniqueTopic('quota-request')
    const client = uniqueTopic('throttled-requests')
    await kafkaTool('kafka-topics', [...bs(), '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
    // 0.01 % of a thread: about 1 ms of the broker's time in its 11 s of quota samples. A few
    // produce requests of nearly 1 MB each take more than that (their CRCs alone), on any broker.
    await configs(['--alter', '--entity-type', 'clients', '--entity-name', client, '--add-config', 'request_percentage=0.01'])
    await eventually(async () => {
      const o = await describeQuotas(['--entity-type', 'clients', '--entity-name', client])
      if (!o.includes('request_percentage')) throw new Error(o)
    })
    // Few requests (15 records of 64 KiB to a batch): each throttled one waits up to a second, and
    // records must not reach delivery.timeout.ms.
    const records = 64
    const r = await producerPerf(topic, records, 65536, [
      '--producer-props',
      `bootstrap.servers=${target.bootstrap}`,
      `client.id=${client}`,
      'acks=1',
      'linger.ms=20',
      'batch.size=1000000',
    ])
    expect(r.sent).toBe(records)
    const maxThrottle = metric(r.stdout, 'produce-throttle-time-max')
    console.log(`${target.kind}: request_percentage=0.01 gave produce-throttle-time-max ${maxThrottle} ms`)
    expect(maxThrottle).toBeGreaterThan(0)
    // The request quota throttles for one quota window (1 s) at most.
    expect(maxThrottle).toBeLessThanOrEqual(1000)
  }, 240_000)

  it('consumer_byte_rate slows a consumer down to the quota and reports throttle time', async () => {
    const topic = uniqueTopic('quota-fetch')
    const client = uniqueTopic('throttled-consumer')
    await kafkaTool('kafka-topics', [...bs(), '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
    const records = 1024
    const size = 1024
    await kafkaTool('kafka-producer-perf-test', [
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(size),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${target.bootstrap}`,
      'acks=1',
    ])
    await configs(['--alter', '--entity-type', 'clients', '--entity-name', client, '--add-config', `consumer_byte_rate=${RATE}`])
    await eventually(async () => {
      const o = await describeQuotas(['--entity-type', 'clients', '--entity-name', client])
      if (!o.includes('consumer_byte_rate')) throw new Error(o)
    })
    const props = join(scratch, `${client}.properties`)
    writeFileSync(props, `client.id=${client}\nauto.offset.reset=earliest\n`)
    const r = await kafkaTool(
      'kafka-consumer-perf-test',
      [
        '--bootstrap-server',
        target.bootstrap,
        '--topic',
        topic,
        '--messages',
        String(records),
        '--consumer.config',
        props,
        '--print-metrics',
        '--timeout',
        '120000',
      ],
      { timeoutMs: 180_000 },
    )
    // The data line: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, …
    const line = r.stdout.split('\n').find((l) => /^\d{4}-\d\d-\d\d /.test(l))
    expect(line, r.stdout.slice(-3000)).toBeDefined()
    const fields = line!.split(',').map((s) => s.trim())
    expect(Number(fields[4])).toBe(records)
    // The tool's own start and end times (yyyy-MM-dd HH:mm:ss:SSS), without the JVM's start.
    const at = (t: string) => Date.parse(t.replace(' ', 'T').replace(/:(\d{3})$/, '.$1'))
    const elapsedS = (at(fields[1]!) - at(fields[0]!)) / 1000
    const lowerBoundS = (records * size - RATE * MEASURED_WINDOW_S) / RATE
    console.log(`${target.kind}: 1 MiB at consumer_byte_rate=${RATE} took ${elapsedS.toFixed(1)} s (lower bound ${lowerBoundS.toFixed(1)} s)`)
    expect(elapsedS).toBeGreaterThan(lowerBoundS * 0.9)
    expect(metric(r.stdout, 'fetch-throttle-time-max')).toBeGreaterThan(0)
  }, 300_000)
})
