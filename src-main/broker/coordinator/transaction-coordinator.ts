// The transaction coordinator of one broker: it owns the transactional ids whose
// __transaction_state partition (abs(javaHashCode(id)) % partitions, as Kafka computes it) this
// broker leads. Every state change is written to that partition (Kafka's TransactionLogKey/Value
// records) and replicated to its ISR before the client is answered; the state is loaded back
// from it when this broker becomes the partition's leader, after a restart or a failover, and
// transactions found half-ended (PrepareCommit/PrepareAbort) get their markers written again.
import type { Broker } from '../broker'
import { ErrorCode } from '../errors'
import { buildBatch, decodeRecords } from '../records/record'
import type { PartitionLog } from '../storage/partition-log'
import { coordinatorAppendError, InternalTopicCoordinator } from './internal-topic-coordinator'
import { forEachBatch } from './partition-batches'
import { decodeTxnKey, decodeTxnValue, txnKey, txnValue, type TxnState } from './transaction-log'
import { TxnMarkerChannel, type TxnMarker } from './transaction-markers'
import { completed, copyPartitions, decideAddPartitions, decideEnd, decideInit, decideTimeout, freshMetadata, type TxnMetadata } from './transaction-state'

export const TRANSACTION_STATE_TOPIC = '__transaction_state'
/** How long the coordinator waits for its __transaction_state writes to reach the ISR. */
const WRITE_TIMEOUT_MS = 5_000
const MARKER_RETRY_MS = 200

/** Kafka's mapping of a failed __transaction_state append to what the client is told: a partition gone is one not available yet. */
function appendError(error: string): number {
  return error === 'UNKNOWN_TOPIC_OR_PARTITION' ? ErrorCode.COORDINATOR_NOT_AVAILABLE : coordinatorAppendError(error)
}

export interface InitResult {
  error: number
  producerId: number
  producerEpoch: number
}

export interface TxnListing {
  transactionalId: string
  producerId: number
  transactionState: TxnState
  /** Milliseconds since the transaction started (-1 when none is running). */
  durationMs: number
}

export class TransactionCoordinator extends InternalTopicCoordinator {
  readonly txns = new Map<string, TxnMetadata>()
  private readonly completing = new Set<string>()
  private timer?: NodeJS.Timeout
  private expirationTimer?: NodeJS.Timeout
  private readonly channel: TxnMarkerChannel

  constructor(broker: Broker) {
    super(broker, {
      name: TRANSACTION_STATE_TOPIC,
      numPartitionsConfig: 'transaction.state.log.num.partitions',
      replicationFactorConfig: 'transaction.state.log.replication.factor',
      topicConfigs: (rf) => ({
        'cleanup.policy': 'compact',
        'compression.type': 'uncompressed',
        'segment.bytes': String(broker.config.int('transaction.state.log.segment.bytes')),
        'min.insync.replicas': String(Math.max(1, Math.min(broker.config.int('transaction.state.log.min.isr'), rf))),
        'unclean.leader.election.enable': 'false',
      }),
    })
    this.channel = new TxnMarkerChannel(broker)
  }

  override start(): void {
    super.start()
    this.timer = setInterval(() => this.abortTimedOutTransactions(), this.broker.config.int('transaction.abort.timed.out.transaction.cleanup.interval.ms'))
    this.timer.unref()
    this.expirationTimer = setInterval(
      () => this.removeExpiredTransactionalIds(),
      this.broker.config.int('transaction.remove.expired.transaction.cleanup.interval.ms'),
    )
    this.expirationTimer.unref()
  }

  override stop(): void {
    super.stop()
    clearInterval(this.timer)
    clearInterval(this.expirationTimer)
    this.txns.clear()
    this.channel.close()
  }

  protected log(line: string): void {
    this.broker.log(`[transaction coordinator] ${line}`)
  }

  // ---- loading and leadership ----

  /** This broker no longer leads the partition: its transactional ids move to the new coordinator. */
  protected unloadPartition(p: number): void {
    for (const id of [...this.txns.keys()]) if (this.partitionFor(id) === p) this.txns.delete(id)
  }

