// Configs (describe with docs/source/flags, validated alter with a diff), key distribution and
// throughput through the console; configs checked against kafka-configs on real Kafka.
import { describe, expect, it } from 'vitest'
import { kafkaTool } from '../interop/target'
import { createTopic, useHarness } from './fixtures'
import { uniqueName, waitFor } from './setup'

const h = useHarness()

describe('configs', () => {
  it('describes topic configs with value, default, source, type and documentation', async () => {
    const topic = uniqueName('t-cfg')
    await createTopic(h, topic, 1, { 'retention.ms': '3600000' })
    const { entries } = await h.call('configs.describe', { connectionId: h.connectionId, resource: { type: 'topic', name: topic } })
    const ret = entries.find((e) => e.name === 'retention.ms')!
    expect(ret).toMatchObject({ value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG', isDefault: false, readOnly: false, sensitive: false, type: 'LONG' })
    // The default comes from the synonyms below the current source. Kafka lists none for
    // retention.ms when log.retention.ms is unset (only log.retention.hours is), so it is unknown
    // there, and the embedded broker lists its configs as Kafka does.
    expect(ret.default).toBe(null)
    const maxBytes = entries.find((e) => e.name === 'max.message.bytes')!
    expect(maxBytes).toMatchObject({ value: '1048588', default: '1048588', source: 'DEFAULT_CONFIG', type: 'INT' })
    expect(ret.documentation).toMatch(/kept|retain/i)
    const cleanup = entries.find((e) => e.name === 'cleanup.policy')!
    expect(cleanup).toMatchObject({ value: 'delete', isDefault: true, type: 'LIST' })

    if (h.kind === 'kafka') {
      const cli = await kafkaTool('kafka-configs', ['--bootstrap-server', h.bootstrap, '--describe', '--entity-type', 'topics', '--entity-name', topic])
      expect(cli.stdout).toMatch(/retention\.ms=3600000/)
    }
  })

  it('previews a diff, rejects invalid changes with the config named, then applies', async () => {
    const topic = uniqueName('t-alter')
    await createTopic(h, topic, 1, { 'retention.ms': '3600000' })
    const resource = { type: 'topic' as const, name: topic }
    const bad = await h.call('configs.alterPreview', {
      connectionId: h.connectionId,
      resource,
      changes: [
        { name: 'retention.ms', op: 'set', value: 'soon' },
        { name: 'no.such.config', op: 'set', value: '1' },
      ],
    })
    expect(bad.valid).toBe(false)
    expect(bad.errors.map((e) => e.name).sort()).toEqual(['no.such.config', 'retention.ms'])

    const brokerSide = await h.call('configs.alterPreview', {
      connectionId: h.connectionId,
      resource,
      changes: [{ name: 'cleanup.policy', op: 'set', value: 'sideways' }],
    })
    expect(brokerSide.valid).toBe(false)

    const preview = await h.call('configs.alterPreview', {
      connectionId: h.connectionId,
      resource,
      changes: [
        { name: 'max.message.bytes', op: 'set', value: '2000000' },
        { name: 'retention.ms', op: 'delete' },
      ],
    })
    expect(preview).toMatchObject({ valid: true, applied: false })
    expect(preview.changes).toEqual([
      { name: 'max.message.bytes', old: '1048588', new: '2000000', oldSource: 'DEFAULT_CONFIG' },
      { name: 'retention.ms', old: '3600000', new: null, oldSource: 'DYNAMIC_TOPIC_CONFIG' },
    ])
    // Nothing applied by a preview.
    let d = await h.call('configs.describe', { connectionId: h.connectionId, resource })
    expect(d.entries.find((e) => e.name === 'retention.ms')!.value).toBe('3600000')

    const applied = await h.call('configs.alter', {
      connectionId: h.connectionId,
      resource,
      changes: preview.changes.map((c) =>
        c.new === '2000000' ? { name: c.name, op: 'set' as const, value: '2000000' } : { name: c.name, op: 'delete' as const },
      ),
    })
    expect(applied.applied).toBe(true)
    // Apache Kafka applies the change through its metadata log: wait until a describe shows it.
    d = await waitFor(
      async () => {
        const x = await h.call('configs.describe', { connectionId: h.connectionId, resource })
        return x.entries.find((e) => e.name === 'max.message.bytes')?.value === '2000000' && x
      },
      10_000,
      'the altered config',
    )
    expect(d.entries.find((e) => e.name === 'retention.ms')).toMatchObject({ value: '604800000', source: 'DEFAULT_CONFIG' })
    expect(d.entries.find((e) => e.name === 'max.message.bytes')).toMatchObject({ value: '2000000', source: 'DYNAMIC_TOPIC_CONFIG' })
    if (h.kind === 'kafka') {
      const cli = await kafkaTool('kafka-configs', ['--bootstrap-server', h.bootstrap, '--describe', '--entity-type', 'topics', '--entity-name', topic])
      expect(cli.stdout).toMatch(/max\.message\.bytes=2000000/)
      expect(cli.stdout).not.toMatch(/retention\.ms=/)
    }
  })

  it('describes broker configs, flags read-only ones and refuses to change them', async () => {
    const o = await h.call('cluster.overview', { connectionId: h.connectionId })
    const resource = { type: 'broker' as const, name: String(o.brokers[0]!.nodeId) }
    const { entries } = await h.call('configs.describe', { connectionId: h.connectionId, resource })
    const logDirs = entries.find((e) => e.name === 'log.dirs')
    expect(logDirs?.readOnly).toBe(true)
    expect(logDirs?.source).toBe('STATIC_BROKER_CONFIG')
    const r = await h.call('configs.alterPreview', { connectionId: h.connectionId, resource, changes: [{ name: 'log.dirs', op: 'set', value: 'x' }] })
    expect(r.valid).toBe(false)
    expect(r.errors[0]).toMatchObject({ name: 'log.dirs', message: expect.stringMatching(/read-only/) })
  })
})

describe('key distribution', () => {
  it('finds the hot key and hot partition', async () => {
    const topic = uniqueName('t-keys')
    await createTopic(h, topic, 4)
    // 200 records: 120 with one key, 80 spread over 40 keys.
    await h.call('produce.batch', {
      connectionId: h.connectionId,
      topic,
      count: 120,
      template: { key: { format: 'string', data: 'celebrity' }, value: { format: 'string', data: 'x{{i}}' } },
    })
    await h.call('produce.batch', {
      connectionId: h.connectionId,
      topic,
      count: 80,
      template: { key: { format: 'string', data: 'user-{{i}}' }, value: { format: 'string', data: 'y' } },
    })
    const r = await h.call('keys.distribution', { connectionId: h.connectionId, topic, topN: 5 })
    expect(r.scanned).toBe(200)
    expect(r.partitions.reduce((n, p) => n + p.messages, 0)).toBe(200)
    expect(r.topKeys[0]).toMatchObject({ key: 'celebrity', count: 120, share: 0.6, hot: true })
    expect(r.topKeys[0]!.partitions).toHaveLength(1)
    expect(r.hotKeys).toEqual(['celebrity'])
    expect(r.hotPartitions).toEqual(r.topKeys[0]!.partitions)
    expect(r.distinctKeyEstimate).toBe(81)
    expect(r.skew.level).toBe('hot')
    expect(r.skew.score).toBeGreaterThan(0.5)
    expect(r.advice.join(' ')).toMatch(/celebrity/)
  })
})

describe('throughput', () => {
  it('derives message and byte rates from sampled offsets', async () => {
    const topic = uniqueName('t-tput')
    await createTopic(h, topic, 2)
    const first = await h.call('throughput.series', { connectionId: h.connectionId, topic })
    expect(first.series[0]!.points).toEqual([])
    await h.call('produce.batch', {
      connectionId: h.connectionId,
      topic,
      count: 100,
      template: { value: { format: 'string', data: 'payload-{{i}}' }, partition: 1 },
    })
    const series = await sampleAndRead(topic)
    const pt = series.series.find((s) => s.partition === 1)!.points.at(-1)!
    expect(pt.messagesPerSec).toBeGreaterThan(0)
    expect(pt.bytesPerSec).toBeGreaterThan(0)
    expect(series.series.find((s) => s.partition === 0)!.points.at(-1)!.messagesPerSec).toBe(0)
  })
})

async function sampleAndRead(topic: string) {
  const { Throughput } = await import('../../src-main/console/throughput')
  // A sampler of our own over the console's session, sampled on demand rather than every 10 s.
  const t = new Throughput((id) => h.app.connections.session(id), undefined, 10_000)
  await t.series({ connectionId: h.connectionId, topic, byPartition: true })
  await h.call('produce.batch', { connectionId: h.connectionId, topic, count: 50, template: { value: { format: 'string', data: 'more-{{i}}' }, partition: 1 } })
  await new Promise((r) => setTimeout(r, 200))
  await t.sample(h.connectionId, topic)
  const r = await t.series({ connectionId: h.connectionId, topic, byPartition: true })
  t.stop()
  return r
}
