// Broker ready time: spawn → `ready bootstrap=…` line, on a fresh data dir each time (a first
// start, like a user opening the app). Several runs, median reported: a single start is noisy
// (page cache, JIT, the other core's load).
//
// For Kafka this is start-broker.sh's whole path: storage format (one JVM), broker start (a
// second JVM), then a first admin call (a third JVM) to prove clients are served. That is how
// this project starts Kafka; a broker already formatted would come up a little faster.
import { startBroker, type BrokerKind } from './broker'

export interface ReadyTime {
  runsMs: number[]
  medianMs: number
  minMs: number
  maxMs: number
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export async function measureReadyTime(kind: BrokerKind, runs: number): Promise<ReadyTime> {
  const runsMs: number[] = []
  for (let i = 0; i < runs; i++) {
    const b = await startBroker(kind)
    runsMs.push(Math.round(b.readyMs))
    await b.stop()
  }
  return { runsMs, medianMs: median(runsMs), minMs: Math.min(...runsMs), maxMs: Math.max(...runsMs) }
}
