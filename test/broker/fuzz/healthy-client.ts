// A well-behaved client that keeps doing round trips (ApiVersions, Metadata, Produce, Fetch) on
// its own connection while hostile ones do their worst, and records every latency.
import { buildBatch } from '../../../src-main/broker/records/record'
import { WireClient } from './wire-client'

export interface HealthyStats {
  /** Round trips that got an answer. */
  count: number
  /** Round trips that failed (error code, closed connection). */
  failures: string[]
  p50: number
  p99: number
  max: number
  /** The longest time without an answer while the client was waiting (a freeze). */
  longestWaitMs: number
}

interface ProduceAnswer {
  responses: { partitionResponses: { errorCode: number; baseOffset: number }[] }[]
}
interface FetchAnswer {
  errorCode: number
  responses: { partitions: { errorCode: number }[] }[]
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

/** Starts the loop; `stop()` ends it and resolves with the figures. */
export async function startHealthyClient(
  host: string,
  port: number,
  topic: string,
  pauseMs = 5,
): Promise<{ stop: () => Promise<HealthyStats>; latencies: number[] }> {
  const client = await WireClient.connect(host, port)
  const latencies: number[] = []
  const failures: string[] = []
  let running = true
  let waitingSince = -1
  let longestWaitMs = 0
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now()
    waitingSince = t0
    try {
      return await fn()
    } finally {
      const ms = performance.now() - t0
      waitingSince = -1
      latencies.push(ms)
      longestWaitMs = Math.max(longestWaitMs, ms)
    }
  }
  const loop = (async () => {
    let offset = 0
    let i = 0
    while (running) {
      try {
        switch (i++ % 4) {
          case 0:
            await timed(() => client.request(18, 3, { clientSoftwareName: 'healthy', clientSoftwareVersion: '1' }))
            break
          case 1:
            await timed(() =>
              client.request(3, 12, {
                topics: [{ name: topic, topicId: Buffer.alloc(16) }],
                allowAutoTopicCreation: false,
                includeTopicAuthorizedOperations: false,
              }),
            )
            break
          case 2: {
            const records = buildBatch({ records: [{ key: 'k', value: `healthy-${i}` }] })
            const res = await timed(() =>
              client.request<ProduceAnswer>(0, 9, {
                transactionalId: null,
                acks: 1,
                timeoutMs: 5000,
                topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
              }),
            )
            const p = res.responses[0]!.partitionResponses[0]!
            if (p.errorCode !== 0) failures.push(`produce error ${p.errorCode}`)
            else offset = p.baseOffset
            break
          }
          case 3: {
            const res = await timed(() =>
              client.request<FetchAnswer>(1, 12, {
                replicaId: -1,
                maxWaitMs: 0,
                minBytes: 1,
                maxBytes: 1 << 20,
                isolationLevel: 0,
                sessionId: 0,
                sessionEpoch: -1,
                topics: [
                  {
                    topic,
                    partitions: [
                      { partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 65536 },
                    ],
                  },
                ],
                forgottenTopicsData: [],
                rackId: '',
              }),
            )
            const code = res.errorCode || res.responses[0]!.partitions[0]!.errorCode
            if (code !== 0) failures.push(`fetch error ${code}`)
            break
          }
        }
      } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e))
        if (client.closed) break
      }
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs))
    }
  })()
  return {
    latencies,
    stop: async () => {
      running = false
      // A broker that froze never answers: give it 5 s, then closing the socket ends the loop.
      await Promise.race([loop, new Promise((r) => setTimeout(r, 5000))])
      if (waitingSince >= 0) longestWaitMs = Math.max(longestWaitMs, performance.now() - waitingSince)
      client.close()
      await loop
      const sorted = [...latencies].sort((a, b) => a - b)
      return {
        count: latencies.length,
        failures,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        max: sorted[sorted.length - 1] ?? NaN,
        longestWaitMs,
      }
    },
  }
}
