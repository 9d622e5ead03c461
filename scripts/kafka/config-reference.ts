// node --import tsx scripts/kafka/config-reference.ts
//
// Captures Apache Kafka's configs from a live broker so the embedded broker can list the same:
// starts one Kafka 4.1 node (start-broker.sh), creates a topic, and reads every broker and topic
// config with kafka-configs --describe --all (defaults) and DescribeConfigs v4 (types, read-only,
// sensitive). Writes
//   src-main/broker/config-catalog.ts            every broker config: name, type, default, flags
//   test/interop/config-parity.kafka-4.1.json    the reference the config-parity test compares with
// Only facts are kept (names, types, defaults, flags); Kafka's documentation text is not copied.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RawClient } from '../../src-main/console/raw-client.ts'
import { ApiKey } from '../../src-main/broker/protocol/api.ts'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..', '..')
const TYPES = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD']
type Kind = 'broker' | 'topic'

/** kafka-configs --describe --all: name → { value, default } (the DEFAULT_CONFIG synonym; the value when there are no synonyms). */
function parse(out: string): Map<string, { value: string | null; default: string | null }> {
  const m = new Map<string, { value: string | null; default: string | null }>()
  for (const raw of out.split('\n')) {
    if (!raw.startsWith('  ')) continue
    const line = raw.trim()
    const cut = line.lastIndexOf(' sensitive=')
    const eq = line.indexOf('=')
    const value = line.slice(eq + 1, cut)
    const syn = line.slice(line.indexOf('synonyms={', cut) + 'synonyms={'.length, -1)
    const synonyms = syn === '' ? [] : syn.split(/, (?=[A-Z_]+:)/)
    const def = synonyms.find((s) => s.startsWith('DEFAULT_CONFIG:'))
    const dflt = def ? def.slice(def.indexOf('=') + 1) : synonyms.length === 0 ? value : null
    m.set(line.slice(0, eq), { value: value === 'null' ? null : value, default: dflt === 'null' ? null : dflt })
  }
  return m
}

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-config-reference-'))
const kafka = spawn('bash', [join(here, 'start-broker.sh'), '--port', '0', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
try {
  const bootstrap = await new Promise<string>((res, rej) => {
    let out = ''
    kafka.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /ready bootstrap=(\S+)/.exec(out)
      if (m) res(m[1]!)
    })
    kafka.once('exit', (code) => rej(new Error(`start-broker.sh exited with ${code}`)))
  })
  const tool = (name: string, args: string[]) => execFileSync('bash', [join(here, name), '--bootstrap-server', bootstrap, ...args], { encoding: 'utf8' })
  tool('kafka-topics', ['--create', '--topic', 'config-reference', '--partitions', '1', '--replication-factor', '1'])
  const cli: Record<Kind, ReturnType<typeof parse>> = {
    broker: parse(tool('kafka-configs', ['--describe', '--all', '--entity-type', 'brokers', '--entity-name', '1'])),
    topic: parse(tool('kafka-configs', ['--describe', '--all', '--entity-type', 'topics', '--entity-name', 'config-reference'])),
  }
  const raw = await RawClient.connect(bootstrap)
  const res = await raw.request(ApiKey.DescribeConfigs, 4, {
    resources: [
      { resourceType: 4, resourceName: '1', configurationKeys: null },
      { resourceType: 2, resourceName: 'config-reference', configurationKeys: null },
    ],
    includeSynonyms: true,
    includeDocumentation: false,
  })
  raw.close()
  const described: Record<Kind, Array<{ name: string; configType: number; readOnly: boolean; isSensitive: boolean }>> = {
    broker: res.results[0].configs,
    topic: res.results[1].configs,
  }
  const reference: Record<Kind, Record<string, [string | null, string, boolean, boolean]>> = { broker: {}, topic: {} }
  for (const kind of ['broker', 'topic'] as Kind[]) {
    for (const c of [...described[kind]].sort((a, b) => a.name.localeCompare(b.name))) {
      const d = cli[kind].get(c.name)
      // a fresh topic's value is its default (the test broker sets no log.* configs)
      reference[kind][c.name] = [kind === 'topic' ? (d?.value ?? null) : (d?.default ?? null), TYPES[c.configType]!, c.readOnly, c.isSensitive]
    }
  }
  const json = [
    '{',
    ` "source": "Apache Kafka 4.1.1, one KRaft node from scripts/kafka/start-broker.sh: kafka-configs --describe --all (defaults) and DescribeConfigs v4 (types, read-only, sensitive); written by scripts/kafka/config-reference.ts",`,
    ' "format": "name: [default (null: none), type, readOnly, sensitive]",',
    ...(['broker', 'topic'] as Kind[]).flatMap((kind, k) => [
      ` "${kind}": {`,
      Object.entries(reference[kind])
        .map(([n, v]) => `  ${JSON.stringify(n)}: [${v.map((x) => JSON.stringify(x)).join(', ')}]`)
        .join(',\n'),
      ` }${k === 0 ? ',' : ''}`,
    ]),
    '}',
  ].join('\n')
  writeFileSync(join(root, 'test', 'interop', 'config-parity.kafka-4.1.json'), `${json}\n`)
  const q = (s: string | null) => (s === null ? 'null' : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`)
  const rows = Object.entries(reference.broker).map(([n, [d, t, ro, s]]) => `  [${q(n)}, '${t}', ${q(d)}, '${ro ? 'r' : ''}${s ? 's' : ''}'],`)
  writeFileSync(
    join(root, 'src-main', 'broker', 'config-catalog.ts'),
    `/**
 * Every broker config of Apache Kafka 4.1, as a Kafka 4.1.1 broker lists them through
 * DescribeConfigs: name, type, default (null when Kafka has none) and flags — "r" when Kafka
 * cannot change it without a restart (DescribeConfigs' readOnly), "s" when it is sensitive (its
 * value is never shown). These are facts about Kafka's configuration, kept as data so the
 * embedded broker lists, accepts and validates every name Kafka does; config.ts adds the
 * documentation, saying for each one whether the embedded broker acts on it or holds it inert.
 * Written by scripts/kafka/config-reference.ts from a live broker.
 */
import type { ConfigTypeName } from './config'

/** [name, type, Kafka's default, flags ("r" read-only, "s" sensitive)] */
export type KafkaConfigEntry = readonly [name: string, type: ConfigTypeName, kafkaDefault: string | null, flags: string]

export const kafkaBrokerConfigs: readonly KafkaConfigEntry[] = [
${rows.join('\n')}
]
`,
  )
  process.stderr.write(`config-reference: ${rows.length} broker configs, ${Object.keys(reference.topic).length} topic configs\n`)
} finally {
  kafka.kill('SIGTERM')
  await new Promise((r) => kafka.once('exit', r))
  rmSync(dir, { recursive: true, force: true })
}
