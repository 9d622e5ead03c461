// Exactly-once with Kafka's Java client (test/interop/java/Transactions.java) against the target,
// the embedded cluster or real Kafka 4.1 alike:
// - a transactional producer committing and aborting in turn: read_committed consumers see only
//   the committed records, read_uncommitted ones all of them;
// - a producer fenced by a newer one with the same transactional id: its open transaction is
//   aborted and its commit fails;
// - a transaction left open past its timeout is aborted by the coordinator;
// - a consume-transform-produce loop (sendOffsetsToTransaction) halted as by kill -9 in the
//   middle of a transaction and restarted: every input is in the output exactly once;
// - kafka-transactions list, describe, describe-producers and find-hanging show the coordinator's state of those ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileJava, java, javaOk } from './java-client'
import { kafkaTool, run, repoRoot, startTarget, uniqueTopic, type Target } from './target'
import { join } from 'node:path'

let target: Target

beforeAll(async () => {
  ;[target] = await Promise.all([startTarget(), compileJava('Transactions')])
}, 180_000)

afterAll(async () => {
  await target?.stop()
})

async function createTopic(name: string, partitions: number): Promise<void> {
  await kafkaTool('kafka-topics', [
    '--bootstrap-server',
    target.bootstrap,
    '--create',
    '--topic',
    name,
    '--partitions',
    String(partitions),
    '--replication-factor',
    '1',
  ])
}

/** Values readable with each isolation level, sorted (one JVM reads both). */
async function consume(topic: string): Promise<{ committed: string[]; uncommitted: string[] }> {
  const r = await javaOk('Transactions', ['consume', target.bootstrap, topic, 'read_committed,read_uncommitted', '2000'])
  const lines = r.stdout.split('\n')
  const values = (prefix: string) =>
    lines
      .filter((l) => l.startsWith(prefix))
      .map((l) => l.slice(prefix.length))
      .sort()
  return { committed: values('read_committed '), uncommitted: values('read_uncommitted ') }
}

function transactionsCommand(args: string[]) {
  return run(
    'bash',
    [join(repoRoot, 'scripts', 'kafka', 'kafka-run.sh'), 'org.apache.kafka.tools.TransactionsCommand', '--bootstrap-server', target.bootstrap, ...args],
    { timeoutMs: 60_000 },
  )
}

/** Rows of kafka-transactions' tab-separated tables, as header → value. */
function rows(out: string): Record<string, string>[] {
  const lines = out.split('\n').filter((l) => l.includes('\t'))
  const head = lines[0]?.split('\t').map((s) => s.trim()) ?? []
  return lines.slice(1).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [head[i] ?? String(i), v.trim()])))
}

const altTopic = uniqueTopic('txn-alt')
const altId = uniqueTopic('txn-alt-id')
const ctpId = uniqueTopic('txn-ctp-id')

