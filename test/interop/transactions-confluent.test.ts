// confluent-kafka-python's transactional API (librdkafka 2.0.x, Debian python3-confluent-kafka)
// against the target: init_transactions, a consume-transform-produce with
// send_offsets_to_transaction, one transaction aborted after its records were written. The
// driver is test/interop/python/transactions_confluent.py.
import { describe, expect, it } from 'vitest'
import { pythonClient } from './python-driver.ts'
import { uniqueTopic } from './target.ts'

interface Outcome {
  error?: string
  read_committed: string[]
  read_uncommitted: string[]
  committed_offset: number
}

const call = pythonClient('transactions_confluent.py')

describe('confluent-kafka-python transactions', () => {
  it('commits and aborts transactions with their consumer offsets', async () => {
    const r = await call<Outcome>('run', {
      input: uniqueTopic('txn-py-in'),
      output: uniqueTopic('txn-py-out'),
      group: uniqueTopic('txn-py-group'),
      txn_id: uniqueTopic('txn-py-id'),
    })
    expect(r.error).toBeUndefined()
    const all = Array.from({ length: 10 }, (_, i) => `V${i}`)
    // exactly once: the aborted copy of records 5-9 is invisible to read_committed
    expect(r.read_committed).toEqual(all.sort())
    expect(r.read_uncommitted).toEqual([...all, ...all.slice(5)].sort())
    // the offsets sent in the committed transactions, not those of the aborted one
    expect(r.committed_offset).toBe(10)
  }, 60_000)
})
