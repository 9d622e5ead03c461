// One replica fetcher per leader broker: a loop that sends Kafka's follower Fetch (replica id /
// ReplicaState = this broker) for every partition this broker follows on that leader, and hands
// each partition's answer to the replica manager. It talks to the leader only over TCP, so the
// leader may live in this process, another process or another host.
import { BrokerClient } from './broker-client'
import type { PeerSecurity } from '../security/inter-broker-security'
import { nextSessionEpoch } from '../apis/fetch-sessions'
import { ErrorCode } from '../errors'

const FETCH = 1
/** The Fetch version Kafka 4.x followers send (metadata.version 4.0: v17). */
const FOLLOWER_FETCH_VERSION = 17

export interface FetchedPartition {
  partitionIndex: number
  errorCode: number
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  divergingEpoch?: { epoch: number; endOffset: number }
  records: Buffer | null
}

interface FetchResponseBody {
  errorCode?: number
  sessionId?: number
  responses: { topic?: string; topicId?: Buffer; partitions: FetchedPartition[] }[]
}

/** What a fetch request says of a partition, as the leader's fetch session last heard it. */
interface SentPartition {
  topicId: Buffer
  partition: number
  leaderEpoch: number
  fetchOffset: number
  lastFetchedEpoch: number
  logStartOffset: number
}

const sameRequest = (a: SentPartition, b: SentPartition): boolean =>
  a.fetchOffset === b.fetchOffset && a.leaderEpoch === b.leaderEpoch && a.lastFetchedEpoch === b.lastFetchedEpoch && a.logStartOffset === b.logStartOffset

/** A partition as the fetcher asks for it; `fetchOffset` etc. are read fresh for every request. */
export interface FollowedPartition {
  key: string
  topic: string
  topicId: string
  partition: number
  leaderEpoch: number
  /** No fetching before this time (after an error), ms since the epoch. */
  delayedUntil: number
}

export interface FetcherEnv {
  nodeId: number
  brokerEpoch(): number
  endpoint(nodeId: number): { host: string; port: number; security?: PeerSecurity } | undefined
  config: { waitMaxMs: number; minBytes: number; maxBytes: number; responseMaxBytes: number; backoffMs: number; socketTimeoutMs: number }
  /** The follower's position: fetch offset, last fetched epoch, log start offset. */
  position(p: FollowedPartition): { fetchOffset: number; lastFetchedEpoch: number; logStartOffset: number } | undefined
  /** Applies one partition's answer; called only if the partition is still followed under the same epoch. */
  apply(p: FollowedPartition, data: FetchedPartition, fetchOffset: number): void
  log(line: string): void
}

export class ReplicaFetcher {
  private readonly partitions = new Map<string, FollowedPartition>()
  private running = false
  private client: BrokerClient | null = null
  private wake: (() => void) | null = null
  private failures = 0
  /** A fetch is out: the leader may hold it for up to replica.fetch.wait.max.ms. */
  private fetching = false
  /** The connection was dropped on purpose (see reask), not lost. */
  private reasking = false
  /**
   * This fetcher's incremental fetch session on the leader (KIP-227): epoch 0 asks for a new one
   * (closing the old id, if any) with a full request; after that a request names only the
   * partitions whose position changed, and those it no longer follows as forgotten.
   */
  private session = { id: 0, epoch: 0 }
  /** The partitions the session holds, as last sent, by `topicId:partition`. */
  private readonly inSession = new Map<string, SentPartition>()

  constructor(
    private readonly env: FetcherEnv,
    readonly leaderId: number,
  ) {}

  get size(): number {
    return this.partitions.size
  }

  has(key: string): boolean {
    return this.partitions.has(key)
  }

  add(p: FollowedPartition): void {
    this.partitions.set(p.key, p)
    if (!this.running) void this.run()
    else if (this.fetching) this.reask()
    else this.wake?.()
  }

  /**
   * A partition added while a fetch waits on the leader would only be asked for once that fetch
   * ends, up to replica.fetch.wait.max.ms later: after a failover, acks=all produce to the new
   * leader stalled that long for the follower to start. The waiting fetch is dropped with its
   * connection and asked again at once, the new partition in it. Partitions are added only when
   * this broker starts following one (a leader or epoch change), so this is rare.
   */
  private reask(): void {
    if (this.reasking) return
    this.reasking = true
    this.client?.close()
    this.client = null
  }

  remove(key: string): void {
    this.partitions.delete(key)
  }

