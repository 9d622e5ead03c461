/**
 * The cleaner's key → latest offset map over the dirty part of a log (Kafka's OffsetMap). Kafka
 * keeps 24 bytes per key (an MD5 digest and an offset) in log.cleaner.dedupe.buffer.size bytes
 * filled to log.cleaner.io.buffer.load.factor; the same budget gives this map its capacity in
 * keys. Keys are held exactly (their bytes as a latin1 string), so two keys never collide.
 */
export const BYTES_PER_ENTRY = 24

export class OffsetMap {
  private readonly offsets = new Map<string, number>()
  /** Largest offset put in the map, -1 when empty. */
  latestOffset = -1

  constructor(readonly capacity: number) {}

  /** Kafka's sizing: dedupe buffer bytes (shared by the cleaner threads) × load factor / 24. */
  static capacityFor(dedupeBufferBytes: number, threads: number, loadFactor: number): number {
    return Math.max(1, Math.floor((dedupeBufferBytes / Math.max(1, threads) / BYTES_PER_ENTRY) * loadFactor))
  }

  get size(): number {
    return this.offsets.size
  }

  /** True when a new key would not fit. */
  get full(): boolean {
    return this.offsets.size >= this.capacity
  }

  has(key: Buffer): boolean {
    return this.offsets.has(key.toString('latin1'))
  }

  /** Records `offset` as the latest for `key`; false (nothing stored) when the key is new and the map is full. */
  put(key: Buffer, offset: number): boolean {
    const k = key.toString('latin1')
    if (this.offsets.size >= this.capacity && !this.offsets.has(k)) return false
    this.offsets.set(k, offset)
    if (offset > this.latestOffset) this.latestOffset = offset
    return true
  }

  /** The latest offset of `key`, -1 when the map has none. */
  get(key: Buffer): number {
    return this.offsets.get(key.toString('latin1')) ?? -1
  }
}
