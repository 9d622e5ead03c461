// transactional.id.expiration.ms on the embedded cluster: a transactional id left idle longer
// than that is removed by the coordinator (a tombstone in __transaction_state, checked every
// transaction.remove.expired.transaction.cleanup.interval.ms), so kafka-transactions no longer
// finds it. Embedded only: the real-Kafka target starts with fixed configs (7 days, 1 hour).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbedded, type EmbeddedProcess } from '../helpers/embedded'
import { compileJava, javaOk } from './java-client'
import { eventually, kafkaTool, repoRoot, run, targetKind, uniqueTopic } from './target'

describe.skipIf(targetKind() !== 'embedded' || !!process.env.KAFKADESK_BOOTSTRAP)('transactional id expiration', () => {
  let dir: string
  let cluster: EmbeddedProcess

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kafkadesk-txn-expiry-'))
    ;[cluster] = await Promise.all([
      startEmbedded(dir, ['--config', 'transactional.id.expiration.ms=3000', '--config', 'transaction.remove.expired.transaction.cleanup.interval.ms=1000']),
      compileJava('Transactions'),
    ])
  }, 180_000)

  afterAll(async () => {
    await cluster?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const transactions = (args: string[]) =>
    run(
      'bash',
      [join(repoRoot, 'scripts', 'kafka', 'kafka-run.sh'), 'org.apache.kafka.tools.TransactionsCommand', '--bootstrap-server', cluster.bootstrap, ...args],
      { timeoutMs: 60_000 },
    )

  it('removes an idle transactional id', async () => {
    const topic = uniqueTopic('txn-expiry')
    const id = uniqueTopic('txn-expiry-id')
    await kafkaTool('kafka-topics', ['--bootstrap-server', cluster.bootstrap, '--create', '--topic', topic, '--partitions', '1'])
    await javaOk('Transactions', ['alternate', cluster.bootstrap, topic, '2', id])
    await eventually(
      async () => {
        const r = await transactions(['describe', '--transactional-id', id])
        if (!/could not be found/.test(r.stdout + r.stderr)) throw new Error(`still there:\n${r.stdout}`)
      },
      40_000,
      1000,
    )
    const list = await transactions(['list'])
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).not.toContain(id)
  }, 120_000)
})