  protected loadPartition(partition: number): boolean {
    let log: PartitionLog | undefined
    try {
      log = this.broker.partitionLog(TRANSACTION_STATE_TOPIC, partition)
    } catch (e) {
      this.log(`${TRANSACTION_STATE_TOPIC}-${partition} could not be opened: ${(e as Error).message}`)
      return false
    }
    if (!log) return false
    const found = new Map<string, TxnMetadata | null>()
    readLog(
      log,
      (key, value) => {
        const id = decodeTxnKey(key)
        if (id === undefined) return
        if (value === null) {
          found.set(id, null)
          return
        }
        const v = decodeTxnValue(value)
        const prev = found.get(id)
        found.set(id, {
          transactionalId: id,
          producerId: v.producerId,
          // the epoch before this record's, so a retried InitProducerId is recognised after a failover
          lastProducerId: prev && prev.producerId !== v.producerId ? prev.producerId : (prev?.lastProducerId ?? -1),
          producerEpoch: v.producerEpoch,
          lastProducerEpoch:
            prev && prev.producerId === v.producerId && prev.producerEpoch !== v.producerEpoch ? prev.producerEpoch : (prev?.lastProducerEpoch ?? -1),
          txnTimeoutMs: v.transactionTimeoutMs,
          state: v.state,
          partitions: v.partitions,
          txnStartTimestamp: v.startTimestampMs,
          txnLastUpdateTimestamp: v.lastUpdateTimestampMs,
          pendingState: null,
        })
      },
      (e) => this.log(`skipping an unreadable record of ${TRANSACTION_STATE_TOPIC}-${partition}: ${e.message}`),
    )
    let n = 0
    for (const [id, m] of found) {
      if (!m || m.state === 'Dead') continue
      this.txns.set(id, m)
      n++
    }
    if (n > 0) this.log(`loaded ${n} transactional id(s) from ${TRANSACTION_STATE_TOPIC}-${partition}`)
    // transactions that were ending when the last coordinator stopped: finish writing their markers
    for (const m of found.values()) if (m && (m.state === 'PrepareCommit' || m.state === 'PrepareAbort')) void this.completeTransaction(m.transactionalId)
    return true
  }

  // ---- writes ----

  /** Writes `next` for `current`'s id and waits for the ISR; on success `next` becomes the state. */
  private async persist(current: TxnMetadata, next: TxnMetadata): Promise<number> {
    const id = current.transactionalId
    current.pendingState = next.state
    try {
      const value = txnValue({
        producerId: next.producerId,
        producerEpoch: next.producerEpoch,
        transactionTimeoutMs: next.txnTimeoutMs,
        state: next.state,
        partitions: next.partitions,
        lastUpdateTimestampMs: next.txnLastUpdateTimestamp,
        startTimestampMs: next.txnStartTimestamp,
      })
      const replicated = await this.writeRecord(id, value)
      if (replicated !== ErrorCode.NONE) return replicated
      if (this.txns.get(id) !== current) return ErrorCode.NOT_COORDINATOR
      this.txns.set(id, { ...next, pendingState: null })
      return ErrorCode.NONE
    } finally {
      current.pendingState = null
    }
  }

  /** Writes one record of `id` (null: its tombstone) to its __transaction_state partition and waits until the ISR has it. */
  private async writeRecord(id: string, value: Buffer | null): Promise<number> {
    const t = this.topic()
    const p = this.partitionFor(id)
    const part = t?.partitions[p]
    if (!t || !part || part.leader !== this.broker.nodeId) return ErrorCode.NOT_COORDINATOR
    const minIsr = this.minInsyncReplicas(t)
    if (part.isr.length < minIsr) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const log = this.broker.partitionLog(TRANSACTION_STATE_TOPIC, p)
    if (!log) return ErrorCode.NOT_COORDINATOR
    const res = log.append(buildBatch({ records: [{ key: txnKey(id), value }] }), { origin: 'coordinator', leaderEpoch: part.leaderEpoch })
    if (res.error !== undefined) {
      this.log(`writing ${value === null ? 'the tombstone' : 'the state'} of ${id} failed: ${res.error} ${res.message}`)
      return appendError(res.error)
    }
    this.broker.notifyAppend(TRANSACTION_STATE_TOPIC, p)
    return appendError(await this.broker.replicas.waitForIsr(TRANSACTION_STATE_TOPIC, p, res.lastOffset + 1, minIsr, WRITE_TIMEOUT_MS))
  }

  private allocateProducerId = (): number => this.broker.metadata.allocateProducerId(this.broker.nodeId)

  // ---- the APIs ----

