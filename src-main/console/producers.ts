// The kafkajs producers of one connection, lent out per send.
//
// - acks=all sends use an idempotent producer (a producer id and per-partition sequence
//   numbers). kafkajs retries a whole Produce request when the broker refuses one of its
//   partitions (NOT_ENOUGH_REPLICAS, NOT_LEADER_OR_FOLLOWER on a just-created topic…); the
//   broker then recognises the partitions it already wrote as duplicates of their last batches
//   and answers with the original offsets instead of writing them twice. Its retries are
//   bounded (kafkajs' default for it is forever), so a partition that stays refused fails the
//   send in about ten seconds. After a failed send its sequence numbers no longer match the
//   broker's, so it is dropped and the next send starts with a new producer id.
// - acks 0 and 1 cannot be idempotent (Kafka requires acks=all for it): those use a plain
//   producer, and produce.ts sends them one partition per request so a retry only ever
//   repeats the partition that was refused.
//
// A producer is kept for the topic it last sent to and replaced when a send names another:
// kafkajs keeps every topic a producer ever sent to in its metadata set, and once one of them is
// deleted each later send fails. Concurrent sends each get their own producer.
import type { Kafka, Producer } from 'kafkajs'

/** Retries of the idempotent producer: 100 ms doubling to 2 s, about 10 s in all. */
const IDEMPOTENT_RETRY = { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 }

type Kind = 'idempotent' | 'plain'

export class Producers {
  private readonly idle = new Map<Kind, { topic: string; producer: Producer }>()
  private readonly lent = new Set<Producer>()
  private closed = false

  constructor(private readonly kafka: Kafka) {}

  /** Runs `send` with a connected producer for `topic`; idempotent for acks=all sends. */
  async use<T>(topic: string, idempotent: boolean, send: (p: Producer) => Promise<T>): Promise<T> {
    const kind: Kind = idempotent ? 'idempotent' : 'plain'
    let producer: Producer
    const kept = this.idle.get(kind)
    if (kept && kept.topic === topic) {
      this.idle.delete(kind)
      producer = kept.producer
    } else {
      producer = this.kafka.producer({ allowAutoTopicCreation: false, idempotent, ...(idempotent ? { retry: IDEMPOTENT_RETRY } : {}) })
      try {
        await producer.connect()
      } catch (e) {
        await producer.disconnect().catch(() => {})
        throw e
      }
    }
    this.lent.add(producer)
    let ok = false
    try {
      const r = await send(producer)
      ok = true
      return r
    } finally {
      this.lent.delete(producer)
      if (ok && !this.closed) {
        const replaced = this.idle.get(kind)
        this.idle.set(kind, { topic, producer })
        if (replaced) void replaced.producer.disconnect().catch(() => {})
      } else {
        void producer.disconnect().catch(() => {})
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true
    const all = [...[...this.idle.values()].map((x) => x.producer), ...this.lent]
    this.idle.clear()
    this.lent.clear()
    await Promise.allSettled(all.map((p) => p.disconnect()))
  }
}
