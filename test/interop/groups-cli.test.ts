// Kafka's Java tools against the target's group coordinator: kafka-consumer-groups (--list,
// --describe, --reset-offsets in every flavour, --delete, --delete-offsets) and the console
// consumer with --group.
import { spawn } from 'node:child_process'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kafkaTool, kcat, repoRoot, run, startTarget, uniqueTopic, type Target } from './target.ts'

let target: Target
let tmp: string

beforeAll(async () => {
  target = await startTarget()
  tmp = mkdtempSync(join(tmpdir(), 'groups-cli-'))
})
afterAll(async () => {
  await target?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

const groupsTool = (args: string[]) => kafkaTool('kafka-consumer-groups', ['--bootstrap-server', target.bootstrap, ...args])

/** Rows of a kafka-consumer-groups table for `topic`, keyed by partition. */
function rows(out: string, topic: string): Map<number, string[]> {
  const m = new Map<number, string[]>()
  for (const line of out.split('\n')) {
    const cols = line.trim().split(/\s+/)
    if (cols[1] === topic) m.set(Number(cols[2]), cols)
  }
  return m
}

async function committed(group: string, topic: string): Promise<number[]> {
  const r = await groupsTool(['--describe', '--group', group])
  const m = rows(r.stdout, topic)
  return [...m.keys()].sort().map((p) => Number(m.get(p)![3]))
}

describe('kafka-consumer-groups and the console consumer', () => {
  const topic = uniqueTopic('groups-cli')
  const group = uniqueTopic('cli-group')

  beforeAll(async () => {
    await kafkaTool('kafka-topics', ['--bootstrap-server', target.bootstrap, '--create', '--topic', topic, '--partitions', '3', '--replication-factor', '1'])
    for (let p = 0; p < 3; p++) {
      const lines = Array.from({ length: 10 }, (_, i) => `p${p}-m${i}`).join('\n') + '\n'
      await kcat(['-P', '-b', target.bootstrap, '-t', topic, '-p', String(p)], { input: lines })
    }
  })

  it('console consumer with --group commits what it read; --list and --describe show it', async () => {
    const r = await kafkaTool('kafka-console-consumer', [
      '--bootstrap-server',
      target.bootstrap,
      '--topic',
      topic,
      '--group',
      group,
      '--from-beginning',
      '--max-messages',
      '30',
      '--timeout-ms',
      '40000',
    ])
    expect(r.stdout.trim().split('\n').sort()).toHaveLength(30)
    const list = await groupsTool(['--list'])
    expect(list.stdout.split('\n')).toContain(group)
    const d = await groupsTool(['--describe', '--group', group])
    const m = rows(d.stdout, topic)
    expect([...m.keys()].sort()).toEqual([0, 1, 2])
    for (const cols of m.values()) expect(cols.slice(3, 6)).toEqual(['10', '10', '0'])
    const state = await groupsTool(['--describe', '--group', group, '--state'])
    expect(state.stdout).toMatch(/Empty/)
  }, 120_000)

  it('--reset-offsets: dry run, execute, and every way to pick offsets', async () => {
    const reset = (how: string[], mode = '--execute') => groupsTool(['--reset-offsets', '--group', group, '--topic', topic, ...how, mode])
    const dry = await reset(['--to-earliest'], '--dry-run')
    expect([...rows(dry.stdout, topic).values()].map((c) => c[3])).toEqual(['0', '0', '0'])
    expect(await committed(group, topic)).toEqual([10, 10, 10])
    await reset(['--to-earliest'])
    expect(await committed(group, topic)).toEqual([0, 0, 0])
    await reset(['--to-latest'])
    expect(await committed(group, topic)).toEqual([10, 10, 10])
    await reset(['--to-offset', '4'])
    expect(await committed(group, topic)).toEqual([4, 4, 4])
    await reset(['--shift-by', '-1'])
    expect(await committed(group, topic)).toEqual([3, 3, 3])
    const current = await reset(['--to-current'])
    expect([...rows(current.stdout, topic).values()].map((c) => c[3])).toEqual(['3', '3', '3'])
    await reset(['--to-datetime', '2000-01-01T00:00:00.000'])
    expect(await committed(group, topic)).toEqual([0, 0, 0])
    await reset(['--by-duration', 'PT0S'])
    expect(await committed(group, topic)).toEqual([10, 10, 10])
    await reset(['--by-duration', 'P1D'])
    expect(await committed(group, topic)).toEqual([0, 0, 0])
    const csv = join(tmp, 'offsets.csv')
    writeFileSync(csv, `${topic},0,7\n${topic},1,8\n${topic},2,9\n`)
    await groupsTool(['--reset-offsets', '--group', group, '--from-file', csv, '--execute'])
    expect(await committed(group, topic)).toEqual([7, 8, 9])
  }, 150_000)

  it('refuses to reset or delete an active group; --delete-offsets and --delete once it is empty', async () => {
    // A console consumer that keeps running keeps the group active.
    const child = spawn(
      'bash',
      [
        join(repoRoot, 'scripts', 'kafka', 'kafka-console-consumer'),
        '--bootstrap-server',
        target.bootstrap,
        '--topic',
        topic,
        '--group',
        group,
        '--timeout-ms',
        '90000',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const exited = new Promise<void>((res) => child.once('exit', () => res()))
    try {
      let d = ''
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        d = (await groupsTool(['--describe', '--group', group])).stdout
        if ([...rows(d, topic).values()].every((c) => c[6] !== '-') && rows(d, topic).size === 3) break
        await new Promise((r) => setTimeout(r, 1000))
      }
      const m = rows(d, topic)
      for (const cols of m.values()) {
        expect(cols[6]).toMatch(/^console-consumer-/)
        expect(cols[7]).toBe('/127.0.0.1')
        expect(cols[8]).toMatch(/^console-consumer/)
      }
      const members = await groupsTool(['--describe', '--group', group, '--members', '--verbose'])
      expect(members.stdout).toMatch(/console-consumer/)
      const refused = await run(
        'bash',
        [
          join(repoRoot, 'scripts', 'kafka', 'kafka-consumer-groups'),
          '--bootstrap-server',
          target.bootstrap,
          '--reset-offsets',
          '--group',
          group,
          '--topic',
          topic,
          '--to-earliest',
          '--execute',
        ],
        { timeoutMs: 55_000 },
      )
      expect(refused.stdout + refused.stderr).toMatch(/inactive|current state is Stable/)
      const del = await run(
        'bash',
        [join(repoRoot, 'scripts', 'kafka', 'kafka-consumer-groups'), '--bootstrap-server', target.bootstrap, '--delete', '--group', group],
        { timeoutMs: 55_000 },
      )
      expect(del.stdout + del.stderr).toMatch(/not empty|NonEmptyGroup/i)
    } finally {
      child.kill('SIGTERM')
      await exited
    }
    // The consumer left: the group is empty; its offsets are still there.
    expect((await committed(group, topic)).length).toBe(3)
    await groupsTool(['--delete-offsets', '--group', group, '--topic', `${topic}:0`])
    const d2 = await groupsTool(['--describe', '--group', group])
    expect(rows(d2.stdout, topic).has(0)).toBe(false)
    const del = await groupsTool(['--delete', '--group', group])
    expect(del.stdout).toMatch(/successful/)
    const list = await groupsTool(['--list'])
    expect(list.stdout.split('\n')).not.toContain(group)
    const gone = await run(
      'bash',
      [join(repoRoot, 'scripts', 'kafka', 'kafka-consumer-groups'), '--bootstrap-server', target.bootstrap, '--describe', '--group', group],
      { timeoutMs: 55_000 },
    )
    expect(gone.stdout + gone.stderr).toMatch(/does not exist|not found/)
  }, 180_000)
})
