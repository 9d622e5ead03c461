import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import type { BrokerServices } from './broker-services'
import { fetchByteCap, recordFetch } from '../quotas/broker-quotas'
import { nextSessionEpoch, sessionKey, type FetchSession, type SessionPartition } from './fetch-sessions'

const READ_COMMITTED = 1
/** Kafka's CONSUMER_REPLICA_ID: an ordinary consumer. */
const CONSUMER_REPLICA_ID = -1
/** The first Fetch version carrying client metadata (rack id, KIP-392). */
const FOLLOWER_READ_VERSION = 11

interface Wanted {
  /** The fetch session's record of this partition, when the request belongs to one. */
  inSession?: SessionPartition
  topic: string | null
  topicId: Buffer
  partition: number
  fetchOffset: number
  partitionMaxBytes: number
  currentLeaderEpoch: number
  lastFetchedEpoch: number
}

interface Fetcher {
  /** The broker id of a follower fetching (≥ 0), or a client's replica id (< 0). */
  replicaId: number
  readCommitted: boolean
  /**
   * Kafka's fetchOnlyLeader is false for consumers sending client metadata (v11+, KIP-392):
   * any replica serves them, a follower up to its own high watermark.
   */
  anyReplica: boolean
}

function isFollower(f: Fetcher): boolean {
  return f.replicaId >= 0
}

/**
 * Kafka's checkCurrentLeaderEpoch: a client (or follower) that names the leader epoch it knows
 * is told when that is older (FENCED_LEADER_EPOCH: refresh metadata) or newer than this broker's
 * (UNKNOWN_LEADER_EPOCH: this broker has not caught up with the metadata yet, retry).
 */
export function checkLeaderEpoch(requested: number, local: number): number {
  if (requested < 0) return ErrorCode.NONE
  if (requested < local) return ErrorCode.FENCED_LEADER_EPOCH
  if (requested > local) return ErrorCode.UNKNOWN_LEADER_EPOCH
  return ErrorCode.NONE
}

function emptyPartition(w: Wanted, readCommitted: boolean) {
  return {
    partitionIndex: w.partition,
    errorCode: ErrorCode.NONE as number,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    // Left out (a tagged field) unless the fetcher's log diverged from this one.
    divergingEpoch: undefined as { epoch: number; endOffset: number } | undefined,
    abortedTransactions: (readCommitted ? [] : null) as { producerId: number; firstOffset: number }[] | null,
    preferredReadReplica: -1,
    records: [] as Buffer[],
    bytes: 0,
  }
}

type PartitionAnswer = ReturnType<typeof emptyPartition>

/**
 * The checks Kafka makes before reading a partition, once per request: topic and partition,
 * leader epoch, leadership (followers read only from the leader, consumers before v11 too),
 * fetch offset in range and, for a follower naming its last fetched epoch, whether its log
 * diverged from this one (KIP-595: the answer carries DivergingEpoch and no records, and the
 * follower truncates to it). A follower's fetch offset moves its position on the leader (replica
 * manager), which may advance the high watermark or let it rejoin the ISR.
 */
function prepare(broker: BrokerServices, w: Wanted, f: Fetcher): PartitionAnswer {
  const base = emptyPartition(w, f.readCommitted)
  const t = w.topic !== null ? broker.topic(w.topic) : undefined
  const p = t?.partitions[w.partition]
  if (!t || !p || w.partition < 0) {
    base.errorCode = w.topic === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    return base
  }
  const epochError = checkLeaderEpoch(w.currentLeaderEpoch, p.leaderEpoch)
  if (epochError !== ErrorCode.NONE) {
    base.errorCode = epochError
    return base
  }
  const log =
    broker.isLeader(t.name, w.partition) || (f.anyReplica && p.replicas.includes(broker.nodeId)) ? broker.partitionLog(t.name, w.partition) : undefined
  if (!log) {
    base.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER
    return base
  }
  base.highWatermark = log.highWatermark
  base.lastStableOffset = log.lastStableOffset
  base.logStartOffset = log.logStartOffset
  if (isFollower(f) && w.lastFetchedEpoch >= 0) {
    const end = broker.replicas.endOffsetForEpoch(t.name, w.partition, w.lastFetchedEpoch)
    if (!end || end.epoch < 0 || end.endOffset < 0) {
      // Kafka: the end offset of the last fetched epoch cannot be determined.
      base.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE
      return base
    }
    if (end.epoch < w.lastFetchedEpoch || end.endOffset < w.fetchOffset) {
      base.divergingEpoch = { epoch: end.epoch, endOffset: end.endOffset }
      return base
    }
  }
  if (w.fetchOffset < log.logStartOffset || w.fetchOffset > log.logEndOffset) {
    base.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE
    return base
  }
  if (isFollower(f)) {
    if (!broker.replicas.followerFetched(t.name, w.partition, f.replicaId, w.fetchOffset)) {
      // Not a replica of this partition, or leadership is moving away from this broker.
      base.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER
      return base
    }
    // The follower's fetch may just have moved the high watermark: it learns the new one now.
    base.highWatermark = log.highWatermark
    base.lastStableOffset = log.lastStableOffset
  }
  return base
}

