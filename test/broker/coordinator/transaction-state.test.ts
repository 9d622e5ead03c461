// The transaction coordinator's state machine (coordinator/transaction-state.ts) and its
// __transaction_state record format (coordinator/transaction-log.ts), without a broker.
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../src-main/broker/errors'
import {
  completed,
  decideAddPartitions,
  decideEnd,
  decideInit,
  decideTimeout,
  forVersion,
  freshMetadata,
  MAX_PRODUCER_EPOCH,
  type TxnMetadata,
} from '../../../src-main/broker/coordinator/transaction-state'
import { decodeTxnKey, decodeTxnValue, txnKey, txnValue } from '../../../src-main/broker/coordinator/transaction-log'

const NOW = 1_000_000
let nextId = 100
const allocate = () => nextId++

function apply(m: TxnMetadata, d: { error?: number; next?: TxnMetadata | null }): TxnMetadata {
  expect(d.error).toBeUndefined()
  return d.next ?? m
}

function initialised(): TxnMetadata {
  const m = freshMetadata('t1', 7, 60_000, NOW)
  const d = decideInit(m, 60_000, null, NOW, allocate)
  if (d.error !== undefined || d.answer !== 'bumped') throw new Error('init failed')
  return d.next
}

const tp = (topic: string, partition: number) => ({ topic, partition })

