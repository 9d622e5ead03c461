// Where long-polling fetches wait (Kafka's fetch purgatory): a fetch that found fewer than
// min_bytes parks on the partitions it reads, and an append to one of them (or a new high
// watermark there) wakes it to read again. Keyed by partition so that a busy partition does not
// wake the fetches of every idle one: with a key per broker, each append woke every parked
// fetch and each re-read all of its partitions.

type Waiter = () => void

export interface WatchedPartition {
  topic: string | null
  partition: number
}

const keyOf = (topic: string, partition: number): string => `${partition}:${topic}`

export class FetchPurgatory {
  private readonly waiting = new Map<string, Set<Waiter>>()

  /** Resolves when one of `partitions` changes (see wake), or after `ms`. Unknown topics (null) are not watched. */
  watch(ms: number, partitions: readonly WatchedPartition[]): Promise<void> {
    return new Promise((resolve) => {
      const keys: string[] = []
      const done: Waiter = () => {
        clearTimeout(timer)
        for (const k of keys) {
          const set = this.waiting.get(k)
          if (!set) continue
          set.delete(done)
          if (set.size === 0) this.waiting.delete(k)
        }
        resolve()
      }
      const timer = setTimeout(done, ms)
      for (const p of partitions) {
        if (p.topic === null) continue
        const k = keyOf(p.topic, p.partition)
        let set = this.waiting.get(k)
        if (!set) this.waiting.set(k, (set = new Set()))
        if (!set.has(done)) keys.push(k)
        set.add(done)
      }
    })
  }

  /** Wakes the fetches parked on one partition (records appended, or its high watermark moved). */
  wake(topic: string, partition: number): void {
    const set = this.waiting.get(keyOf(topic, partition))
    if (!set) return
    for (const w of [...set]) w()
  }

  /** Wakes every parked fetch (the broker is stopping). */
  wakeAll(): void {
    for (const set of [...this.waiting.values()]) for (const w of [...set]) w()
  }

  /** Parked fetches, each counted once per partition it watches (for tests). */
  get size(): number {
    let n = 0
    for (const set of this.waiting.values()) n += set.size
    return n
  }
}