describe('transactions with the Java client', () => {
  it('read_committed sees exactly the committed transactions, read_uncommitted every record', async () => {
    await createTopic(altTopic, 3)
    await javaOk('Transactions', ['alternate', target.bootstrap, altTopic, '6', altId])
    const committed = ['r0-0', 'r0-1', 'r2-0', 'r2-1', 'r4-0', 'r4-1']
    const read = await consume(altTopic)
    expect(read.committed).toEqual(committed)
    const all = [0, 1, 2, 3, 4, 5].flatMap((r) => [`r${r}-0`, `r${r}-1`])
    expect(read.uncommitted).toEqual(all.sort())
  }, 120_000)

  it('fences a zombie producer: a newer epoch aborts its transaction and its commit fails', async () => {
    const topic = uniqueTopic('txn-zombie')
    await createTopic(topic, 1)
    const r = await javaOk('Transactions', ['zombie', target.bootstrap, topic, uniqueTopic('txn-zombie-id')])
    expect(r.stdout).toContain('fresh committed')
    expect(r.stdout).toMatch(/zombie failed.*(ProducerFencedException|InvalidProducerEpochException)/)
    expect(r.stdout).not.toContain('zombie committed')
    expect((await consume(topic)).committed).toEqual(['fresh-1'])
  }, 120_000)

  it('aborts a transaction left open past transaction.timeout.ms, so the last stable offset moves on', async () => {
    const topic = uniqueTopic('txn-timeout')
    await createTopic(topic, 1)
    const r = await javaOk('Transactions', ['timeout', target.bootstrap, topic, uniqueTopic('txn-timeout-id')])
    // The commit fails either way. With the classic protocol (this broker; transaction.version 0/1)
    // the coordinator fenced the producer's epoch; a Kafka 4.1 cluster formatted with
    // transaction.version 2 bumps epochs per transaction and answers INVALID_TXN_STATE instead.
    expect(r.stdout).toMatch(/commit failed.*(ProducerFencedException|InvalidProducerEpochException|InvalidTxnStateException)/)
    // the record written after the hanging transaction became readable once it was aborted
    const read = await consume(topic)
    expect(read.committed).toEqual(['after'])
    expect(read.uncommitted).toEqual(['after', 'hanging'])
  }, 120_000)

  it('consume-transform-produce killed mid-transaction and restarted reflects every input exactly once', async () => {
    const input = uniqueTopic('txn-ctp-in')
    const output = uniqueTopic('txn-ctp-out')
    const group = uniqueTopic('txn-ctp-group')
    await createTopic(input, 3)
    await createTopic(output, 3)
    const lines = Array.from({ length: 100 }, (_, i) => `k${i}:v${i}`).join('\n') + '\n'
    await kafkaTool(
      'kafka-console-producer',
      ['--bootstrap-server', target.bootstrap, '--topic', input, '--property', 'parse.key=true', '--property', 'key.separator=:'],
      { input: lines },
    )
    const crashed = await java('Transactions', ['ctp', target.bootstrap, input, output, group, ctpId, '35', '3000'])
    expect(crashed.stdout).toContain('crashing after 35')
    expect(crashed.code).toBe(3)
    const restarted = await javaOk('Transactions', ['ctp', target.bootstrap, input, output, group, ctpId, '0', '4000'])
    const processed = Number(/processed (\d+)/.exec(restarted.stdout)?.[1])
    // the restart redoes what the crashed transaction held, and nothing that was committed
    expect(processed).toBeGreaterThan(65)
    expect(processed).toBeLessThan(100)
    const expected = Array.from({ length: 100 }, (_, i) => `V${i}`).sort()
    const read = await consume(output)
    expect(read.committed).toEqual(expected)
    // the aborted transaction's records are in the log, only hidden from read_committed
    expect(read.uncommitted.length).toBeGreaterThan(100)
  }, 240_000)

  it('kafka-transactions list and describe show the coordinator state', async () => {
    const list = await transactionsCommand(['list'])
    expect(list.code, list.stderr).toBe(0)
    const listed = rows(list.stdout)
    expect(listed.find((r) => r.TransactionalId === altId)?.TransactionState).toBe('CompleteAbort')
    expect(listed.find((r) => r.TransactionalId === ctpId)?.TransactionState).toBe('CompleteCommit')
    const described = await transactionsCommand(['describe', '--transactional-id', ctpId])
    expect(described.code, described.stderr).toBe(0)
    const d = rows(described.stdout)[0]
    expect(d?.TransactionalId).toBe(ctpId)
    expect(d?.TransactionState).toBe('CompleteCommit')
    expect(Number(d?.ProducerEpoch)).toBeGreaterThanOrEqual(1)
    // DescribeProducers: the alternating producer's state on the partitions it wrote (its keys go to one or two)
    const states: Record<string, string>[] = []
    for (const partition of ['0', '1', '2']) {
      const producers = await transactionsCommand(['describe-producers', '--topic', altTopic, '--partition', partition])
      expect(producers.code, producers.stderr).toBe(0)
      states.push(...rows(producers.stdout))
    }
    expect(states.length).toBeGreaterThan(0)
    expect(new Set(states.map((s) => s.ProducerId)).size).toBe(1)
    for (const s of states) expect(s.CurrentTransactionStartOffset).toBe('None')
    // find-hanging (DescribeProducers on every partition of the broker, then the coordinators): none hang
    const hanging = await transactionsCommand(['find-hanging', '--broker-id', '1'])
    expect(hanging.code, hanging.stderr).toBe(0)
    expect(hanging.stdout).toContain('Topic')
    expect(rows(hanging.stdout)).toEqual([])
    const unknown = await transactionsCommand(['describe', '--transactional-id', 'no-such-transactional-id'])
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr + unknown.stdout).toMatch(/could not be found/)
  }, 120_000)
})