  async initProducerId(transactionalId: string, txnTimeoutMs: number, expected: { producerId: number; producerEpoch: number } | null): Promise<InitResult> {
    const fail = (error: number): InitResult => ({ error, producerId: -1, producerEpoch: -1 })
    if (txnTimeoutMs <= 0 || txnTimeoutMs > this.broker.config.int('transaction.max.timeout.ms')) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    const err = this.check(transactionalId)
    if (err !== ErrorCode.NONE) return fail(err)
    const now = Date.now()
    let m = this.txns.get(transactionalId)
    if (!m) {
      m = freshMetadata(transactionalId, this.allocateProducerId(), txnTimeoutMs, now)
      this.txns.set(transactionalId, m)
    }
    const d = decideInit(m, txnTimeoutMs, expected, now, this.allocateProducerId)
    if (d.error !== undefined) return fail(d.error)
    if (d.answer === 'current') return { error: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch }
    const written = await this.persist(m, d.next)
    if (written !== ErrorCode.NONE) return fail(written)
    if (d.answer === 'abortFirst') {
      this.log(`fenced epoch ${m.producerEpoch} of ${transactionalId} and aborting its ongoing transaction`)
      void this.completeTransaction(transactionalId)
      return fail(ErrorCode.CONCURRENT_TRANSACTIONS)
    }
    return { error: ErrorCode.NONE, producerId: d.next.producerId, producerEpoch: d.next.producerEpoch }
  }

