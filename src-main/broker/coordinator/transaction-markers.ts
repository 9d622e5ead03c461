// Transaction markers: the COMMIT or ABORT control batch that ends a transaction in each of its
// partitions. A partition leader writes them (writeMarkersLocally, also behind the
// WriteTxnMarkers API); the transaction coordinator reaches leaders on other broker processes
// with WriteTxnMarkers over the inter-broker connection, as Kafka's TransactionMarkerChannelManager does.
import type { Broker } from '../broker'
import type { BrokerServices } from '../apis/broker-services'
import { ErrorCode, type ErrorName } from '../errors'
import { buildControlBatch } from '../records/record'
import { BrokerClient } from '../replication/broker-client'
import { StorageError } from '../storage/storage-error'
import { GROUP_METADATA_TOPIC } from './group-coordinator'

const WRITE_TXN_MARKERS = 27

export interface TxnMarker {
  producerId: number
  producerEpoch: number
  /** true = COMMIT */
  transactionResult: boolean
  topics: { name: string; partitionIndexes: number[] }[]
  coordinatorEpoch: number
}

export interface TxnMarkerResult {
  producerId: number
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[]
}

/** The broker's part Kafka's handleWriteTxnMarkersRequest needs (kept narrow for tests). */
export type MarkerHost = Pick<BrokerServices, 'topic' | 'isLeader' | 'partitionLog' | 'notifyAppend' | 'replicas' | 'config' | 'groupCoordinator'>

/**
 * Appends each marker to the partitions this broker leads and waits until the ISR holds them
 * (markers are written with acks=all). A marker for __consumer_offsets also completes the
 * transaction's pending offsets in the group coordinator.
 */
export async function writeMarkersLocally(host: MarkerHost, markers: TxnMarker[], timeoutMs: number): Promise<TxnMarkerResult[]> {
  const waits: Promise<void>[] = []
  const results = markers.map((m) => ({
    producerId: m.producerId,
    topics: m.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => {
        const out = { partitionIndex: p, errorCode: ErrorCode.NONE as number }
        const written = writeOne(host, m, t.name, p)
        if (typeof written === 'number') out.errorCode = written
        else {
          const minIsr = Number(host.config.topicConfigValues(host.topic(t.name)!.configs)['min.insync.replicas'])
          waits.push(
            host.replicas.waitForIsr(t.name, p, written.requiredOffset, minIsr, timeoutMs).then((e: ErrorName) => {
              if (e !== 'NONE') out.errorCode = ErrorCode[e]
            }),
          )
        }
        return out
      }),
    })),
  }))
  await Promise.all(waits)
  return results
}

function writeOne(host: MarkerHost, m: TxnMarker, topic: string, partition: number): number | { requiredOffset: number } {
  const t = host.topic(topic)
  if (!t || partition < 0 || partition >= t.partitions.length) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
  if (!host.isLeader(topic, partition)) return ErrorCode.NOT_LEADER_OR_FOLLOWER
  let log
  try {
    log = host.partitionLog(topic, partition)
  } catch (e) {
    if (e instanceof StorageError) return ErrorCode.KAFKA_STORAGE_ERROR
    throw e
  }
  if (!log) return ErrorCode.NOT_LEADER_OR_FOLLOWER
  const batch = buildControlBatch({
    type: m.transactionResult ? 'COMMIT' : 'ABORT',
    producerId: m.producerId,
    producerEpoch: m.producerEpoch,
    coordinatorEpoch: m.coordinatorEpoch,
  })
  const res = log.append(batch, { origin: 'coordinator', leaderEpoch: t.partitions[partition]!.leaderEpoch })
  if (res.error !== undefined) return ErrorCode[res.error]
  host.notifyAppend(topic, partition)
  if (topic === GROUP_METADATA_TOPIC) host.groupCoordinator.completeTransaction(partition, m.producerId, m.transactionResult)
  return { requiredOffset: res.lastOffset + 1 }
}

/** Connections from this broker's transaction coordinator to the other brokers, one per broker. */
export class TxnMarkerChannel {
  private readonly clients = new Map<number, Promise<BrokerClient>>()

  constructor(private readonly broker: Broker) {}

  private client(nodeId: number): Promise<BrokerClient> {
    const existing = this.clients.get(nodeId)
    if (existing) return existing
    const ep = this.broker.metadata.brokers.get(nodeId)
    if (!ep) return Promise.reject(new Error(`broker ${nodeId} is not registered`))
    const c = BrokerClient.connect(ep.host, ep.port, `broker-${this.broker.nodeId}-txn-markers`, 10_000, this.broker.interBrokerSecurity)
    this.clients.set(nodeId, c)
    c.then(
      (cl) => {
        // a closed connection is reopened on the next send
        if (cl.closed) this.clients.delete(nodeId)
      },
      () => this.clients.delete(nodeId),
    )
    return c
  }

  /** Sends markers to the leader `nodeId`; local leaders are written directly. */
  async send(nodeId: number, markers: TxnMarker[], timeoutMs: number): Promise<TxnMarkerResult[]> {
    if (nodeId === this.broker.nodeId) return writeMarkersLocally(this.broker, markers, timeoutMs)
    const c = await this.client(nodeId)
    if (c.closed) {
      this.clients.delete(nodeId)
      throw new Error(`connection to broker ${nodeId} closed`)
    }
    try {
      const { body } = await c.request(WRITE_TXN_MARKERS, { markers }, timeoutMs + 5_000)
      return (body as { markers: TxnMarkerResult[] }).markers
    } catch (e) {
      this.clients.delete(nodeId)
      c.close()
      throw e
    }
  }

  close(): void {
    for (const c of this.clients.values())
      c.then(
        (cl) => cl.close(),
        () => {},
      )
    this.clients.clear()
  }
}
