// Apache Kafka 4.1's own CLI tools (Java client; jars from scripts/kafka/fetch.sh) against the
// target: kafka-topics, kafka-console-producer/-consumer, kafka-configs, kafka-get-offsets,
// kafka-consumer-groups. Each tool start costs a JVM start (~1 s), so work is batched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CODECS, expectLog, keyedMessages, type Consumed, type Produced } from './expect-log.ts'
import { kafkaTool, startTarget, uniqueTopic, type Target } from './target.ts'

let target: Target
const topic = uniqueTopic('java-cli')
const group = uniqueTopic('java-cli-group')
const bs = (): string[] => ['--bootstrap-server', target.bootstrap]

beforeAll(async () => {
  target = await startTarget()
})

afterAll(async () => {
  await target?.stop()
})

interface Described {
  partitionCount: number
  replicationFactor: number
  partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>
}

/** Parses `kafka-topics --describe` output for one topic. */
function parseDescribe(out: string, name: string): Described {
  const lines = out.split('\n')
  const head = lines.find((l) => l.startsWith(`Topic: ${name}\t`) && l.includes('PartitionCount:'))
  expect(head, `describe header in:\n${out}`).toBeDefined()
  const field = (line: string, f: string): string => new RegExp(`${f}: ?([^\\t]*)`).exec(line)?.[1]?.trim() ?? ''
  const partitions = lines
    .filter((l) => l.trim().startsWith(`Topic: ${name}\t`) && l.includes('Partition:') && !l.includes('PartitionCount:'))
    .map((l) => ({
      partition: Number(field(l, 'Partition')),
      leader: Number(field(l, 'Leader')),
      replicas: field(l, 'Replicas').split(',').map(Number),
      isr: field(l, 'Isr').split(',').map(Number),
    }))
    .sort((a, b) => a.partition - b.partition)
  return {
    partitionCount: Number(field(head!, 'PartitionCount')),
    replicationFactor: Number(field(head!, 'ReplicationFactor')),
    partitions,
  }
}

/** Parses console-consumer lines printed with print.partition, print.offset and print.key. */
function parseConsumed(out: string): Consumed[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('Partition:'))
    .map((l) => {
      const [p, o, key, value] = l.split('\t')
      return { partition: Number(p!.slice('Partition:'.length)), offset: Number(o!.slice('Offset:'.length)), key: key!, value: value! }
    })
}

const consumerFormat = ['--property', 'print.key=true', '--property', 'print.partition=true', '--property', 'print.offset=true']

