// Log dirs of every broker (DescribeLogDirs with all topics): each directory's size, its
// volume's total and free bytes (v4+), and every replica it holds with its size and how far a
// future replica lags. Each broker is asked alone, so one that does not answer is named and the
// others are still shown.
import type { BrokerLogDirs, BrokerUnavailable } from '../ipc/contract'
import { askBroker, unavailableOf } from './broker-calls'
import type { Session } from './connections'
import { fetchMetadata } from './metadata'
import { ApiKey, kafkaErrorName } from './raw-client'

export async function describeLogDirs(s: Session): Promise<{ brokers: BrokerLogDirs[]; unavailable: BrokerUnavailable[] }> {
  const meta = await fetchMetadata(s, [])
  const unavailable: BrokerUnavailable[] = []
  const brokers: BrokerLogDirs[] = []
  await Promise.all(
    meta.brokers.map(async (b) => {
      try {
        const r = await askBroker(s, b.nodeId, async (c) => c.request(ApiKey.DescribeLogDirs, c.version(ApiKey.DescribeLogDirs, 4, 1), { topics: null }))
        brokers.push({
          nodeId: b.nodeId,
          address: `${b.host}:${b.port}`,
          logDirs: r.results.map((d) => {
            const partitions = d.topics
              .flatMap((t) =>
                t.partitions.map((p) => ({
                  topic: t.name,
                  partition: p.partitionIndex,
                  sizeBytes: Number(p.partitionSize),
                  offsetLag: Number(p.offsetLag),
                  future: !!p.isFutureKey,
                })),
              )
              .sort(
                (x: { sizeBytes: number; topic: string; partition: number }, y: { sizeBytes: number; topic: string; partition: number }) =>
                  y.sizeBytes - x.sizeBytes || x.topic.localeCompare(y.topic) || x.partition - y.partition,
              )
            const total = d.totalBytes === undefined ? -1 : Number(d.totalBytes)
            const usable = d.usableBytes === undefined ? -1 : Number(d.usableBytes)
            return {
              path: d.logDir,
              error: d.errorCode ? `KAFKA_${kafkaErrorName(d.errorCode)}` : null,
              sizeBytes: partitions.reduce((n: number, p: { sizeBytes: number }) => n + p.sizeBytes, 0),
              totalBytes: total >= 0 ? total : null,
              usableBytes: usable >= 0 ? usable : null,
              partitions,
            }
          }),
        })
      } catch (e) {
        unavailable.push(unavailableOf(e, b.nodeId))
      }
    }),
  )
  return { brokers: brokers.sort((a, b) => a.nodeId - b.nodeId), unavailable: unavailable.sort((a, b) => a.nodeId - b.nodeId) }
}
