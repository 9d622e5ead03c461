// A Kafka Streams 4.1 application like the seed's (test/interop/java/TweetStreams.java) with
// processing.guarantee=exactly_once_v2 against the target, the embedded cluster or real Kafka
// alike: JSON tweets filtered by retweet count into a new topic, and a count per user through a
// repartition topic and a changelog-backed store. The outputs, read with read_committed, must
// hold each popular tweet exactly once and every user's final count.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileJava, javaOk } from './java-client'
import { startTarget, uniqueTopic, type Target } from './target'

let target: Target
let stateDir: string

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'kafkadesk-streams-'))
  ;[target] = await Promise.all([startTarget(), compileJava('TweetStreams')])
}, 180_000)

afterAll(async () => {
  await target?.stop()
  rmSync(stateDir, { recursive: true, force: true })
})

const N = 50

describe('Kafka Streams with exactly_once_v2', () => {
  it('filters tweets by retweets and counts them per user, each result exactly once', async () => {
    const app = uniqueTopic('tweets-app')
    const r = await javaOk('TweetStreams', [target.bootstrap, app, String(N), stateDir], { timeoutMs: 200_000 })
    const lines = r.stdout.split('\n')
    const popular = lines
      .filter((l) => l.startsWith('popular '))
      .map((l) => l.slice(8))
      .sort()
    const expectedPopular = Array.from({ length: N }, (_, i) => i)
      .filter((i) => (i * 7) % 20 >= 10)
      .map((i) => `t${i}`)
      .sort()
    expect(popular).toEqual(expectedPopular)
    const counts = new Map<string, number[]>()
    for (const l of lines.filter((x) => x.startsWith('count '))) {
      const [, user, n] = l.split(' ')
      counts.set(user!, [...(counts.get(user!) ?? []), Number(n)])
    }
    expect([...counts.keys()].sort()).toEqual(['u0', 'u1', 'u2', 'u3', 'u4'])
    for (const [user, seen] of counts) {
      // updates of one key come in order, never past the true count (no record counted twice)
      expect(seen.at(-1), user).toBe(N / 5)
      for (let i = 1; i < seen.length; i++) expect(seen[i]!, user).toBeGreaterThan(seen[i - 1]!)
    }
    const topics = lines
      .filter((l) => l.startsWith('topic '))
      .map((l) => l.slice(6))
      .sort()
    expect(topics).toEqual([`${app}-by-user-repartition`, `${app}-tweet-counts-changelog`])
  }, 240_000)
})
