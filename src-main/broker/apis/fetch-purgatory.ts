// Where long-polling fetches wait (Kafka's fetch purgatory): a fetch that found fewer than
// min_bytes parks on the partitions it reads, and an append to one of them (or a new high
// watermark there) wakes it to read again. Keyed by partition so that a busy partition does not
// wake the fetches of every idle one: with a key per broker, each append woke every parked
// fetch and each re-read all of its partitions.
//
// A follower reads up to the log end, so only appends give it something new: a high watermark
// move does not wake it. With acks=all the mark moves once per produce request, when the last
// follower's fetch confirms it, and woke the other follower's parked fetch for nothing.
//
// A follower's fetch is woken at the end of the event loop's turn (setImmediate), not at the
// append: the produce requests that arrived together are all appended first and leave in one
// answer. Under full RF=3 load from Java's producer (16 KB batches) a follower's answer held two
// batches on average when woken at once, 2.5-2.9 when woken at the turn's end, and the brokers
// spent 4-12% less CPU per MB (test/bench/README.md). Nothing waits for data not yet read.

type Waiter = () => void

export interface WatchedPartition {
  topic: string | null
  partition: number
}

const keyOf = (topic: string, partition: number): string => `${partition}:${topic}`

export class FetchPurgatory {
  /** Consumers' fetches (woken by appends and high watermark moves) and followers' (appends only). */
  private readonly readers = new Map<string, Set<Waiter>>()
  private readonly followers = new Map<string, Set<Waiter>>()
  /** Partitions appended to in this turn whose parked followers wake at its end. */
  private readonly appended = new Set<string>()
  private turnEnd: NodeJS.Immediate | null = null

  /**
   * Resolves when one of `partitions` changes (see wake and wakeReaders), or after `ms`. Unknown
   * topics (null) are not watched.
   */
  watch(ms: number, partitions: readonly WatchedPartition[], follower = false): Promise<void> {
    const waiting = follower ? this.followers : this.readers
    return new Promise((resolve) => {
      const keys: string[] = []
      const done: Waiter = () => {
        clearTimeout(timer)
        for (const k of keys) {
          const set = waiting.get(k)
          if (!set) continue
          set.delete(done)
          if (set.size === 0) waiting.delete(k)
        }
        resolve()
      }
      const timer = setTimeout(done, ms)
      for (const p of partitions) {
        if (p.topic === null) continue
        const k = keyOf(p.topic, p.partition)
        let set = waiting.get(k)
        if (!set) waiting.set(k, (set = new Set()))
        if (!set.has(done)) keys.push(k)
        set.add(done)
      }
    })
  }

  /** Records were appended to a partition: wakes the consumers parked on it now, its followers at the turn's end. */
  wake(topic: string, partition: number): void {
    const k = keyOf(topic, partition)
    wakeSet(this.readers.get(k))
    if (!this.followers.has(k)) return
    this.appended.add(k)
    this.turnEnd ??= setImmediate(() => this.wakeFollowers())
  }

  private wakeFollowers(): void {
    this.turnEnd = null
    const keys = [...this.appended]
    this.appended.clear()
    for (const k of keys) wakeSet(this.followers.get(k))
  }

  /** A partition's high watermark moved: wakes the consumers' fetches parked on it. */
  wakeReaders(topic: string, partition: number): void {
    wakeSet(this.readers.get(keyOf(topic, partition)))
  }

  /** Wakes every parked fetch (the broker is stopping). */
  wakeAll(): void {
    for (const waiting of [this.readers, this.followers]) for (const set of [...waiting.values()]) wakeSet(set)
  }

  /** Parked fetches, each counted once per partition it watches (for tests). */
  get size(): number {
    let n = 0
    for (const waiting of [this.readers, this.followers]) for (const set of waiting.values()) n += set.size
    return n
  }
}

function wakeSet(set: Set<Waiter> | undefined): void {
  if (set) for (const w of [...set]) w()
}
