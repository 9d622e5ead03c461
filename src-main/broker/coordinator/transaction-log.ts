// Records of the __transaction_state topic in Kafka's own format (TransactionLogKey and
// TransactionLogValue of Kafka 4.1's coordinator message specs), so any tool reading the topic
// decodes them. Key: int16 version 0 + TransactionalId. Value: int16 version + the struct; this
// broker writes version 0 (the classic protocol's) and reads 0 and 1. A null value is a
// tombstone (an expired transactional id).
import { compile } from '../protocol/codec'
import { Reader } from '../protocol/reader'
import { Writer } from '../protocol/writer'
import type { MessageSpec } from '../protocol/schema'

export const TransactionLogKey: MessageSpec = {
  apiKey: -1,
  type: 'data',
  name: 'TransactionLogKey',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [{ name: 'transactionalId', type: 'string', versions: '0' }],
}

export const TransactionLogValue: MessageSpec = {
  apiKey: -1,
  type: 'data',
  name: 'TransactionLogValue',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'previousProducerId', type: 'int64', versions: '1+', tag: 0, taggedVersions: '1+', default: -1 },
    { name: 'nextProducerId', type: 'int64', versions: '1+', tag: 1, taggedVersions: '1+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'nextProducerEpoch', type: 'int16', versions: '1+', tag: 3, taggedVersions: '1+', default: -1 },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'transactionStatus', type: 'int8', versions: '0+' },
    {
      name: 'transactionPartitions',
      type: '[]PartitionsSchema',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitionIds', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'transactionLastUpdateTimestampMs', type: 'int64', versions: '0+' },
    { name: 'transactionStartTimestampMs', type: 'int64', versions: '0+' },
    { name: 'clientTransactionVersion', type: 'int16', versions: '1+', tag: 2, taggedVersions: '1+', default: 0 },
  ],
}

const keyCodec = compile(TransactionLogKey)
const valueCodec = compile(TransactionLogValue)

export const TXN_KEY_VERSION = 0
export const TXN_VALUE_VERSION = 0

/** TransactionStatus as Kafka numbers its TransactionState. */
export const TXN_STATES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'] as const
export type TxnState = (typeof TXN_STATES)[number]

export interface TxnLogValue {
  producerId: number
  producerEpoch: number
  transactionTimeoutMs: number
  state: TxnState
  /** topic → partitions; empty outside a transaction. */
  partitions: Map<string, Set<number>>
  lastUpdateTimestampMs: number
  startTimestampMs: number
}

interface RawValue {
  producerId: number
  producerEpoch: number
  transactionTimeoutMs: number
  transactionStatus: number
  transactionPartitions: { topic: string; partitionIds: number[] }[] | null
  transactionLastUpdateTimestampMs: number
  transactionStartTimestampMs: number
}

export function txnKey(transactionalId: string): Buffer {
  const w = new Writer(64)
  w.int16(TXN_KEY_VERSION)
  keyCodec.encode({ transactionalId }, TXN_KEY_VERSION, w)
  return w.toBuffer()
}

export function txnValue(v: TxnLogValue): Buffer {
  const w = new Writer(128)
  w.int16(TXN_VALUE_VERSION)
  const raw: RawValue = {
    producerId: v.producerId,
    producerEpoch: v.producerEpoch,
    transactionTimeoutMs: v.transactionTimeoutMs,
    transactionStatus: TXN_STATES.indexOf(v.state),
    // Kafka writes the partitions only while they matter (Empty and Complete* states carry none).
    transactionPartitions: [...v.partitions].map(([topic, ps]) => ({ topic, partitionIds: [...ps].sort((a, b) => a - b) })),
    transactionLastUpdateTimestampMs: v.lastUpdateTimestampMs,
    transactionStartTimestampMs: v.startTimestampMs,
  }
  valueCodec.encode(raw, TXN_VALUE_VERSION, w)
  return w.toBuffer()
}

/** The transactional id of a key; undefined for a key version this broker does not know. */
export function decodeTxnKey(key: Buffer): string | undefined {
  const r = new Reader(key)
  const v = r.int16()
  if (v !== TXN_KEY_VERSION) return undefined
  return (keyCodec.decode(r, v) as { transactionalId: string }).transactionalId
}

export function decodeTxnValue(value: Buffer): TxnLogValue {
  const r = new Reader(value)
  const v = r.int16()
  if (v < 0 || v > 1) throw new Error(`unknown TransactionLogValue version ${v}`)
  const raw = valueCodec.decode(r, v) as RawValue
  const state = TXN_STATES[raw.transactionStatus]
  if (!state) throw new Error(`unknown transaction status ${raw.transactionStatus}`)
  const partitions = new Map<string, Set<number>>()
  for (const p of raw.transactionPartitions ?? []) partitions.set(p.topic, new Set(p.partitionIds))
  return {
    producerId: raw.producerId,
    producerEpoch: raw.producerEpoch,
    transactionTimeoutMs: raw.transactionTimeoutMs,
    state,
    partitions,
    lastUpdateTimestampMs: raw.transactionLastUpdateTimestampMs,
    startTimestampMs: raw.transactionStartTimestampMs,
  }
}
