// librdkafka 2.0 (Debian) in consumer groups against the target: kcat -G balanced consumers and
// confluent-kafka-python consumers with cooperative-sticky assignment.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { interopDir, kafkaTool, kcat, runOk, startTarget, systemPython, uniqueTopic, type Target } from './target.ts'

let target: Target

beforeAll(async () => {
  target = await startTarget()
})
afterAll(async () => {
  await target?.stop()
})

async function produce(topic: string, partitions: number, perPartition: number, prefix: string): Promise<string[]> {
  const all: string[] = []
  for (let p = 0; p < partitions; p++) {
    const values = Array.from({ length: perPartition }, (_, i) => `${prefix}-p${p}-${i}`)
    all.push(...values)
    await kcat(['-P', '-b', target.bootstrap, '-t', topic, '-p', String(p)], { input: values.join('\n') + '\n' })
  }
  return all
}

describe('librdkafka consumer groups', () => {
  it('kcat -G: two balanced consumers split the partitions and together read everything', async () => {
    const topic = uniqueTopic('groups-kcat')
    const group = uniqueTopic('kcat-group')
    await kafkaTool('kafka-topics', ['--bootstrap-server', target.bootstrap, '--create', '--topic', topic, '--partitions', '4', '--replication-factor', '1'])
    const sent = await produce(topic, 4, 25, 'a')
    const start = () => {
      const child = spawn('kcat', ['-u', '-b', target.bootstrap, '-G', group, '-o', 'beginning', '-X', 'session.timeout.ms=10000', '-f', '%p %s\\n', topic], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      return { child, out: () => out, err: () => err, exited }
    }
    const a = start()
    const b = start()
    try {
      const deadline = Date.now() + 60_000
      const lines = () => [...a.out().trim().split('\n'), ...b.out().trim().split('\n')].filter((l) => l !== '')
      while (lines().length < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
      // The last rebalance message of each names its partitions: disjoint, together all four.
      const assigned = (log: string) => {
        const m = [...log.matchAll(/assigned: (.*)/g)].pop()
        return m ? [...m[1]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])) : []
      }
      const deadline2 = Date.now() + 30_000
      while (assigned(a.err()).length + assigned(b.err()).length !== 4 && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 200))
      const pa = assigned(a.err())
      const pb = assigned(b.err())
      expect([...pa, ...pb].sort()).toEqual([0, 1, 2, 3])
      expect(pa.length).toBe(2)
      expect(new Set(lines().map((l) => l.split(' ')[1])).size).toBe(sent.length)
      for (const l of a.out().trim().split('\n').filter(Boolean)) expect(pa).toContain(Number(l.split(' ')[0]))
    } finally {
      a.child.kill('SIGTERM')
      b.child.kill('SIGTERM')
      await Promise.all([a.exited, b.exited])
    }
    // kcat commits on exit: the group has everything committed.
    const d = await kafkaTool('kafka-consumer-groups', ['--bootstrap-server', target.bootstrap, '--describe', '--group', group])
    const lags = d.stdout
      .split('\n')
      .filter((l) => l.includes(topic))
      .map((l) => l.trim().split(/\s+/)[5])
    expect(lags).toEqual(['0', '0', '0', '0'])
  }, 120_000)

  it('confluent-kafka-python: cooperative-sticky consumers own disjoint partitions and read everything once committed', async () => {
    const topic = uniqueTopic('groups-confluent')
    const group = uniqueTopic('confluent-group')
    await kafkaTool('kafka-topics', ['--bootstrap-server', target.bootstrap, '--create', '--topic', topic, '--partitions', '6', '--replication-factor', '1'])
    const sent = await produce(topic, 6, 20, 'c')
    const r = await runOk(systemPython, [join(interopDir, 'groups-confluent.py'), target.bootstrap, topic, group, '3', String(sent.length)], {
      timeoutMs: 90_000,
    })
    const res = JSON.parse(r.stdout) as { owned: number[][] | null; values: string[] }
    expect(res.owned).not.toBeNull()
    expect(res.owned!.flat().sort()).toEqual([0, 1, 2, 3, 4, 5])
    for (const o of res.owned!) expect(o.length).toBe(2)
    expect(new Set(res.values).size).toBe(sent.length)
    // A second run of the same group starts from the committed offsets: nothing left to read.
    await kcat(['-P', '-b', target.bootstrap, '-t', topic, '-p', '0'], { input: 'late\n' })
    const again = await runOk(systemPython, [join(interopDir, 'groups-confluent.py'), target.bootstrap, topic, group, '1', '1'], { timeoutMs: 90_000 })
    expect((JSON.parse(again.stdout) as { values: string[] }).values).toEqual(['late'])
  }, 150_000)
})
