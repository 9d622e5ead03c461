// Config parity with Apache Kafka 4.1: every broker and topic config Kafka lists is listed by the
// target with Kafka's default (kafka-configs --describe --all, Kafka's own tool), type, read-only
// and sensitive flags (DescribeConfigs v4 through the console's raw client), with documentation.
// The reference is config-parity.kafka-4.1.json, captured from a Kafka 4.1.1 broker; the
// KAFKADESK_TARGET=kafka run checks that a live Kafka still gives exactly it, the embedded run
// that the embedded cluster gives it except for the differences in ACCEPTED below — no more and
// no fewer, so a new difference or a fixed one both fail until this table says why.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RawClient } from '../../src-main/console/raw-client.ts'
import { ApiKey } from '../../src-main/broker/protocol/api.ts'
import { eventually, interopDir, kafkaTool, startTarget, uniqueTopic, type Target } from './target.ts'

type Kind = 'broker' | 'topic'
/** [default (null: none), type, readOnly, sensitive] */
type Reference = [string | null, string, boolean, boolean]
type Field = 'missing' | 'extra' | 'default' | 'type' | 'readOnly' | 'sensitive'

/** Every way the embedded cluster differs from Kafka 4.1's configs, and why. */
const ACCEPTED: Array<{ kind: Kind; name: string; field: Field; why: string }> = [
  {
    kind: 'broker',
    name: 'log.open.files.max',
    field: 'extra',
    why: "Kafkadesk's bound on open segment files (a pool of fds), so 50,000 partitions fit the default ulimit; Kafka keeps every segment open.",
  },
  {
    kind: 'broker',
    name: 'max.partitions',
    field: 'extra',
    why: "Kafkadesk's cluster-wide partition limit (KIP-578's idea), refusing CreateTopics/CreatePartitions with POLICY_VIOLATION before any work.",
  },
  {
    kind: 'broker',
    name: 'max.partitions.per.request',
    field: 'extra',
    why: "Kafkadesk names the per-request cap Kafka's controller has built in (10000) so it can be set.",
  },
  {
    kind: 'broker',
    name: 'max.connections',
    field: 'readOnly',
    why: 'The embedded broker applies connection limits when it starts; changing them needs a restart (--config).',
  },
  { kind: 'broker', name: 'max.connections.per.ip', field: 'readOnly', why: 'Applied when the broker starts, as max.connections.' },
  { kind: 'broker', name: 'max.connections.per.ip.overrides', field: 'readOnly', why: 'Applied when the broker starts, as max.connections.' },
]

const TYPES = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD']

interface Described {
  default: string | null
  value: string | null
}

/**
 * Parses `kafka-configs --describe --all`: `  name=value sensitive=B synonyms={SOURCE:name=value, …}`.
 * The default is the DEFAULT_CONFIG synonym; with no synonyms at all the value is the default; a
 * config set only statically has none.
 */
function parseKafkaConfigs(out: string): Map<string, Described> {
  const m = new Map<string, Described>()
  for (const raw of out.split('\n')) {
    if (!raw.startsWith('  ')) continue
    const line = raw.trim()
    const cut = line.lastIndexOf(' sensitive=')
    const eq = line.indexOf('=')
    const name = line.slice(0, eq)
    const value = line.slice(eq + 1, cut)
    const syn = line.slice(line.indexOf('synonyms={', cut) + 'synonyms={'.length, -1)
    const synonyms = syn === '' ? [] : syn.split(/, (?=[A-Z_]+:)/).map((s) => ({ source: s.slice(0, s.indexOf(':')), value: s.slice(s.indexOf('=') + 1) }))
    const def = synonyms.find((s) => s.source === 'DEFAULT_CONFIG')
    const dflt = def ? def.value : synonyms.length === 0 ? value : null
    m.set(name, { default: dflt === 'null' ? null : dflt, value: value === 'null' ? null : value })
  }
  return m
}

const reference = JSON.parse(readFileSync(join(interopDir, 'config-parity.kafka-4.1.json'), 'utf8')) as Record<Kind, Record<string, Reference>>

let target: Target
let raw: RawClient
let brokerId: string
const topic = uniqueTopic('parity')

