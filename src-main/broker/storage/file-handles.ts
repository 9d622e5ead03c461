/**
 * Open file descriptors of segment files (.log, .index, .timeindex), bounded by an LRU so the
 * number of open files does not grow with the number of partitions (Kafka keeps every segment
 * open; on the default `ulimit -n` of 1024 that allows a few hundred partitions). A file is
 * opened on first use and closed again when it is the least recently used one and the pool is
 * full. Nothing is buffered in the process, so closing an idle fd loses nothing: the data is in
 * the page cache. One pool serves the whole process (the brokers of an embedded cluster share
 * the fd limit); its bound is the broker config `log.open.files.max`.
 */
import { closeSync, constants, openSync } from 'node:fs'

/** Leaves about half of a 1024 fd limit to sockets, the runtime and transient files. */
export const DEFAULT_MAX_OPEN_FILES = 400

const FILE_MODE = 0o600

export class FileHandles {
  /** Open files, least recently used first (Map keeps insertion order). */
  private readonly lru = new Map<PooledFile, number>()
  /** How many times a file was (re)opened: shows the LRU churning in tests and logs. */
  opens = 0

  constructor(private max = DEFAULT_MAX_OPEN_FILES) {}

  get maxOpen(): number {
    return this.max
  }

  set maxOpen(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`log.open.files.max must be a positive integer, got ${n}`)
    this.max = n
    while (this.lru.size > this.max) this.evictOne()
  }

  get openCount(): number {
    return this.lru.size
  }

  /** A file in this pool; with `truncate` its first open empties it (a new segment). */
  file(path: string, opts: { truncate?: boolean } = {}): PooledFile {
    return new PooledFile(this, path, opts.truncate ?? false)
  }

  /** @internal the fd of `f`, opening it (and closing the least recently used file) as needed. */
  acquire(f: PooledFile, flags: number): number {
    const fd = this.lru.get(f)
    if (fd !== undefined) {
      this.lru.delete(f)
      this.lru.set(f, fd)
      return fd
    }
    while (this.lru.size >= this.max) this.evictOne()
    let opened: number
    try {
      opened = openSync(f.path, flags, FILE_MODE)
    } catch (e) {
      // Sockets share the process's fd limit: give back one of ours and try once more.
      if ((e as NodeJS.ErrnoException).code !== 'EMFILE' || this.lru.size === 0) throw e
      this.evictOne()
      opened = openSync(f.path, flags, FILE_MODE)
    }
    this.opens++
    this.lru.set(f, opened)
    return opened
  }

  /** @internal */
  release(f: PooledFile): void {
    const fd = this.lru.get(f)
    if (fd === undefined) return
    this.lru.delete(f)
    closeSync(fd)
  }

  isOpen(f: PooledFile): boolean {
    return this.lru.has(f)
  }

  private evictOne(): void {
    const first = this.lru.keys().next()
    if (!first.done) this.release(first.value)
  }
}

export class PooledFile {
  constructor(
    private readonly pool: FileHandles,
    readonly path: string,
    private truncateOnOpen: boolean,
  ) {}

  /** The open fd (valid until the next call into the pool). */
  fd(): number {
    const flags = constants.O_RDWR | constants.O_CREAT | (this.truncateOnOpen ? constants.O_TRUNC : 0)
    const fd = this.pool.acquire(this, flags)
    this.truncateOnOpen = false
    return fd
  }

  get isOpen(): boolean {
    return this.pool.isOpen(this)
  }

  close(): void {
    this.pool.release(this)
  }
}

/** The process's pool. */
export const fileHandles = new FileHandles()
