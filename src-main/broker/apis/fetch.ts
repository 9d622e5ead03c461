import { defineApi } from './registry'
import { ErrorCode } from '../errors'
import type { Broker } from '../broker'

const READ_COMMITTED = 1

interface Wanted {
  topic: string | null
  topicId: Buffer
  partition: number
  fetchOffset: number
  partitionMaxBytes: number
}

function readPartition(broker: Broker, w: Wanted, budget: number, first: boolean, readCommitted: boolean) {
  const base = {
    partitionIndex: w.partition,
    errorCode: ErrorCode.NONE as number,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    abortedTransactions: readCommitted ? [] : null,
    preferredReadReplica: -1,
    records: [] as Buffer[],
    bytes: 0,
  }
  const t = w.topic !== null ? broker.topic(w.topic) : undefined
  if (!t || w.partition < 0 || w.partition >= t.partitions.length) {
    base.errorCode = w.topic === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    return base
  }
  const log = broker.isLeader(t.name, w.partition) ? broker.partitionLog(t.name, w.partition) : undefined
  if (!log) {
    base.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER
    return base
  }
  base.highWatermark = log.highWatermark
  base.lastStableOffset = log.lastStableOffset
  base.logStartOffset = log.logStartOffset
  if (w.fetchOffset < log.logStartOffset || w.fetchOffset > log.logEndOffset) {
    base.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE
    return base
  }
  const limit = readCommitted ? log.lastStableOffset : log.highWatermark
  if (w.fetchOffset >= limit) return base
  const maxBytes = Math.min(w.partitionMaxBytes, budget)
  const read = log.read(w.fetchOffset, maxBytes, { minOneBatch: first, maxOffset: limit })
  base.records = read.records
  base.bytes = read.size
  return base
}

export default defineApi({
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  async handle(req, ctx) {
    const { broker } = ctx
    const wanted: Wanted[] = []
    for (const t of req.topics) {
      const name: string | null = ctx.apiVersion >= 13 ? (broker.metadata.topicById(t.topicId.toString('base64'))?.name ?? null) : t.topic
      for (const p of t.partitions) {
        wanted.push({ topic: name, topicId: t.topicId, partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes })
      }
    }
    const readCommitted = req.isolationLevel === READ_COMMITTED
    const maxBytes: number = ctx.apiVersion >= 3 ? req.maxBytes : 0x7fffffff
    const deadline = Date.now() + Math.max(0, req.maxWaitMs)
    for (;;) {
      let budget = maxBytes
      let total = 0
      let anyError = false
      const results = wanted.map((w) => {
        const r = readPartition(broker, w, budget, total === 0, readCommitted)
        budget = Math.max(0, budget - r.bytes)
        total += r.bytes
        if (r.errorCode !== ErrorCode.NONE) anyError = true
        return r
      })
      const left = deadline - Date.now()
      if (total >= req.minBytes || anyError || left <= 0 || wanted.length === 0) {
        const byTopic = new Map<string, { topic: string | null; topicId: Buffer; partitions: unknown[] }>()
        results.forEach((r, i) => {
          const w = wanted[i]
          const key = w.topic ?? w.topicId.toString('hex')
          let e = byTopic.get(key)
          if (!e) byTopic.set(key, (e = { topic: w.topic, topicId: w.topicId, partitions: [] }))
          e.partitions.push(r)
        })
        // A session id of 0 tells clients this broker keeps no fetch session: every fetch is a full one.
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: [...byTopic.values()] }
      }
      await broker.waitForAppend(left)
      if (broker.stopped) return undefined
    }
  },
})
