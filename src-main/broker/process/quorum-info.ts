// What DescribeQuorum reports of the metadata quorum: the controller in the supervisor is its one
// voter and leader (KRaft with a quorum of one); brokers are observers that replay its log. The
// controller's endpoint (controller-server.ts) knows each broker's metadata offset, sent with
// every heartbeat as KRaft brokers do, and when it last heard from it; a broker process asks it
// (controller-client.ts) and answers DescribeQuorum with what it is told, as Kafka's brokers
// forward DescribeQuorum to the active controller.
import type { MetadataImage } from '../controller/metadata-image'

export interface QuorumReplica {
  replicaId: number
  /** The next offset to replay, -1 when unknown. */
  logEndOffset: number
  lastFetchTimestamp: number
  lastCaughtUpTimestamp: number
}

export interface QuorumInfo {
  leaderId: number
  leaderEpoch: number
  highWatermark: number
  voters: QuorumReplica[]
  observers: QuorumReplica[]
}

/** Kafka forgets an observer that has not fetched for this long (KRaft's observer session timeout). */
export const OBSERVER_SESSION_TIMEOUT_MS = 300_000

/** A broker's progress on the metadata log as its heartbeats report it. */
export interface ObserverProgress {
  offset: number
  lastFetch: number
  lastCaughtUp: number
}

/**
 * The controller's leader epoch: one controller runs per supervisor, elected once at its start,
 * so the epoch stays 1 for the life of the cluster process.
 */
export const CONTROLLER_EPOCH = 1

export function quorumInfo(controllerId: number, image: MetadataImage, observers: ReadonlyMap<number, ObserverProgress>, now = Date.now()): QuorumInfo {
  const end = image.offset + 1
  const out: QuorumReplica[] = []
  for (const [id, o] of [...observers].sort((a, b) => a[0] - b[0])) {
    if (now - o.lastFetch > OBSERVER_SESSION_TIMEOUT_MS) continue
    out.push({ replicaId: id, logEndOffset: o.offset + 1, lastFetchTimestamp: o.lastFetch, lastCaughtUpTimestamp: o.lastCaughtUp })
  }
  return {
    leaderId: controllerId,
    leaderEpoch: CONTROLLER_EPOCH,
    highWatermark: end,
    voters: [{ replicaId: controllerId, logEndOffset: end, lastFetchTimestamp: now, lastCaughtUpTimestamp: now }],
    observers: out,
  }
}

/** Where a broker's metadata view learns the quorum's state: set by the broker process for its view. */
const sources = new WeakMap<object, () => Promise<QuorumInfo>>()

export function setQuorumSource(view: object, source: () => Promise<QuorumInfo>): void {
  sources.set(view, source)
}

export function quorumSource(view: object): (() => Promise<QuorumInfo>) | undefined {
  return sources.get(view)
}