  stop(): void {
    this.partitions.clear()
    this.running = false
    this.wake?.()
    this.client?.close()
    this.client = null
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms)
      function done() {
        clearTimeout(t)
        resolve()
      }
      this.wake = done
    })
  }

  private async run(): Promise<void> {
    this.running = true
    const { config } = this.env
    while (this.running && this.partitions.size > 0) {
      try {
        const client = await this.connect()
        if (!client) {
          await this.sleep(config.backoffMs)
          continue
        }
        const now = Date.now()
        const batch = [...this.partitions.values()].filter((p) => p.delayedUntil <= now)
        if (batch.length === 0) {
          const next = Math.min(...[...this.partitions.values()].map((p) => p.delayedUntil))
          await this.sleep(Math.max(10, next - now))
          continue
        }
        this.fetching = true
        try {
          await this.fetchOnce(client, batch)
        } finally {
          this.fetching = false
        }
        this.failures = 0
        this.reasking = false
      } catch (e) {
        if (!this.running) break
        // The request may or may not have reached the leader: its session epoch is unknown.
        this.restartSession()
        if (this.reasking) {
          this.reasking = false
          continue
        }
        this.failures++
        // Logged once per outage, not once per retry.
        if (this.failures === 1) this.env.log(`fetching from broker ${this.leaderId} failed: ${(e as Error).message}`)
        this.client?.close()
        this.client = null
        await this.sleep(config.backoffMs)
      }
    }
    this.running = false
    this.client?.close()
    this.client = null
  }

  /** The next request is a full one asking for a new session; the leader closes the old one. */
  private restartSession(): void {
    this.session.epoch = 0
    this.inSession.clear()
  }

  private async connect(): Promise<BrokerClient | null> {
    if (this.client && !this.client.closed) return this.client
    const ep = this.env.endpoint(this.leaderId)
    if (!ep) return null
    this.client = await BrokerClient.connect(
      ep.host,
      ep.port,
      `broker-${this.env.nodeId}-fetcher-${this.leaderId}`,
      this.env.config.socketTimeoutMs,
      ep.security,
    )
    return this.client
  }

  private async fetchOnce(client: BrokerClient, batch: FollowedPartition[]): Promise<void> {
    const { config } = this.env
    const full = this.session.epoch === 0
    // Keyed by topic id and partition, as the session and the answer name partitions: a topic
    // deleted and created again under its name is another partition to the leader.
    const sent = new Map<string, { p: FollowedPartition; state: SentPartition }>()
    const byTopic = new Map<string, { topic: string; topicId: Buffer; partitions: object[] }>()
    for (const p of batch) {
      const pos = this.env.position(p)
      if (!pos) continue
      const idKey = `${p.topicId}:${p.partition}`
      const known = this.inSession.get(idKey)
      const topicId = known?.topicId ?? Buffer.from(p.topicId, 'base64')
      const state: SentPartition = { topicId, partition: p.partition, leaderEpoch: p.leaderEpoch, ...pos }
      sent.set(idKey, { p, state })
      if (!full && known && sameRequest(known, state)) continue
      let t = byTopic.get(p.topicId)
      if (!t) byTopic.set(p.topicId, (t = { topic: p.topic, topicId, partitions: [] }))
      t.partitions.push({
        partition: p.partition,
        currentLeaderEpoch: p.leaderEpoch,
        fetchOffset: pos.fetchOffset,
        lastFetchedEpoch: pos.lastFetchedEpoch,
        logStartOffset: pos.logStartOffset,
        partitionMaxBytes: config.maxBytes,
      })
    }
    if (sent.size === 0) return
    const forgotten = new Map<string, { topicId: Buffer; partitions: number[] }>()
    if (!full) {
      for (const [key, known] of this.inSession) {
        if (sent.has(key)) continue
        const id = known.topicId.toString('base64')
        let f = forgotten.get(id)
        if (!f) forgotten.set(id, (f = { topicId: known.topicId, partitions: [] }))
        f.partitions.push(known.partition)
      }
    }
    const request = {
      clusterId: null,
      replicaId: this.env.nodeId,
      replicaState: { replicaId: this.env.nodeId, replicaEpoch: this.env.brokerEpoch() },
      maxWaitMs: config.waitMaxMs,
      minBytes: config.minBytes,
      maxBytes: config.responseMaxBytes,
      isolationLevel: 0,
      sessionId: this.session.id,
      sessionEpoch: this.session.epoch,
      topics: [...byTopic.values()],
      forgottenTopicsData: [...forgotten.values()],
      rackId: '',
    }
    const { body } = await client.request(FETCH, request, config.waitMaxMs + config.socketTimeoutMs, FOLLOWER_FETCH_VERSION)
    const res = body as FetchResponseBody
    if (res.errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND || res.errorCode === ErrorCode.INVALID_FETCH_SESSION_EPOCH) {
      // The leader restarted or evicted the session: start a new one at once.
      this.restartSession()
      return
    }
    if (res.errorCode) throw new Error(`fetch failed with error code ${res.errorCode}`)
    this.sessionAnswered(res.sessionId ?? 0, full, sent)
    for (const t of res.responses) {
      const topicId = t.topicId?.toString('base64')
      for (const d of t.partitions) {
        const s = sent.get(`${topicId}:${d.partitionIndex}`)
        const current = s && this.partitions.get(s.p.key)
        // Dropped or re-added under another epoch while the request was out: the answer is stale.
        if (!s || current !== s.p || current.leaderEpoch !== s.state.leaderEpoch) continue
        this.env.apply(current, d, s.state.fetchOffset)
      }
    }
  }

  /** Moves the session on after an answer: what the leader now holds, and the next epoch. */
  private sessionAnswered(id: number, full: boolean, sent: Map<string, { state: SentPartition }>): void {
    if (id === 0) {
      // The leader keeps no session for this fetcher: every request stays a full one.
      this.session = { id: 0, epoch: 0 }
      this.inSession.clear()
      return
    }
    this.session = full ? { id, epoch: 1 } : { id, epoch: nextSessionEpoch(this.session.epoch) }
    // The session now holds exactly the partitions of this request, as sent.
    for (const key of this.inSession.keys()) if (!sent.has(key)) this.inSession.delete(key)
    for (const [key, s] of sent) this.inSession.set(key, s.state)
  }
}