describe('transaction state machine', () => {
  it('a new transactional id starts at epoch 0 in Empty; a second InitProducerId bumps the epoch', () => {
    const m = initialised()
    expect(m).toMatchObject({ producerId: 7, producerEpoch: 0, state: 'Empty' })
    const d = decideInit(m, 30_000, null, NOW, allocate)
    expect(d).toMatchObject({ answer: 'bumped', next: { producerId: 7, producerEpoch: 1, lastProducerEpoch: 0, txnTimeoutMs: 30_000 } })
  })

  it('begins a transaction on the first partitions, adds more, and is a no-op for partitions already in it', () => {
    let m = initialised()
    m = apply(m, decideAddPartitions(m, 7, 0, [tp('a', 0)], NOW + 1))
    expect(m.state).toBe('Ongoing')
    expect(m.txnStartTimestamp).toBe(NOW + 1)
    m = apply(m, decideAddPartitions(m, 7, 0, [tp('a', 1), tp('b', 0)], NOW + 2))
    expect([...m.partitions].map(([t, s]) => [t, [...s]])).toEqual([
      ['a', [0, 1]],
      ['b', [0]],
    ])
    expect(m.txnStartTimestamp).toBe(NOW + 1)
    expect(decideAddPartitions(m, 7, 0, [tp('b', 0)], NOW + 3)).toEqual({ next: null })
  })

  it('answers a wrong producer id INVALID_PRODUCER_ID_MAPPING and an old epoch PRODUCER_FENCED', () => {
    const m = initialised()
    expect(decideAddPartitions(m, 8, 0, [tp('a', 0)], NOW).error).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    const bumped = apply(m, decideInit(m, 60_000, null, NOW, allocate) as { next: TxnMetadata })
    expect(decideAddPartitions(bumped, 7, 0, [tp('a', 0)], NOW).error).toBe(ErrorCode.PRODUCER_FENCED)
    expect(decideEnd(bumped, 7, 0, true, NOW)).toEqual({ error: ErrorCode.PRODUCER_FENCED })
    expect(forVersion(ErrorCode.PRODUCER_FENCED, 1, 2)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(forVersion(ErrorCode.PRODUCER_FENCED, 2, 2)).toBe(ErrorCode.PRODUCER_FENCED)
  })

  it('ends a transaction through PrepareCommit to CompleteCommit; retries and wrong requests get Kafka errors', () => {
    let m = initialised()
    expect(decideEnd(m, 7, 0, true, NOW)).toEqual({ error: ErrorCode.INVALID_TXN_STATE })
    m = apply(m, decideAddPartitions(m, 7, 0, [tp('a', 0)], NOW))
    m = apply(m, decideEnd(m, 7, 0, true, NOW) as { next: TxnMetadata })
    expect(m.state).toBe('PrepareCommit')
    expect(decideEnd(m, 7, 0, true, NOW)).toEqual({ error: ErrorCode.CONCURRENT_TRANSACTIONS })
    expect(decideEnd(m, 7, 0, false, NOW)).toEqual({ error: ErrorCode.INVALID_TXN_STATE })
    expect(decideAddPartitions(m, 7, 0, [tp('a', 1)], NOW).error).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    expect(decideInit(m, 60_000, null, NOW, allocate)).toEqual({ error: ErrorCode.CONCURRENT_TRANSACTIONS })
    m = completed(m, NOW)
    expect(m).toMatchObject({ state: 'CompleteCommit', partitions: new Map() })
    expect(decideEnd(m, 7, 0, true, NOW)).toEqual({ alreadyDone: true })
    expect(decideEnd(m, 7, 0, false, NOW)).toEqual({ error: ErrorCode.INVALID_TXN_STATE })
    // the next transaction starts from the completed one
    m = apply(m, decideAddPartitions(m, 7, 0, [tp('c', 0)], NOW + 5))
    expect([...m.partitions.keys()]).toEqual(['c'])
  })

  it('a write in flight makes other requests retry with CONCURRENT_TRANSACTIONS', () => {
    const m = { ...initialised(), pendingState: 'Ongoing' as const }
    expect(decideAddPartitions(m, 7, 0, [tp('a', 0)], NOW).error).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    expect(decideInit(m, 60_000, null, NOW, allocate)).toEqual({ error: ErrorCode.CONCURRENT_TRANSACTIONS })
  })

  it('InitProducerId during an ongoing transaction fences its epoch and aborts it first', () => {
    let m = initialised()
    m = apply(m, decideAddPartitions(m, 7, 0, [tp('a', 0)], NOW))
    const d = decideInit(m, 60_000, null, NOW, allocate)
    expect(d).toMatchObject({ answer: 'abortFirst', next: { state: 'PrepareAbort', producerEpoch: 1 } })
    const aborting = (d as { next: TxnMetadata }).next
    const done = completed(aborting, NOW)
    expect(done.state).toBe('CompleteAbort')
    expect(decideInit(done, 60_000, null, NOW, allocate)).toMatchObject({ answer: 'bumped', next: { producerEpoch: 2 } })
  })

  it('KIP-360: a producer naming its current epoch is bumped, a retry of that bump is answered unchanged, others are fenced', () => {
    const m = initialised()
    const bumped = (decideInit(m, 60_000, { producerId: 7, producerEpoch: 0 }, NOW, allocate) as { next: TxnMetadata }).next
    expect(bumped.producerEpoch).toBe(1)
    expect(decideInit(bumped, 60_000, { producerId: 7, producerEpoch: 0 }, NOW, allocate)).toEqual({ answer: 'current' })
    expect(decideInit(bumped, 60_000, { producerId: 9, producerEpoch: 0 }, NOW, allocate)).toEqual({ error: ErrorCode.PRODUCER_FENCED })
  })

  it('takes a new producer id when the epoch would overflow', () => {
    const m = { ...initialised(), producerEpoch: MAX_PRODUCER_EPOCH - 1 }
    const d = decideInit(m, 60_000, null, NOW, allocate) as { next: TxnMetadata }
    expect(d.next.producerId).not.toBe(7)
    expect(d.next).toMatchObject({ producerEpoch: 0, lastProducerId: 7 })
  })

  it('aborts a transaction older than its timeout with a fenced epoch, and nothing else', () => {
    let m = initialised()
    expect(decideTimeout(m, NOW + 120_000, allocate)).toBeNull()
    m = apply(m, decideAddPartitions(m, 7, 0, [tp('a', 0)], NOW))
    expect(decideTimeout(m, NOW + 60_000, allocate)).toBeNull()
    expect(decideTimeout(m, NOW + 60_001, allocate)).toMatchObject({ state: 'PrepareAbort', producerEpoch: 1 })
  })
})

describe('__transaction_state records', () => {
  it('encode Kafka keys and version-0 values and decode them back', () => {
    const key = txnKey('my-txn')
    expect(key.readInt16BE(0)).toBe(0)
    expect(key.readInt16BE(2)).toBe(6)
    expect(decodeTxnKey(key)).toBe('my-txn')
    const partitions = new Map([['orders', new Set([2, 0])]])
    const value = txnValue({
      producerId: 42,
      producerEpoch: 3,
      transactionTimeoutMs: 60_000,
      state: 'Ongoing',
      partitions,
      lastUpdateTimestampMs: NOW + 1,
      startTimestampMs: NOW,
    })
    expect(value.readInt16BE(0)).toBe(0)
    expect(value.readBigInt64BE(2)).toBe(42n)
    expect(value.readInt16BE(10)).toBe(3)
    expect(value.readInt32BE(12)).toBe(60_000)
    expect(value.readInt8(16)).toBe(1) // Ongoing
    const back = decodeTxnValue(value)
    expect(back).toMatchObject({ producerId: 42, producerEpoch: 3, state: 'Ongoing', startTimestampMs: NOW, lastUpdateTimestampMs: NOW + 1 })
    expect([...back.partitions.get('orders')!]).toEqual([0, 2])
  })
})
