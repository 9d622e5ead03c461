// Records of __consumer_offsets in Kafka's own format, so any tool reading the topic decodes them.
//   key   int16 version + struct: 0/1 OffsetCommitKey (group, topic, partition), 2 GroupMetadataKey (group)
//   value int16 version + struct: OffsetCommitValue v3 (v1 when an expire timestamp is set),
//         GroupMetadataValue v3; a null value is a tombstone.
// Written as one batch per operation through PartitionLog.append(origin 'coordinator'); read
// back in log order on load (the last record of a key wins, tombstones delete).
import { compile } from '../protocol/codec'
import { Reader } from '../protocol/reader'
import { Writer } from '../protocol/writer'
import { GroupMetadataKey, GroupMetadataValue, OffsetCommitKey, OffsetCommitValue } from '../protocol/messages/consumer-offsets'
import { buildBatch, controlRecordType, decodeRecords, type BuildRecord } from '../records/record'
import type { PartitionLog } from '../storage/partition-log'
import type { CommittedOffset } from './group'
import { forEachBatch } from './partition-batches'

const offsetKeyCodec = compile(OffsetCommitKey)
const offsetValueCodec = compile(OffsetCommitValue)
const groupKeyCodec = compile(GroupMetadataKey)
const groupValueCodec = compile(GroupMetadataValue)

export const OFFSET_KEY_VERSION = 1
export const OFFSET_VALUE_VERSION = 3
export const OFFSET_VALUE_VERSION_WITH_EXPIRY = 1
export const GROUP_KEY_VERSION = 2
export const GROUP_VALUE_VERSION = 3

function versioned(version: number, encode: (w: Writer) => void): Buffer {
  const w = new Writer(128)
  w.int16(version)
  encode(w)
  return w.toBuffer()
}

export function offsetKey(group: string, topic: string, partition: number): Buffer {
  return versioned(OFFSET_KEY_VERSION, (w) => offsetKeyCodec.encode({ group, topic, partition }, OFFSET_KEY_VERSION, w))
}

export function offsetValue(o: CommittedOffset): Buffer {
  const version = o.expireTimestamp !== null ? OFFSET_VALUE_VERSION_WITH_EXPIRY : OFFSET_VALUE_VERSION
  return versioned(version, (w) =>
    offsetValueCodec.encode(
      { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: o.commitTimestamp, expireTimestamp: o.expireTimestamp ?? -1 },
      version,
      w,
    ),
  )
}

export function groupKey(group: string): Buffer {
  return versioned(GROUP_KEY_VERSION, (w) => groupKeyCodec.encode({ group }, GROUP_KEY_VERSION, w))
}

export interface GroupMetadataRecord {
  protocolType: string
  generation: number
  protocol: string | null
  leader: string | null
  currentStateTimestamp: number
  members: {
    memberId: string
    groupInstanceId: string | null
    clientId: string
    clientHost: string
    rebalanceTimeout: number
    sessionTimeout: number
    subscription: Buffer
    assignment: Buffer
  }[]
}

export function groupValue(v: GroupMetadataRecord): Buffer {
  return versioned(GROUP_VALUE_VERSION, (w) => groupValueCodec.encode(v, GROUP_VALUE_VERSION, w))
}

export type LoadedRecord =
  | { kind: 'offset'; group: string; topic: string; partition: number; value: CommittedOffset | null }
  | { kind: 'group'; group: string; value: GroupMetadataRecord | null }

/** Decodes one __consumer_offsets record; undefined for record types this coordinator does not keep (KIP-848, share groups). */
export function decodeRecord(key: Buffer, value: Buffer | null): LoadedRecord | undefined {
  const kr = new Reader(key)
  const kv = kr.int16()
  if (kv === 0 || kv === 1) {
    const k = offsetKeyCodec.decode(kr, kv)
    if (value === null) return { kind: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: null }
    const vr = new Reader(value)
    const vv = vr.int16()
    const v = offsetValueCodec.decode(vr, Math.min(vv, 4))
    return {
      kind: 'offset',
      group: k.group,
      topic: k.topic,
      partition: k.partition,
      value: {
        offset: v.offset,
        leaderEpoch: v.leaderEpoch ?? -1,
        metadata: v.metadata,
        commitTimestamp: v.commitTimestamp,
        expireTimestamp: vv === 1 && v.expireTimestamp >= 0 ? v.expireTimestamp : null,
      },
    }
  }
  if (kv === 2) {
    const k = groupKeyCodec.decode(kr, kv)
    if (value === null) return { kind: 'group', group: k.group, value: null }
    const vr = new Reader(value)
    const vv = vr.int16()
    return { kind: 'group', group: k.group, value: groupValueCodec.decode(vr, Math.min(vv, 4)) as GroupMetadataRecord }
  }
  return undefined
}

/**
 * Appends records to a __consumer_offsets partition; returns the append error, if any.
 * TxnOffsetCommit passes the producer: its offsets go in a transactional batch of that producer
 * (no sequence), and only its COMMIT marker makes them count.
 */
export function appendRecords(
  log: PartitionLog,
  records: BuildRecord[],
  leaderEpoch: number,
  now = Date.now(),
  producer?: { producerId: number; producerEpoch: number },
): { error?: string; message?: string } {
  if (records.length === 0) return {}
  const batch = buildBatch({
    records,
    timestamp: now,
    ...(producer ? { producerId: producer.producerId, producerEpoch: producer.producerEpoch, transactional: true } : {}),
  })
  const res = log.append(batch, { origin: 'coordinator', leaderEpoch, now })
  return res.error !== undefined ? { error: res.error, message: res.message } : {}
}

/**
 * Reads a whole __consumer_offsets partition in order, calling `fn` for each record it
 * understands. Records of transactional batches (TxnOffsetCommit) count only once their
 * producer's COMMIT marker follows, and are dropped at an ABORT; those of transactions still
 * open at the end are returned by producer id.
 */
export function loadPartition(log: PartitionLog, fn: (r: LoadedRecord) => void, onError?: (e: Error) => void): Map<number, LoadedRecord[]> {
  const open = new Map<number, LoadedRecord[]>()
  forEachBatch(
    log,
    (b, h) => {
      if (h.control) {
        const type = controlRecordType(decodeRecords(b, h)[0]?.key ?? null)
        const held = open.get(h.producerId)
        open.delete(h.producerId)
        if (type === 'COMMIT') for (const rec of held ?? []) fn(rec)
        return
      }
      for (const r of decodeRecords(b, h)) {
        if (r.key === null) continue
        const rec = decodeRecord(r.key, r.value)
        if (!rec) continue
        if (h.transactional) {
          let held = open.get(h.producerId)
          if (!held) open.set(h.producerId, (held = []))
          held.push(rec)
        } else fn(rec)
      }
    },
    onError,
  )
  return open
}
