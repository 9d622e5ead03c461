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

/** A voter's listener that clients reach (DescribeQuorum v2's nodes, DescribeCluster's controllers). */
export interface ControllerEndpoint {
  nodeId: number
  /** The listener's name, CONTROLLER as in controller.listener.names. */
  listenerName: string
  host: string
  port: number
}

export interface QuorumInfo {
  leaderId: number
  leaderEpoch: number
  highWatermark: number
  voters: QuorumReplica[]
  observers: QuorumReplica[]
  /** The voters' listeners, where they serve one. */
  endpoints: ControllerEndpoint[]
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
 * The quorum as the controller knows it. Its leader epoch is the controller's epoch from the
 * metadata log (LeaderChange records): one controller runs per supervisor and takes the next
 * epoch each time it starts, so the epoch counts the controller's restarts.
 */
export function quorumInfo(
  controllerId: number,
  image: MetadataImage,
  observers: ReadonlyMap<number, ObserverProgress>,
  endpoints: ControllerEndpoint[] = [],
  now = Date.now(),
): QuorumInfo {
  const end = image.offset + 1
  const out: QuorumReplica[] = []
  for (const [id, o] of [...observers].sort((a, b) => a[0] - b[0])) {
    if (now - o.lastFetch > OBSERVER_SESSION_TIMEOUT_MS) continue
    out.push({ replicaId: id, logEndOffset: o.offset + 1, lastFetchTimestamp: o.lastFetch, lastCaughtUpTimestamp: o.lastCaughtUp })
  }
  return {
    leaderId: controllerId,
    leaderEpoch: image.controllerEpoch,
    highWatermark: end,
    voters: [{ replicaId: controllerId, logEndOffset: end, lastFetchTimestamp: now, lastCaughtUpTimestamp: now }],
    observers: out,
    endpoints,
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

/** A metadata view served on the controller's own listener, and that listener (set by controller-listener.ts). */
const controllerViews = new WeakMap<object, ControllerEndpoint>()

export function setControllerListener(view: object, endpoint: ControllerEndpoint): void {
  controllerViews.set(view, endpoint)
}

/** The controller listener a request was received on, when the view is the controller's; undefined on a broker. */
export function controllerListenerOf(view: object): ControllerEndpoint | undefined {
  return controllerViews.get(view)
}
