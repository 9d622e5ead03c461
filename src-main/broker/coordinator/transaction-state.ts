// The transaction coordinator's decisions for one transactional id, as pure functions of its
// metadata and a request (Kafka's TransactionCoordinator with TransactionMetadata's transitions,
// for the classic protocol: transaction.version 0/1, one producer epoch per producer session).
// Each returns an error code, or the metadata to write to __transaction_state before answering.
import { ErrorCode } from '../errors'
import type { TxnState } from './transaction-log'

/** Kafka bumps the producer id when the epoch would reach Short.MAX_VALUE. */
export const MAX_PRODUCER_EPOCH = 32767

export interface TxnMetadata {
  transactionalId: string
  producerId: number
  /** The producer id before the last epoch overflow (-1 when none). */
  lastProducerId: number
  producerEpoch: number
  /** The epoch before the last bump, so a retried InitProducerId is recognised (KIP-360). */
  lastProducerEpoch: number
  txnTimeoutMs: number
  state: TxnState
  /** topic → partitions of the ongoing transaction. */
  partitions: Map<string, Set<number>>
  txnStartTimestamp: number
  txnLastUpdateTimestamp: number
  /** Set while a write of this id's next state is in flight: other requests get CONCURRENT_TRANSACTIONS. */
  pendingState: TxnState | null
}

export type Transition = { error: number } | { error?: undefined; next: TxnMetadata }

export function copyPartitions(p: Map<string, Set<number>>): Map<string, Set<number>> {
  return new Map([...p].map(([t, s]) => [t, new Set(s)]))
}

export function freshMetadata(transactionalId: string, producerId: number, txnTimeoutMs: number, now: number): TxnMetadata {
  return {
    transactionalId,
    producerId,
    lastProducerId: -1,
    producerEpoch: -1,
    lastProducerEpoch: -1,
    txnTimeoutMs,
    state: 'Empty',
    partitions: new Map(),
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: now,
    pendingState: null,
  }
}

function next(m: TxnMetadata, changes: Partial<TxnMetadata>, now: number): TxnMetadata {
  return { ...m, partitions: copyPartitions(m.partitions), ...changes, txnLastUpdateTimestamp: now, pendingState: null }
}

/** The epoch (and id) a producer gets next: epoch+1, or a new id at epoch 0 on overflow. */
export function bumpEpoch(
  m: TxnMetadata,
  allocateProducerId: () => number,
): Pick<TxnMetadata, 'producerId' | 'producerEpoch' | 'lastProducerId' | 'lastProducerEpoch'> {
  if (m.producerEpoch >= MAX_PRODUCER_EPOCH - 1)
    return { producerId: allocateProducerId(), producerEpoch: 0, lastProducerId: m.producerId, lastProducerEpoch: -1 }
  return { producerId: m.producerId, producerEpoch: m.producerEpoch + 1, lastProducerId: m.lastProducerId, lastProducerEpoch: m.producerEpoch }
}

export type InitDecision =
  | { error: number }
  /** Write `next` and answer with its producer id and epoch. */
  | { error?: undefined; next: TxnMetadata; answer: 'bumped' }
  /** Nothing to write: a retry of the bump that was already made. */
  | { error?: undefined; answer: 'current' }
  /** An ongoing transaction must be aborted first (with `next`'s fenced epoch): CONCURRENT_TRANSACTIONS to the caller. */
  | { error?: undefined; next: TxnMetadata; answer: 'abortFirst' }

/**
 * InitProducerId of a transactional producer. `expected` is the id and epoch a KIP-360 client
 * names when it re-initialises (v3+), null for a new producer.
 */
export function decideInit(
  m: TxnMetadata,
  txnTimeoutMs: number,
  expected: { producerId: number; producerEpoch: number } | null,
  now: number,
  allocateProducerId: () => number,
): InitDecision {
  if (m.pendingState !== null) return { error: ErrorCode.CONCURRENT_TRANSACTIONS }
  if (expected) {
    const current = expected.producerId === m.producerId && expected.producerEpoch === m.producerEpoch
    const retried =
      (expected.producerId === m.producerId && expected.producerEpoch === m.lastProducerEpoch) ||
      (expected.producerId === m.lastProducerId && m.producerEpoch === 0)
    if (!current && !retried) return { error: ErrorCode.PRODUCER_FENCED }
    if (retried && !current && m.state !== 'Ongoing') return { answer: 'current' }
  }
  switch (m.state) {
    case 'PrepareCommit':
    case 'PrepareAbort':
      // markers are still being written: the producer retries
      return { error: ErrorCode.CONCURRENT_TRANSACTIONS }
    case 'Ongoing': {
      // fence the old producer's epoch and abort its transaction; the new producer retries
      const fenced = bumpEpoch(m, allocateProducerId)
      return { next: next(m, { ...fenced, state: 'PrepareAbort' }, now), answer: 'abortFirst' }
    }
    case 'Empty':
    case 'CompleteCommit':
    case 'CompleteAbort':
      return {
        next: next(m, { ...bumpEpoch(m, allocateProducerId), txnTimeoutMs, state: 'Empty', partitions: new Map(), txnStartTimestamp: -1 }, now),
        answer: 'bumped',
      }
    default:
      return { error: ErrorCode.INVALID_TXN_STATE }
  }
}

