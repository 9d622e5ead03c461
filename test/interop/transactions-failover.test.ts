// Transaction state survives the loss of its coordinator: on 3 brokers, a transactional
// producer commits and aborts across partitions led by different brokers (markers go between
// broker processes), the broker coordinating its transactional id is killed (kill -9), and the
// next producer with that id is served by the new leader of its __transaction_state partition,
// which loaded the state: same producer id, a higher epoch. read_committed sees exactly the
// committed records of both sessions. Runs unchanged against a 3-node Kafka 4.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { compileJava, javaOk } from './java-client'
import { QUICK_FAILURE_DETECTION, eventually, kafkaTool, repoRoot, run, startCluster, uniqueTopic, type ClusterTarget } from './target'

const CONFIGS = QUICK_FAILURE_DETECTION

let cluster: ClusterTarget

beforeAll(async () => {
  ;[cluster] = await Promise.all([startCluster({ brokers: 3, configs: CONFIGS }), compileJava('Transactions')])
}, 300_000)

afterAll(async () => {
  await cluster?.stop()
}, 60_000)

function live(): string {
  return [...cluster.brokers.values()].map((b) => b.address).join(',')
}

async function describeTxn(id: string): Promise<Record<string, string>> {
  const r = await run(
    'bash',
    [
      join(repoRoot, 'scripts', 'kafka', 'kafka-run.sh'),
      'org.apache.kafka.tools.TransactionsCommand',
      '--bootstrap-server',
      live(),
      'describe',
      '--transactional-id',
      id,
    ],
    { timeoutMs: 60_000 },
  )
  if (r.code !== 0) throw new Error(`kafka-transactions describe: ${r.stderr}`)
  const lines = r.stdout.split('\n').filter((l) => l.includes('\t'))
  const head = lines[0]!.split('\t').map((s) => s.trim())
  return Object.fromEntries(lines[1]!.split('\t').map((v, i) => [head[i]!, v.trim()]))
}

describe('transactions across brokers and a coordinator failover', () => {
  it('keeps the transactional id state when its coordinator is killed', async () => {
    const topic = uniqueTopic('txn-failover')
    const id = uniqueTopic('txn-failover-id')
    await kafkaTool('kafka-topics', ['--bootstrap-server', live(), '--create', '--topic', topic, '--partitions', '3', '--replication-factor', '3'])
    await javaOk('Transactions', ['alternate', live(), topic, '4', id, 'a'])
    const before = await describeTxn(id)
    expect(before.TransactionState).toBe('CompleteAbort')
    const coordinator = Number(before.CoordinatorId)
    await cluster.kill(coordinator)
    // a new leader of the id's __transaction_state partition takes over with the state it loaded
    await javaOk('Transactions', ['alternate', live(), topic, '4', id, 'b'], { timeoutMs: 180_000 })
    const after = await eventually(
      async () => {
        const d = await describeTxn(id)
        if (d.TransactionState !== 'CompleteAbort') throw new Error(`state ${d.TransactionState}`)
        return d
      },
      60_000,
      1000,
    )
    expect(Number(after.CoordinatorId)).not.toBe(coordinator)
    expect(after.ProducerId).toBe(before.ProducerId)
    expect(Number(after.ProducerEpoch)).toBeGreaterThan(Number(before.ProducerEpoch))
    const r = await javaOk('Transactions', ['consume', live(), topic, 'read_committed', '3000'])
    const values = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('read_committed '))
      .map((l) => l.slice(15))
      .sort()
    expect(values).toEqual(['a0-0', 'a0-1', 'a2-0', 'a2-1', 'b0-0', 'b0-1', 'b2-0', 'b2-1'])
    await cluster.start(coordinator)
  }, 400_000)
})
