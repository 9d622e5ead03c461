// Reads what one broker's replica of a partition holds, over the wire: a consumer Fetch (v12,
// which carries client metadata, so a follower serves it as Kafka's followers do, KIP-392) sent
// to that broker, from the log start to its high watermark. Tests compare replicas with it.
import { RawClient } from '../../../src-main/console/raw-client'
import { decodeRecords } from '../../../src-main/broker/records/record'
import { forEachBatch, readBatchHeader } from '../../../src-main/broker/records/batch'
import { errorName } from '../../../src-main/broker/errors'

export interface ReplicaRecord {
  offset: number
  key: string | null
  value: string | null
  /** The partition leader epoch written in the record's batch. */
  leaderEpoch: number
}

export interface ReplicaContents {
  highWatermark: number
  logStartOffset: number
  records: ReplicaRecord[]
}

const FETCH = 1
const FETCH_VERSION = 12

/** Everything below the high watermark of `topic`-`partition` on the broker at `address`. */
export async function readReplica(address: string, topic: string, partition: number): Promise<ReplicaContents> {
  const c = await RawClient.connect(address, { clientId: 'replica-reader' })
  try {
    const records: ReplicaRecord[] = []
    let offset = 0
    let highWatermark = -1
    let logStartOffset = 0
    for (;;) {
      const res = await c.request(FETCH, FETCH_VERSION, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 4 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 4 << 20 }],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      })
      if (res.errorCode) throw new Error(`fetch from ${address}: ${errorName(res.errorCode)}`)
      const p = res.responses[0].partitions[0]
      if (p.errorCode) throw new Error(`fetch of ${topic}-${partition} from ${address}: ${errorName(p.errorCode)}`)
      highWatermark = Number(p.highWatermark)
      logStartOffset = Number(p.logStartOffset)
      if (offset < logStartOffset) offset = logStartOffset
      const buf: Buffer | null = p.records
      let next = offset
      if (buf && buf.length > 0) {
        forEachBatch(buf, (pos, size) => {
          const batch = buf.subarray(pos, pos + size)
          if (size < 61 || batch.length < size) return false
          const h = readBatchHeader(batch)
          next = Math.max(next, h.lastOffset + 1)
          // Transaction markers hold no records of the producer's.
          if (h.control) return
          for (const r of decodeRecords(batch, h)) {
            if (r.offset < offset) continue
            records.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, leaderEpoch: h.partitionLeaderEpoch })
          }
        })
      }
      if (next <= offset || next >= highWatermark) break
      offset = next
    }
    return { highWatermark, logStartOffset, records }
  } finally {
    c.close()
  }
}
