/**
 * Producer state snapshots (`<offset>.snapshot`) in Kafka's on-disk format, so kafka-dump-log
 * and a real broker read them:
 *
 *   version int16 (1) | crc uint32 (CRC-32C of everything after it) | entries int32 count, each:
 *   producerId int64 | epoch int16 | lastSequence int32 | lastOffset int64 | offsetDelta int32 |
 *   timestamp int64 | coordinatorEpoch int32 | currentTxnFirstOffset int64
 *
 * Like Kafka, a snapshot keeps only each producer's last batch (lastSequence - offsetDelta is its
 * first sequence): a retry of an older batch after a restart is answered as out of sequence.
 * Snapshots written as JSON by earlier versions of this broker are still read once (the next
 * roll or clean shutdown rewrites them in Kafka's format).
 */
import { crc32c } from '@node-rs/crc32'
import type { ProducerStateEntry } from './producer-state.js'

export const PRODUCER_SNAPSHOT_VERSION = 1
const HEADER_SIZE = 2 + 4 + 4
const ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8

export function encodeProducerSnapshot(producers: ProducerStateEntry[]): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE + producers.length * ENTRY_SIZE)
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0)
  buf.writeInt32BE(producers.length, 6)
  let p = HEADER_SIZE
  for (const e of producers) {
    const last = e.batches[e.batches.length - 1]
    buf.writeBigInt64BE(BigInt(e.producerId), p)
    buf.writeInt16BE(e.producerEpoch, p + 8)
    buf.writeInt32BE(last ? last.lastSeq : -1, p + 10)
    buf.writeBigInt64BE(BigInt(last ? last.lastOffset : e.lastDataOffset), p + 14)
    buf.writeInt32BE(last ? last.lastOffset - last.baseOffset : 0, p + 22)
    buf.writeBigInt64BE(BigInt(e.lastTimestamp), p + 26)
    buf.writeInt32BE(e.coordinatorEpoch, p + 34)
    buf.writeBigInt64BE(BigInt(e.currentTxnFirstOffset), p + 38)
    p += ENTRY_SIZE
  }
  buf.writeUInt32BE(crc32c(buf.subarray(6)), 2)
  return buf
}

/** Decodes a snapshot file's bytes; throws on a bad version, CRC or length. */
export function decodeProducerSnapshot(buf: Buffer): ProducerStateEntry[] {
  if (buf.length > 0 && buf[0] === 0x7b) return decodeLegacyJson(buf)
  if (buf.length < HEADER_SIZE) throw new Error('producer snapshot is too short')
  const version = buf.readInt16BE(0)
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new Error(`unknown producer snapshot version ${version}`)
  if (buf.readUInt32BE(2) !== crc32c(buf.subarray(6))) throw new Error('producer snapshot CRC mismatch')
  const n = buf.readInt32BE(6)
  if (n < 0 || buf.length !== HEADER_SIZE + n * ENTRY_SIZE) throw new Error('producer snapshot has a bad length')
  const out: ProducerStateEntry[] = []
  let p = HEADER_SIZE
  for (let i = 0; i < n; i++, p += ENTRY_SIZE) {
    const lastSeq = buf.readInt32BE(p + 10)
    const lastOffset = Number(buf.readBigInt64BE(p + 14))
    const delta = buf.readInt32BE(p + 22)
    const timestamp = Number(buf.readBigInt64BE(p + 26))
    out.push({
      producerId: Number(buf.readBigInt64BE(p)),
      producerEpoch: buf.readInt16BE(p + 8),
      coordinatorEpoch: buf.readInt32BE(p + 34),
      currentTxnFirstOffset: Number(buf.readBigInt64BE(p + 38)),
      lastTimestamp: timestamp,
      lastDataOffset: lastOffset,
      batches: lastSeq >= 0 ? [{ firstSeq: lastSeq - delta, lastSeq, baseOffset: lastOffset - delta, lastOffset, timestamp }] : [],
    })
  }
  return out
}

/** The JSON snapshots of earlier versions ({ version: 1, offset, producers }). */
function decodeLegacyJson(buf: Buffer): ProducerStateEntry[] {
  const data = JSON.parse(buf.toString('utf8')) as { version?: number; producers?: ProducerStateEntry[] }
  if (data.version !== 1 || !Array.isArray(data.producers)) throw new Error('unknown JSON producer snapshot')
  return data.producers
}