beforeAll(async () => {
  target = await startTarget()
  raw = await RawClient.connect(target.bootstrap.split(',')[0]!)
  const md = await raw.request(ApiKey.Metadata, 1, { topics: [] })
  brokerId = String(md.controllerId >= 0 && md.brokers.some((b: { nodeId: number }) => b.nodeId === md.controllerId) ? md.controllerId : md.brokers[0].nodeId)
  await kafkaTool('kafka-topics', ['--bootstrap-server', target.bootstrap, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
})

afterAll(async () => {
  raw?.close()
  await target?.stop()
})

/** What the target lists for a broker or a topic: defaults from kafka-configs, the rest from DescribeConfigs v4. */
async function describe_(kind: Kind): Promise<Map<string, Reference & { doc: string | null }>> {
  const entity = kind === 'broker' ? ['--entity-type', 'brokers', '--entity-name', brokerId] : ['--entity-type', 'topics', '--entity-name', topic]
  const cli = parseKafkaConfigs((await kafkaTool('kafka-configs', ['--bootstrap-server', target.bootstrap, '--describe', '--all', ...entity])).stdout)
  const r = await eventually(async () => {
    const res = await raw.request(ApiKey.DescribeConfigs, 4, {
      resources: [{ resourceType: kind === 'broker' ? 4 : 2, resourceName: kind === 'broker' ? brokerId : topic, configurationKeys: null }],
      includeSynonyms: true,
      includeDocumentation: true,
    })
    if (res.results[0].errorCode !== 0) throw new Error(`DescribeConfigs ${kind}: error ${res.results[0].errorCode}`)
    return res.results[0].configs as Array<{ name: string; configType: number; readOnly: boolean; isSensitive: boolean; documentation: string | null }>
  })
  const out = new Map<string, Reference & { doc: string | null }>()
  for (const c of r) {
    const d = cli.get(c.name)
    // a topic's effective value is its default on a fresh topic of a broker with no log.* settings
    const dflt = kind === 'topic' ? (d?.value ?? null) : (d?.default ?? null)
    out.set(c.name, Object.assign([dflt, TYPES[c.configType] ?? 'UNKNOWN', c.readOnly, c.isSensitive] as Reference, { doc: c.documentation }))
  }
  expect([...cli.keys()].sort()).toEqual([...out.keys()].sort()) // the tool and the raw request list the same names
  return out
}

function differences(kind: Kind, got: Map<string, Reference>): Array<{ kind: Kind; name: string; field: Field; kafka: unknown; target: unknown }> {
  const ref = reference[kind]
  const out: Array<{ kind: Kind; name: string; field: Field; kafka: unknown; target: unknown }> = []
  for (const name of Object.keys(ref)) if (!got.has(name)) out.push({ kind, name, field: 'missing', kafka: ref[name], target: undefined })
  for (const [name, g] of got) {
    const r = ref[name]
    if (!r) {
      out.push({ kind, name, field: 'extra', kafka: undefined, target: g })
      continue
    }
    const fields: Field[] = ['default', 'type', 'readOnly', 'sensitive']
    fields.forEach((field, i) => {
      if (g[i] !== r[i]) out.push({ kind, name, field, kafka: r[i], target: g[i] })
    })
  }
  return out
}

describe('config parity with Kafka 4.1', () => {
  for (const kind of ['broker', 'topic'] as Kind[]) {
    it(`lists every ${kind} config with Kafka's default, type and flags, and documentation for each`, async () => {
      const got = await describe_(kind)
      expect(got.size).toBeGreaterThanOrEqual(Object.keys(reference[kind]).length)
      const diffs = differences(kind, got)
      const accepted = target.kind === 'kafka' ? [] : ACCEPTED.filter((a) => a.kind === kind)
      const key = (d: { kind: Kind; name: string; field: Field }) => `${d.kind} ${d.name} ${d.field}`
      expect(
        diffs.map(key).sort(),
        JSON.stringify(
          diffs.filter((d) => !accepted.some((a) => key(a) === key(d))),
          null,
          1,
        ),
      ).toEqual(accepted.map(key).sort())
      // every config has documentation, and the embedded broker says which ones it does not act on
      for (const [name, c] of got) expect(c.doc, name).toBeTruthy()
      if (target.kind === 'embedded') {
        const inert = [...got].filter(([, c]) => /\bInert on the embedded broker\b/.test(c.doc ?? '')).map(([n]) => n)
        expect(inert.length).toBeGreaterThan(kind === 'broker' ? 150 : 10)
        if (kind === 'broker') expect(inert).toEqual(expect.arrayContaining(['num.io.threads', 'log.flush.interval.ms', 'remote.log.storage.system.enable']))
        if (kind === 'broker') expect(inert).not.toContain('log.cleaner.backoff.ms')
        if (kind === 'topic') expect(inert).toEqual(expect.arrayContaining(['flush.ms', 'remote.storage.enable', 'segment.jitter.ms']))
        if (kind === 'topic') expect(inert).not.toContain('min.cleanable.dirty.ratio')
      }
    }, 120_000)
  }

  it('accepts a dynamic broker config it does not act on, reports it, and refuses a read-only one as Kafka does', async () => {
    // log.cleaner.io.buffer.size is dynamic in Kafka and inert here; num.io.threads is dynamic too; log.dirs is read-only
    await kafkaTool('kafka-configs', [
      '--bootstrap-server',
      target.bootstrap,
      '--entity-type',
      'brokers',
      '--entity-default',
      '--alter',
      '--add-config',
      'log.cleaner.io.buffer.size=1048576',
    ])
    await eventually(async () => {
      const all = parseKafkaConfigs(
        (
          await kafkaTool('kafka-configs', [
            '--bootstrap-server',
            target.bootstrap,
            '--describe',
            '--all',
            '--entity-type',
            'brokers',
            '--entity-name',
            brokerId,
          ])
        ).stdout,
      )
      expect(all.get('log.cleaner.io.buffer.size')?.value).toBe('1048576')
    })
    const refused = await kafkaTool('kafka-configs', [
      '--bootstrap-server',
      target.bootstrap,
      '--entity-type',
      'brokers',
      '--entity-default',
      '--alter',
      '--add-config',
      'log.dirs=/elsewhere',
    ]).then(
      () => null,
      (e: Error) => e.message,
    )
    expect(refused).toMatch(/Cannot update these configs dynamically: Set\(log\.dirs\)/)
    await kafkaTool('kafka-configs', [
      '--bootstrap-server',
      target.bootstrap,
      '--entity-type',
      'brokers',
      '--entity-default',
      '--alter',
      '--delete-config',
      'log.cleaner.io.buffer.size',
    ])
  }, 120_000)
})