/** Reads what the fetcher may see: followers up to the log end offset, consumers up to the high watermark (or the LSO). */
function readPartition(broker: BrokerServices, w: Wanted, answer: PartitionAnswer, f: Fetcher, budget: number, first: boolean): PartitionAnswer {
  if (answer.errorCode !== ErrorCode.NONE || answer.divergingEpoch) return answer
  // A long-polling fetch may outlive this broker's leadership: it then ends as Kafka's does.
  const stillServes = f.anyReplica || broker.isLeader(w.topic!, w.partition)
  const log = stillServes ? broker.partitionLog(w.topic!, w.partition) : undefined
  if (!log) return { ...answer, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }
  const out: PartitionAnswer = {
    ...answer,
    records: [],
    bytes: 0,
    highWatermark: log.highWatermark,
    lastStableOffset: log.lastStableOffset,
    logStartOffset: log.logStartOffset,
  }
  if (w.fetchOffset < log.logStartOffset || w.fetchOffset > log.logEndOffset) return { ...out, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE }
  const limit = isFollower(f) ? log.logEndOffset : f.readCommitted ? log.lastStableOffset : log.highWatermark
  if (w.fetchOffset >= limit) return out
  const maxBytes = Math.min(w.partitionMaxBytes, budget)
  const read = log.read(w.fetchOffset, maxBytes, { minOneBatch: first, maxOffset: limit })
  out.records = read.records
  out.bytes = read.size
  // read_committed: the aborted transactions whose data this answer may hold, so the consumer drops it.
  if (f.readCommitted && !isFollower(f) && read.size > 0) {
    out.abortedTransactions = log.collectAbortedTransactions(w.fetchOffset, limit).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }))
  }
  return out
}

/** The first Fetch version with fetch sessions (KIP-227) is 7; sessions here need topic ids (v13). */
const SESSION_VERSION = 13

/** The session fields of a Fetch request (v7+). */
interface SessionRequest {
  sessionId?: number
  sessionEpoch?: number
  forgottenTopicsData?: { topicId: Buffer; partitions: number[] }[]
}

interface OpenedSession {
  session?: FetchSession
  /** The request named only what changed: the answer covers the whole session. */
  incremental: boolean
}

/**
 * KIP-227's request kinds: session id 0 with epoch -1 is a full fetch without a session; epoch 0
 * asks for a new session (closing the named one, if any); a session id with epoch -1 closes it;
 * a session id with its next epoch is an incremental fetch, whose partitions update the session
 * and whose forgotten topics leave it. Sessions are granted to followers only; consumers keep
 * full fetches (session id 0 in the answer tells them so).
 */
function openSession(broker: BrokerServices, req: SessionRequest, version: number, replicaId: number, requested: Wanted[]): OpenedSession | number {
  const sessions = broker.fetchSessions
  const id = version >= 7 ? (req.sessionId ?? 0) : 0
  const epoch = version >= 7 ? (req.sessionEpoch ?? -1) : -1
  if (id !== 0 && epoch > 0) {
    const found = sessions.lookup(id, epoch, replicaId)
    if (typeof found === 'number') return found
    found.epoch = nextSessionEpoch(epoch)
    for (const w of requested) {
      const key = sessionKey(w.topicId, w.partition)
      const known = found.partitions.get(key)
      if (!known) found.partitions.set(key, newSessionPartition(w))
      else {
        known.fetchOffset = w.fetchOffset
        known.partitionMaxBytes = w.partitionMaxBytes
        known.currentLeaderEpoch = w.currentLeaderEpoch
        known.lastFetchedEpoch = w.lastFetchedEpoch
      }
    }
    for (const t of req.forgottenTopicsData ?? []) for (const p of t.partitions) found.partitions.delete(sessionKey(t.topicId, p))
    return { session: found, incremental: true }
  }
  if (id !== 0) sessions.remove(id, replicaId)
  if (epoch !== 0 || replicaId < 0 || version < SESSION_VERSION) return { incremental: false }
  const session = sessions.create(replicaId)
  for (const w of requested) {
    w.inSession = newSessionPartition(w)
    session.partitions.set(sessionKey(w.topicId, w.partition), w.inSession)
  }
  return { session, incremental: false }
}

function newSessionPartition(w: Wanted): SessionPartition {
  const { topicId, partition, fetchOffset, partitionMaxBytes, currentLeaderEpoch, lastFetchedEpoch } = w
  // -2: no answer yet, so the first one carries the partition.
  const none = -2
  const topicKey = topicId.toString('base64')
  return {
    topicId,
    topicKey,
    partition,
    fetchOffset,
    partitionMaxBytes,
    currentLeaderEpoch,
    lastFetchedEpoch,
    highWatermark: none,
    lastStableOffset: none,
    logStartOffset: none,
  }
}

/** Every partition of the session, as if the request had named them all. */
function sessionWanted(broker: BrokerServices, session: FetchSession): Wanted[] {
  return [...session.partitions.values()].map((p) => ({
    inSession: p,
    topic: broker.metadata.topicById(p.topicKey)?.name ?? null,
    topicId: p.topicId,
    partition: p.partition,
    fetchOffset: p.fetchOffset,
    partitionMaxBytes: p.partitionMaxBytes,
    currentLeaderEpoch: p.currentLeaderEpoch,
    lastFetchedEpoch: p.lastFetchedEpoch,
  }))
}

