// Transactions for the console: every transaction coordinator's list (ListTransactions asked of
// each broker, as `kafka-transactions list` does), each described by the broker that listed it
// (DescribeTransactions: producer epoch, partitions, start time, timeout), and an admin abort
// that writes ABORT markers straight to the partitions' leaders, as `kafka-transactions abort`
// does for a hanging transaction.
import { ContractError, toErrorShape, type RequestOf, type ResponseOf } from '../ipc/contract'
import type { Session } from './connections'
import { ApiKey, checkError, kafkaErrorName } from './raw-client'
import { topicMetadata } from './topics'

type Summary = ResponseOf<'transactions.list'>['transactions'][number]
type Unavailable = NonNullable<ResponseOf<'transactions.list'>['unavailable']>[number]

/** States of a transactional id with no transaction running: left out unless `all` is asked. */
const FINISHED = new Set(['Empty', 'CompleteCommit', 'CompleteAbort', 'Dead'])

export async function listTransactions(s: Session, req: RequestOf<'transactions.list'>): Promise<ResponseOf<'transactions.list'>> {
  const brokers = [...(await s.cluster(0)).brokers.entries()].sort((a, b) => a[0] - b[0])
  const unavailable: Unavailable[] = []
  const perBroker = await Promise.all(
    brokers.map(async ([nodeId, address]) => {
      try {
        const c = await s.raw.get(address)
        const lv = c.version(ApiKey.ListTransactions, 1)
        const listed = await c.request(ApiKey.ListTransactions, lv, { stateFilters: [], producerIdFilters: [], durationFilter: -1 })
        checkError(listed.errorCode, null, `ListTransactions on broker ${nodeId}`)
        const ids = listed.transactionStates.filter((t) => req.all || !FINISHED.has(t.transactionState))
        if (!ids.length) return []
        const described = await c.request(ApiKey.DescribeTransactions, c.version(ApiKey.DescribeTransactions, 0), {
          transactionalIds: ids.map((t) => t.transactionalId),
        })
        const byId = new Map(described.transactionStates.map((d) => [d.transactionalId, d]))
        return ids.map((t): Summary => {
          const d = byId.get(t.transactionalId)
          const base = { transactionalId: t.transactionalId, producerId: Number(t.producerId), coordinator: nodeId }
          if (!d || d.errorCode)
            return {
              ...base,
              producerEpoch: -1,
              state: t.transactionState,
              timeoutMs: 0,
              startTimeMs: null,
              partitions: [],
              error: d ? kafkaErrorName(d.errorCode) : 'not described',
            }
          const start = Number(d.transactionStartTimeMs)
          return {
            ...base,
            producerId: Number(d.producerId),
            producerEpoch: d.producerEpoch,
            state: d.transactionState,
            timeoutMs: d.transactionTimeoutMs,
            startTimeMs: start >= 0 ? start : null,
            partitions: d.topics
              .flatMap((tp) => tp.partitions.map((partition) => ({ topic: tp.topic, partition })))
              .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
          }
        })
      } catch (e) {
        unavailable.push({ broker: nodeId, reason: toErrorShape(e).message })
        return []
      }
    }),
  )
  if (brokers.length && unavailable.length === brokers.length)
    throw new ContractError('CONNECTION', unavailable.map((u) => `broker ${u.broker}: ${u.reason}`).join('; '))
  const res: ResponseOf<'transactions.list'> = {
    transactions: perBroker.flat().sort((a, b) => a.transactionalId.localeCompare(b.transactionalId)),
    at: Date.now(),
  }
  if (unavailable.length) res.unavailable = unavailable
  return res
}

/**
 * ABORT markers for one producer's transaction, written to each partition's leader with
 * WriteTxnMarkers. The coordinator epoch is the one the partition's producer state holds
 * (DescribeProducers), else -1: the leader refuses a marker older than the last one it took
 * from the coordinator.
 */
export async function abortTransaction(s: Session, req: RequestOf<'transactions.abort'>): Promise<ResponseOf<'transactions.abort'>> {
  const results: ResponseOf<'transactions.abort'>['results'] = []
  const byLeader = new Map<number, { topic: string; partition: number }[]>()
  const topics = new Map<string, Awaited<ReturnType<typeof topicMetadata>>>()
  for (const tp of req.partitions) {
    let meta = topics.get(tp.topic)
    if (!meta) {
      meta = await topicMetadata(s, tp.topic)
      topics.set(tp.topic, meta)
    }
    const leader = meta.partitions.find((p) => p.partitionId === tp.partition)?.leader ?? -1
    if (leader < 0) {
      results.push({ ...tp, ok: false, error: `partition ${tp.partition} of ${tp.topic} has no leader` })
      continue
    }
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), tp])
  }
  await Promise.all(
    [...byLeader.entries()].map(async ([leader, parts]) => {
      try {
        const c = await s.raw.get(await s.brokerAddress(leader))
        const grouped = groupByTopic(parts)
        // The producer's coordinator epoch per partition, as the leader knows it.
        const epochs = new Map<string, number>()
        if (c.supports(ApiKey.DescribeProducers)) {
          const d = await c.request(ApiKey.DescribeProducers, 0, { topics: grouped.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes })) })
          for (const t of d.topics)
            for (const p of t.partitions) {
              const prod = p.activeProducers.find((a) => Number(a.producerId) === req.producerId)
              if (prod) epochs.set(`${t.name}:${p.partitionIndex}`, prod.coordinatorEpoch)
            }
        }
        // One marker per coordinator epoch: partitions that share it go in the same marker.
        const byEpoch = new Map<number, { topic: string; partition: number }[]>()
        for (const tp of parts) {
          const e = epochs.get(`${tp.topic}:${tp.partition}`) ?? -1
          byEpoch.set(e, [...(byEpoch.get(e) ?? []), tp])
        }
        const r = await c.request(ApiKey.WriteTxnMarkers, c.version(ApiKey.WriteTxnMarkers, 1), {
          markers: [...byEpoch.entries()].map(([coordinatorEpoch, tps]) => ({
            producerId: req.producerId,
            producerEpoch: req.producerEpoch,
            transactionResult: false,
            topics: groupByTopic(tps),
            coordinatorEpoch,
          })),
        })
        const seen = new Set<string>()
        for (const m of r.markers)
          for (const t of m.topics)
            for (const p of t.partitions) {
              seen.add(`${t.name}:${p.partitionIndex}`)
              results.push({
                topic: t.name,
                partition: p.partitionIndex,
                ok: p.errorCode === 0,
                ...(p.errorCode ? { error: kafkaErrorName(p.errorCode) } : {}),
              })
            }
        for (const tp of parts)
          if (!seen.has(`${tp.topic}:${tp.partition}`)) results.push({ ...tp, ok: false, error: `broker ${leader} did not answer for it` })
      } catch (e) {
        for (const tp of parts) results.push({ ...tp, ok: false, error: `broker ${leader}: ${toErrorShape(e).message}` })
      }
    }),
  )
  return { results: results.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition) }
}

function groupByTopic(parts: { topic: string; partition: number }[]): { name: string; partitionIndexes: number[] }[] {
  const m = new Map<string, number[]>()
  for (const p of parts) m.set(p.topic, [...(m.get(p.topic) ?? []), p.partition])
  return [...m.entries()].map(([name, partitionIndexes]) => ({ name, partitionIndexes }))
}