/** The checks every in-transaction request makes of the producer it names. */
export function checkProducer(m: TxnMetadata, producerId: number, producerEpoch: number): number {
  if (producerId !== m.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
  if (producerEpoch !== m.producerEpoch) return ErrorCode.PRODUCER_FENCED
  if (m.pendingState !== null) return ErrorCode.CONCURRENT_TRANSACTIONS
  return ErrorCode.NONE
}

/** AddPartitionsToTxn / AddOffsetsToTxn: `next` is null when every partition is already in the transaction. */
export function decideAddPartitions(
  m: TxnMetadata,
  producerId: number,
  producerEpoch: number,
  add: { topic: string; partition: number }[],
  now: number,
): { error: number } | { error?: undefined; next: TxnMetadata | null } {
  const err = checkProducer(m, producerId, producerEpoch)
  if (err !== ErrorCode.NONE) return { error: err }
  if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return { error: ErrorCode.CONCURRENT_TRANSACTIONS }
  if (m.state === 'Dead' || m.state === 'PrepareEpochFence') return { error: ErrorCode.INVALID_TXN_STATE }
  if (m.state === 'Ongoing' && add.every((p) => m.partitions.get(p.topic)?.has(p.partition))) return { next: null }
  const partitions = m.state === 'Ongoing' ? copyPartitions(m.partitions) : new Map<string, Set<number>>()
  for (const p of add) {
    let s = partitions.get(p.topic)
    if (!s) partitions.set(p.topic, (s = new Set()))
    s.add(p.partition)
  }
  return { next: next(m, { state: 'Ongoing', partitions, txnStartTimestamp: m.state === 'Ongoing' ? m.txnStartTimestamp : now }, now) }
}

export type EndDecision = { error: number } | { error?: undefined; next: TxnMetadata } | { error?: undefined; alreadyDone: true }

/** EndTxn from the producer. */
export function decideEnd(m: TxnMetadata, producerId: number, producerEpoch: number, commit: boolean, now: number): EndDecision {
  if (producerId !== m.producerId) return { error: ErrorCode.INVALID_PRODUCER_ID_MAPPING }
  if (producerEpoch !== m.producerEpoch) return { error: ErrorCode.PRODUCER_FENCED }
  if (m.pendingState !== null) return { error: m.pendingState === 'PrepareEpochFence' ? ErrorCode.PRODUCER_FENCED : ErrorCode.CONCURRENT_TRANSACTIONS }
  switch (m.state) {
    case 'Ongoing':
      return { next: next(m, { state: commit ? 'PrepareCommit' : 'PrepareAbort' }, now) }
    case 'CompleteCommit':
      return commit ? { alreadyDone: true } : { error: ErrorCode.INVALID_TXN_STATE }
    case 'CompleteAbort':
      return commit ? { error: ErrorCode.INVALID_TXN_STATE } : { alreadyDone: true }
    case 'PrepareCommit':
      return commit ? { error: ErrorCode.CONCURRENT_TRANSACTIONS } : { error: ErrorCode.INVALID_TXN_STATE }
    case 'PrepareAbort':
      return commit ? { error: ErrorCode.INVALID_TXN_STATE } : { error: ErrorCode.CONCURRENT_TRANSACTIONS }
    default:
      return { error: ErrorCode.INVALID_TXN_STATE }
  }
}

/** A transaction that outlived transaction.timeout.ms: its epoch is fenced and it is aborted. */
export function decideTimeout(m: TxnMetadata, now: number, allocateProducerId: () => number): TxnMetadata | null {
  if (m.state !== 'Ongoing' || m.pendingState !== null || m.txnStartTimestamp < 0 || now - m.txnStartTimestamp <= m.txnTimeoutMs) return null
  return next(m, { ...bumpEpoch(m, allocateProducerId), state: 'PrepareAbort' }, now)
}

/** After every marker is written: CompleteCommit / CompleteAbort with no partitions. */
export function completed(m: TxnMetadata, now: number): TxnMetadata {
  return next(m, { state: m.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort', partitions: new Map() }, now)
}

/** Error codes Kafka's older request versions cannot carry (KIP-588 added PRODUCER_FENCED). */
export function forVersion(error: number, apiVersion: number, fencedSince: number): number {
  return error === ErrorCode.PRODUCER_FENCED && apiVersion < fencedSince ? ErrorCode.INVALID_PRODUCER_EPOCH : error
}