/**
 * Whether an incremental answer must carry this partition (Kafka's mustRespond): records, an
 * error, a diverging epoch, or a high watermark, last stable offset or log start offset other than
 * the session last told. Records what it tells; outside a session every partition is answered.
 */
function answered(w: Wanted, r: PartitionAnswer): boolean {
  const p = w.inSession
  if (!p) return true
  const changed =
    r.bytes > 0 ||
    r.errorCode !== ErrorCode.NONE ||
    r.divergingEpoch !== undefined ||
    r.highWatermark !== p.highWatermark ||
    r.lastStableOffset !== p.lastStableOffset ||
    r.logStartOffset !== p.logStartOffset
  p.highWatermark = r.highWatermark
  p.lastStableOffset = r.lastStableOffset
  p.logStartOffset = r.logStartOffset
  return changed
}

export default defineApi(ApiKey.Fetch, {
  minVersion: 4,
  // Up to the declared v18: v18 (Kafka 4.1) only adds the fetcher's high watermark, a tagged field
  // for KRaft observers; tools that send the newest version without negotiating
  // (kafka-replica-verification) need it.
  async handle(req, ctx) {
    const { broker } = ctx
    const replicaId: number = ctx.apiVersion >= 15 ? (req.replicaState?.replicaId ?? CONSUMER_REPLICA_ID) : req.replicaId
    const fetcher: Fetcher = {
      replicaId,
      readCommitted: req.isolationLevel === READ_COMMITTED,
      anyReplica: replicaId < 0 && ctx.apiVersion >= FOLLOWER_READ_VERSION,
    }
    const requested: Wanted[] = []
    for (const t of req.topics) {
      const name: string | null = ctx.apiVersion >= 13 ? (broker.metadata.topicById(t.topicId.toString('base64'))?.name ?? null) : t.topic
      for (const p of t.partitions) {
        requested.push({
          topic: name,
          topicId: t.topicId,
          partition: p.partition,
          fetchOffset: p.fetchOffset,
          partitionMaxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: ctx.apiVersion >= 9 ? p.currentLeaderEpoch : -1,
          lastFetchedEpoch: ctx.apiVersion >= 12 ? p.lastFetchedEpoch : -1,
        })
      }
    }
    const opened = openSession(broker, req, ctx.apiVersion, replicaId, requested)
    if (typeof opened === 'number') return { throttleTimeMs: 0, errorCode: opened, sessionId: 0, responses: [] }
    const { session, incremental } = opened
    const wanted = session && incremental ? sessionWanted(broker, session) : requested
    const prepared = wanted.map((w) => prepare(broker, w, fetcher))
    const consumer = replicaId < 0
    // A consumer never gets more in one answer than its consumer_byte_rate allows per quota window.
    const maxBytes: number = Math.min(ctx.apiVersion >= 3 ? req.maxBytes : 0x7fffffff, consumer ? fetchByteCap(ctx) : Number.POSITIVE_INFINITY)
    const deadline = Date.now() + Math.max(0, req.maxWaitMs)
    for (;;) {
      let budget = maxBytes
      let total = 0
      let answerNow = false
      const results = wanted.map((w, i) => {
        const r = readPartition(broker, w, prepared[i]!, fetcher, budget, total === 0)
        budget = Math.max(0, budget - r.bytes)
        total += r.bytes
        // Errors and diverging epochs are answered at once, as Kafka does.
        if (r.errorCode !== ErrorCode.NONE || r.divergingEpoch) answerNow = true
        return r
      })
      const left = deadline - Date.now()
      if (total >= req.minBytes || answerNow || left <= 0 || wanted.length === 0) {
        // The topic's name is absent from v13 answers (they name it by id).
        const byTopic = new Map<string, { topic: string | undefined; topicId: Buffer; partitions: ReturnType<typeof readPartition>[] }>()
        results.forEach((r, i) => {
          const w = wanted[i]!
          // An incremental answer leaves out what the follower already knows (KIP-227).
          const changed = answered(w, r)
          if (incremental && !changed) return
          const key = w.topic ?? w.topicId.toString('hex')
          let e = byTopic.get(key)
          if (!e) byTopic.set(key, (e = { topic: w.topic ?? undefined, topicId: w.topicId, partitions: [] }))
          e.partitions.push(r)
        })
        // Over consumer_byte_rate: an empty answer carrying the throttle time (Kafka's throttled response).
        const throttleTimeMs = consumer ? recordFetch(ctx, total) : 0
        if (throttleTimeMs > 0) return { throttleTimeMs, errorCode: ErrorCode.NONE, sessionId: 0, responses: [] }
        // A follower learns its session's id; 0 tells anyone else that every fetch is a full one.
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: session?.id ?? 0, responses: [...byTopic.values()] }
      }
      await broker.waitForAppend(left, wanted, !consumer)
      if (broker.stopped) return undefined
    }
  },
})
