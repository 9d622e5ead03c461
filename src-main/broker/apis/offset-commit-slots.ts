import type { OffsetCommitEntry } from '../coordinator/group-coordinator'
import { ErrorCode } from '../errors'
import type { BrokerServices } from './broker-services'

/** A topic of an OffsetCommit or TxnOffsetCommit request, as far as both read it. */
export interface CommitTopic {
  name: string
  partitions: readonly { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[]
}

/**
 * The partitions of an OffsetCommit or TxnOffsetCommit request and their answers: unknown ones
 * are refused at once, the others become the entries to write, and each answer is kept at its
 * place in the request.
 */
export class OffsetCommitSlots {
  /** What to write, in request order. */
  readonly entries: OffsetCommitEntry[] = []
  /** Per partition of the request: its error code, or undefined while still to be written. */
  private readonly codes: (number | undefined)[][]
  /** For each entry, its topic and partition index in the request. */
  private readonly slots: [number, number][] = []

  constructor(broker: BrokerServices, topics: readonly CommitTopic[], withLeaderEpoch: boolean) {
    this.codes = topics.map((t) => t.partitions.map((): number | undefined => undefined))
    topics.forEach((t, ti) => {
      const meta = broker.topic(t.name)
      t.partitions.forEach((p, pi) => {
        if (!meta || p.partitionIndex < 0 || p.partitionIndex >= meta.partitions.length) this.codes[ti]![pi] = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        else {
          this.entries.push({
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: withLeaderEpoch ? p.committedLeaderEpoch : -1,
            metadata: p.committedMetadata,
          })
          this.slots.push([ti, pi])
        }
      })
    })
  }

  /** The answer of the request's partition `pi` of topic `ti`. */
  code(ti: number, pi: number): number {
    return this.codes[ti]![pi] ?? ErrorCode.NONE
  }

  /** Every entry fails with `code`. */
  failAll(code: number): void {
    for (const [ti, pi] of this.slots) this.codes[ti]![pi] = code
  }

  /** The write's result per entry; `replicated` then replaces the successes (the ISR's answer). */
  setResults(results: readonly number[], replicated?: number): void {
    results.forEach((c, i) => {
      const [ti, pi] = this.slots[i]!
      if (replicated === undefined) this.codes[ti]![pi] = c
      else if (c === ErrorCode.NONE) this.codes[ti]![pi] = replicated
    })
  }
}