  async addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: { topic: string; partition: number }[]): Promise<number> {
    const err = this.check(transactionalId)
    if (err !== ErrorCode.NONE) return err
    const m = this.txns.get(transactionalId)
    if (!m) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    const d = decideAddPartitions(m, producerId, producerEpoch, partitions, Date.now())
    if (d.error !== undefined) return d.error
    if (d.next === null) return ErrorCode.NONE
    return this.persist(m, d.next)
  }

  /** AddPartitionsToTxn v4+ verifyOnly (a partition leader asking): is each partition in the ongoing transaction? */
  verifyPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: { topic: string; partition: number }[]): number[] {
    const err = this.check(transactionalId)
    if (err !== ErrorCode.NONE) return partitions.map(() => err)
    const m = this.txns.get(transactionalId)
    if (!m || m.producerId !== producerId) return partitions.map(() => ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    if (m.producerEpoch !== producerEpoch) return partitions.map(() => ErrorCode.PRODUCER_FENCED)
    return partitions.map((p) => (m.state === 'Ongoing' && m.partitions.get(p.topic)?.has(p.partition) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE))
  }

  async endTransaction(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    const err = this.check(transactionalId)
    if (err !== ErrorCode.NONE) return err
    const m = this.txns.get(transactionalId)
    if (!m) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    const d = decideEnd(m, producerId, producerEpoch, commit, Date.now())
    if (d.error !== undefined) return d.error
    if ('alreadyDone' in d) return ErrorCode.NONE
    const written = await this.persist(m, d.next)
    // The answer goes out once PrepareCommit/PrepareAbort is durable; the markers follow.
    if (written === ErrorCode.NONE) void this.completeTransaction(transactionalId)
    return written
  }

  /**
   * Writes the markers of a transaction in PrepareCommit/PrepareAbort to every partition in it
   * (retrying leaders that fail or move), then CompleteCommit/CompleteAbort.
   */
  private async completeTransaction(transactionalId: string): Promise<void> {
    if (this.completing.has(transactionalId)) return
    this.completing.add(transactionalId)
    try {
      const m = this.txns.get(transactionalId)
      if (!m || (m.state !== 'PrepareCommit' && m.state !== 'PrepareAbort')) return
      const commit = m.state === 'PrepareCommit'
      const pending = copyPartitions(m.partitions)
      const p = this.partitionFor(transactionalId)
      while (this.running && this.txns.get(transactionalId) === m) {
        const coordinatorEpoch = this.topic()?.partitions[p]?.leaderEpoch ?? 0
        const byLeader = new Map<number, Map<string, number[]>>()
        for (const [topic, parts] of pending) {
          const t = this.broker.metadata.topics.get(topic)
          if (!t) {
            pending.delete(topic) // a deleted topic needs no marker
            continue
          }
          for (const part of parts) {
            const leader = t.partitions[part]?.leader ?? -1
            if (leader < 0) continue
            let topics = byLeader.get(leader)
            if (!topics) byLeader.set(leader, (topics = new Map()))
            topics.set(topic, [...(topics.get(topic) ?? []), part])
          }
        }
        await Promise.all(
          [...byLeader].map(async ([leader, topics]) => {
            const marker: TxnMarker = {
              producerId: m.producerId,
              producerEpoch: m.producerEpoch,
              transactionResult: commit,
              coordinatorEpoch,
              topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
            }
            try {
              const results = await this.channel.send(leader, [marker], WRITE_TIMEOUT_MS)
              for (const r of results) {
                for (const t of r.topics) {
                  for (const pr of t.partitions) {
                    const done =
                      pr.errorCode === ErrorCode.NONE ||
                      pr.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
                      pr.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH
                    if (pr.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH)
                      this.log(`${t.name}-${pr.partitionIndex} has a newer epoch than ${transactionalId}'s marker; skipped`)
                    if (done) pending.get(t.name)?.delete(pr.partitionIndex)
                  }
                  if (pending.get(t.name)?.size === 0) pending.delete(t.name)
                }
              }
            } catch (e) {
              this.log(`markers of ${transactionalId} to broker ${leader} failed, retrying: ${(e as Error).message}`)
            }
          }),
        )
        if (pending.size === 0) break
        await new Promise((r) => setTimeout(r, MARKER_RETRY_MS))
      }
      while (this.running && this.txns.get(transactionalId) === m) {
        const err = await this.persist(m, completed(m, Date.now()))
        if (err === ErrorCode.NONE || err === ErrorCode.NOT_COORDINATOR) break
        await new Promise((r) => setTimeout(r, MARKER_RETRY_MS))
      }
    } finally {
      this.completing.delete(transactionalId)
    }
  }

  /** transaction.timeout.ms: an ongoing transaction older than its timeout is fenced and aborted. */
  abortTimedOutTransactions(now = Date.now()): void {
    if (!this.running) return
    for (const m of [...this.txns.values()]) {
      const next = decideTimeout(m, now, this.allocateProducerId)
      if (!next) continue
      this.log(`aborting ${m.transactionalId}: its transaction is older than ${m.txnTimeoutMs} ms`)
      void this.persist(m, next).then((err) => {
        if (err === ErrorCode.NONE) void this.completeTransaction(m.transactionalId)
      })
    }
  }

  /**
   * transactional.id.expiration.ms: an id with no transaction running that was not used for that
   * long is forgotten, as Kafka does: a tombstone in __transaction_state, then gone from memory.
   */
  removeExpiredTransactionalIds(now = Date.now()): void {
    if (!this.running) return
    const expirationMs = this.broker.config.int('transactional.id.expiration.ms')
    for (const m of [...this.txns.values()]) {
      const idle = m.state === 'Empty' || m.state === 'CompleteCommit' || m.state === 'CompleteAbort'
      if (!idle || m.pendingState !== null || now - m.txnLastUpdateTimestamp < expirationMs) continue
      void this.writeTombstone(m).then((err) => {
        if (err === ErrorCode.NONE) this.log(`removed transactional id ${m.transactionalId}: idle for more than ${expirationMs} ms`)
      })
    }
  }

  private async writeTombstone(m: TxnMetadata): Promise<number> {
    const id = m.transactionalId
    m.pendingState = 'Dead'
    try {
      const replicated = await this.writeRecord(id, null)
      if (replicated === ErrorCode.NONE && this.txns.get(id) === m) this.txns.delete(id)
      return replicated
    } finally {
      m.pendingState = null
    }
  }

  // ---- describe and list ----

  describe(transactionalId: string): { errorCode: number; m?: TxnMetadata } {
    const err = this.check(transactionalId)
    if (err !== ErrorCode.NONE) return { errorCode: err }
    const m = this.txns.get(transactionalId)
    return m ? { errorCode: ErrorCode.NONE, m } : { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND }
  }

  /** The transactions this broker coordinates (ListTransactions), loading any partition not yet loaded. */
  list(now = Date.now()): TxnListing[] {
    return [...this.txns.values()].map((m) => ({
      transactionalId: m.transactionalId,
      producerId: m.producerId,
      transactionState: m.state,
      durationMs: m.state === 'Ongoing' && m.txnStartTimestamp >= 0 ? now - m.txnStartTimestamp : -1,
    }))
  }
}

/** Reads a __transaction_state partition in order, calling `fn` with each record's key and value. */
function readLog(log: PartitionLog, fn: (key: Buffer, value: Buffer | null) => void, onError: (e: Error) => void): void {
  forEachBatch(
    log,
    (b, h) => {
      if (h.control) return
      for (const r of decodeRecords(b, h)) if (r.key !== null) fn(r.key, r.value)
    },
    onError,
  )
}
