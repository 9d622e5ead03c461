// kcat (librdkafka 2.0.x, Debian package `kcat`) against the target: metadata, produce with
// every codec, consume with format strings, offsets for times.
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CODECS, expectLog, keyedMessages, type Consumed, type Produced } from './expect-log.ts'
import { kcat, startTarget, uniqueTopic, type Target } from './target.ts'

let target: Target
const topic = uniqueTopic('kcat')

interface Row extends Consumed {
  offset: number
  timestamp: number
}

/** Reads a whole topic (all partitions, up to their end) with kcat -C -e. */
async function readAll(args: string[] = []): Promise<Row[]> {
  const r = await kcat(['-b', target.bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning', '-q', '-f', '%p|%o|%k|%s|%T\\n', ...args], {
    timeoutMs: 30_000,
  })
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [p, o, k, v, t] = l.split('|')
      return { partition: Number(p), offset: Number(o), key: k!, value: v!, timestamp: Number(t) }
    })
}

beforeAll(async () => {
  target = await startTarget()
  // kcat cannot create topics (auto-creation would give Kafka's default of 1 partition), so
  // the topic is created with an admin client first.
  const admin = new Kafka({ clientId: 'interop-kcat-setup', brokers: [target.bootstrap], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })
  } finally {
    await admin.disconnect()
  }
})

afterAll(async () => {
  await target?.stop()
})

describe('kcat', () => {
  const produced: Produced[] = []
  const pinned: Produced[] = []

  it('lists the topic in metadata (-L)', async () => {
    const r = await kcat(['-b', target.bootstrap, '-L', '-t', topic, '-J'])
    const md = JSON.parse(r.stdout) as {
      brokers: Array<{ id: number; name: string }>
      topics: Array<{
        topic: string
        error?: string
        partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }>; isrs: Array<{ id: number }> }>
      }>
    }
    expect(md.brokers.length).toBeGreaterThanOrEqual(1)
    const ids = md.brokers.map((b) => b.id)
    expect(md.topics).toHaveLength(1)
    const t = md.topics[0]!
    expect(t.topic).toBe(topic)
    expect(t.error).toBeUndefined()
    expect(t.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2])
    for (const p of t.partitions) {
      expect(ids).toContain(p.leader)
      expect(p.isrs.map((i) => i.id)).toContain(p.leader)
    }
  })

  it('produces keyed messages with every codec (-P -K: -z) and reads them back (-C -f)', async () => {
    for (const codec of CODECS) {
      const msgs = keyedMessages(`kcat-${codec}`, 30)
      // murmur2_random: the Java client's partitioner, so keys land where Java would put them.
      await kcat(['-b', target.bootstrap, '-P', '-t', topic, '-K:', '-z', codec, '-X', 'partitioner=murmur2_random'], {
        input: msgs.map((m) => `${m.key}:${m.value}\n`).join(''),
      })
      produced.push(...msgs)
      // Explicit partition (-p): these keys only ever go to partition 2.
      const toTwo = keyedMessages(`kcat-${codec}-p2`, 4, 2).map((m) => ({ key: `pinned-${m.key}`, value: m.value }))
      await kcat(['-b', target.bootstrap, '-P', '-t', topic, '-K:', '-z', codec, '-p', '2'], {
        input: toTwo.map((m) => `${m.key}:${m.value}\n`).join(''),
      })
      produced.push(...toTwo)
      pinned.push(...toTwo)
    }
    const rows = await readAll()
    const keyPartition = expectLog(rows, produced, 3)
    for (const m of pinned) expect(keyPartition.get(m.key)).toBe(2)
    // CreateTime set by the producer: not in the future, not older than this test.
    const now = Date.now()
    for (const r of rows) {
      expect(r.timestamp).toBeLessThanOrEqual(now)
      expect(r.timestamp).toBeGreaterThan(now - 120_000)
    }
  })

  it('reads one partition from an offset (-p -o -c)', async () => {
    const rows = await readAll(['-p', '2', '-o', '3', '-c', '5'])
    expect(rows.map((r) => [r.partition, r.offset])).toEqual([3, 4, 5, 6, 7].map((o) => [2, o]))
    const all = (await readAll()).filter((r) => r.partition === 2)
    expect(rows.map((r) => r.value)).toEqual(all.slice(3, 8).map((r) => r.value))
    // From the end (-o -2): the last two messages.
    const tail = await readAll(['-p', '2', '-o', '-2'])
    expect(tail.map((r) => r.offset)).toEqual([all.length - 2, all.length - 1])
  })

  it('finds offsets for times (-Q)', async () => {
    const rows = await readAll()
    const parts = [0, 1, 2].map((p) => rows.filter((r) => r.partition === p))
    for (const inPart of parts) expect(inPart.length).toBeGreaterThan(0)
    // Kafka answers the earliest offset whose timestamp is >= the one asked for, -1 if none.
    const firstAtOrAfter = (p: number, ts: number): number => parts[p]!.find((r) => r.timestamp >= ts)?.offset ?? -1
    const rounds: Array<(p: number) => number> = [
      (p) => parts[p]![Math.floor(parts[p]!.length / 2)]!.timestamp,
      (p) => parts[p]![parts[p]!.length - 1]!.timestamp + 1,
      () => 0,
    ]
    // kcat merges repeated queries for one partition, so each round asks every partition once.
    for (const tsOf of rounds) {
      const args = [0, 1, 2].flatMap((p) => ['-t', `${topic}:${p}:${tsOf(p)}`])
      const r = await kcat(['-b', target.bootstrap, '-Q', ...args])
      // One line per partition: "<topic> [<partition>] offset <n>".
      const got = r.stdout
        .split('\n')
        .filter((l) => l.startsWith(`${topic} [`))
        .map((l) => /\[(\d+)\] offset (-?\d+)/.exec(l)!.slice(1).map(Number))
        .sort((a, b) => a[0]! - b[0]!)
      expect(got).toEqual([0, 1, 2].map((p) => [p, firstAtOrAfter(p, tsOf(p))]))
    }
  })
})