describe('Kafka Java CLI tools', () => {
  const produced: Produced[] = []

  it('kafka-topics --create, --list, --describe', async () => {
    const created = await kafkaTool('kafka-topics', [...bs(), '--create', '--topic', topic, '--partitions', '3', '--replication-factor', '1'])
    expect(created.stdout).toContain(`Created topic ${topic}.`)
    // Creating it again fails with a clear message and a non-zero exit.
    await expect(kafkaTool('kafka-topics', [...bs(), '--create', '--topic', topic, '--partitions', '3', '--replication-factor', '1'])).rejects.toThrow(
      /already exists/,
    )

    const list = await kafkaTool('kafka-topics', [...bs(), '--list'])
    expect(list.stdout.split('\n')).toContain(topic)

    const d = parseDescribe((await kafkaTool('kafka-topics', [...bs(), '--describe', '--topic', topic])).stdout, topic)
    expect(d.partitionCount).toBe(3)
    expect(d.replicationFactor).toBe(1)
    expect(d.partitions.map((p) => p.partition)).toEqual([0, 1, 2])
    for (const p of d.partitions) {
      expect(p.replicas).toHaveLength(1)
      expect(p.replicas).toContain(p.leader)
      expect(p.isr).toEqual(p.replicas)
    }
  })

  it('kafka-console-producer with each codec, kafka-console-consumer reads all back', async () => {
    for (const codec of CODECS) {
      const msgs = keyedMessages(`java-cli-${codec}`, 30)
      await kafkaTool(
        'kafka-console-producer',
        [...bs(), '--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:', '--compression-codec', codec],
        { input: msgs.map((m) => `${m.key}:${m.value}\n`).join('') },
      )
      produced.push(...msgs)
    }
    const r = await kafkaTool('kafka-console-consumer', [
      ...bs(),
      '--topic',
      topic,
      '--from-beginning',
      '--group',
      group,
      '--max-messages',
      String(produced.length),
      '--timeout-ms',
      '30000',
      ...consumerFormat,
    ])
    expect(r.stderr).toContain(`Processed a total of ${produced.length} messages`)
    expectLog(parseConsumed(r.stdout), produced, 3)
  })

  it('kafka-console-consumer --partition --offset', async () => {
    const r = await kafkaTool('kafka-console-consumer', [
      ...bs(),
      '--topic',
      topic,
      '--partition',
      '1',
      '--offset',
      '2',
      '--max-messages',
      '3',
      '--timeout-ms',
      '20000',
      ...consumerFormat,
    ])
    const got = parseConsumed(r.stdout)
    expect(got.map((m) => [m.partition, m.offset])).toEqual([
      [1, 2],
      [1, 3],
      [1, 4],
    ])
    // The same records as in the full read: the first partition-1 messages in produce order, minus two.
    const all = parseConsumed(
      (
        await kafkaTool('kafka-console-consumer', [
          ...bs(),
          '--topic',
          topic,
          '--partition',
          '1',
          '--offset',
          'earliest',
          '--max-messages',
          '5',
          '--timeout-ms',
          '20000',
          ...consumerFormat,
        ])
      ).stdout,
    )
    expect(got.map((m) => m.value)).toEqual(all.slice(2, 5).map((m) => m.value))
  })

  it('kafka-get-offsets --time -1 / -2 and kafka-consumer-groups --describe', async () => {
    const parse = (out: string): number[][] =>
      out
        .split('\n')
        .filter((l) => l.startsWith(`${topic}:`))
        .map((l) =>
          l
            .slice(topic.length + 1)
            .split(':')
            .map(Number),
        )
        .sort((a, b) => a[0]! - b[0]!)
    const latest = parse((await kafkaTool('kafka-get-offsets', [...bs(), '--topic', topic, '--time', '-1'])).stdout)
    const earliest = parse((await kafkaTool('kafka-get-offsets', [...bs(), '--topic', topic, '--time', '-2'])).stdout)
    expect(earliest).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ])
    expect(latest.map((l) => l[0])).toEqual([0, 1, 2])
    expect(latest.reduce((n, l) => n + l[1]!, 0)).toBe(produced.length)

    // The console consumer's group committed its position on exit: lag 0 everywhere.
    const g = await kafkaTool('kafka-consumer-groups', [...bs(), '--describe', '--group', group])
    const rows = g.stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[0] === group && c[1] === topic)
      .map((c) => [Number(c[2]), Number(c[3]), Number(c[4]), Number(c[5])])
      .sort((a, b) => a[0]! - b[0]!)
    expect(rows).toEqual(latest.map(([p, end]) => [p, end, end, 0]))
  })

  it('kafka-configs --alter --add-config, then --describe shows it', async () => {
    const alter = await kafkaTool('kafka-configs', [
      ...bs(),
      '--alter',
      '--entity-type',
      'topics',
      '--entity-name',
      topic,
      '--add-config',
      'retention.ms=123456789,segment.ms=3600000',
    ])
    expect(alter.stdout).toContain(`Completed updating config for topic ${topic}.`)
    const d = await kafkaTool('kafka-configs', [...bs(), '--describe', '--entity-type', 'topics', '--entity-name', topic])
    expect(d.stdout).toContain(`Dynamic configs for topic ${topic} are:`)
    expect(d.stdout).toMatch(/^\s*retention\.ms=123456789 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=123456789/m)
    expect(d.stdout).toMatch(/^\s*segment\.ms=3600000 sensitive=false/m)

    await kafkaTool('kafka-configs', [...bs(), '--alter', '--entity-type', 'topics', '--entity-name', topic, '--delete-config', 'segment.ms'])
    const after = await kafkaTool('kafka-configs', [...bs(), '--describe', '--entity-type', 'topics', '--entity-name', topic])
    expect(after.stdout).toMatch(/retention\.ms=123456789/)
    expect(after.stdout).not.toMatch(/segment\.ms=/)

    // An unknown config name is refused.
    await expect(
      kafkaTool('kafka-configs', [...bs(), '--alter', '--entity-type', 'topics', '--entity-name', topic, '--add-config', 'no.such.config=1']),
    ).rejects.toThrow(/no\.such\.config/)
  })

  it('kafka-topics --alter --partitions, then --delete', async () => {
    await kafkaTool('kafka-topics', [...bs(), '--alter', '--topic', topic, '--partitions', '5'])
    const d = parseDescribe((await kafkaTool('kafka-topics', [...bs(), '--describe', '--topic', topic])).stdout, topic)
    expect(d.partitionCount).toBe(5)
    expect(d.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4])

    await kafkaTool('kafka-topics', [...bs(), '--delete', '--topic', topic])
    let listed = true
    for (let i = 0; i < 10 && listed; i++) {
      listed = (await kafkaTool('kafka-topics', [...bs(), '--list'])).stdout.split('\n').includes(topic)
    }
    expect(listed).toBe(false)
  })
})
