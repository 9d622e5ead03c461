/**
 * Base of the sparse index files (.index, .timeindex): fixed-size big-endian entries, appended
 * with positional writes and mirrored in memory (loaded lazily from the file). The fd comes
 * from the process's bounded pool (file-handles.ts) and may be closed while idle.
 *
 * An append is all or nothing: when the write fails (ENOSPC, EIO…) the entry is not counted and
 * the file is cut back to the entries before it. If even that cut fails the file is `dirty`:
 * the next append or flush retries the cut, and a log holding a dirty index is not marked clean
 * at shutdown so its indexes are rebuilt by recovery.
 */
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { fileHandles, type PooledFile } from './file-handles.js'
import { fileIo, writeFully } from './file-io.js'
import { toStorageError } from './storage-error.js'

/** In-memory capacity of a new index, in entries; it doubles as entries are added. */
const INITIAL_ENTRIES = 8

export class IndexFile {
  protected mem: Buffer = Buffer.alloc(0)
  protected count = 0
  private loaded = false
  private readonly file: PooledFile
  /** The file may hold bytes beyond `count` entries (a failed write could not be cut back). */
  dirty = false
  /** Written since the last fsync (the fd may have been closed by the pool since). */
  private unsynced = false

  constructor(
    readonly path: string,
    readonly baseOffset: number,
    readonly entrySize: number,
  ) {
    this.file = fileHandles.file(path)
  }

  /** True when the file is structurally sound (whole entries only). Missing file → false. */
  fileLooksValid(): boolean {
    if (!existsSync(this.path)) return false
    return statSync(this.path).size % this.entrySize === 0
  }

  protected ensureLoaded(): void {
    if (this.loaded) return
    const data = existsSync(this.path) ? readFileSync(this.path) : Buffer.alloc(0)
    this.count = Math.floor(data.length / this.entrySize)
    this.mem = Buffer.alloc(Math.max(this.entrySize * INITIAL_ENTRIES, this.count * this.entrySize * 2))
    data.copy(this.mem, 0, 0, this.count * this.entrySize)
    this.loaded = true
  }

  get entries(): number {
    this.ensureLoaded()
    return this.count
  }

  /** Frees the in-memory copy (it is reloaded from the file on next use). */
  unload(): void {
    if (!this.loaded || this.dirty) return
    this.loaded = false
    this.mem = Buffer.alloc(0)
    this.count = 0
  }

  protected appendEntry(entry: Buffer): void {
    this.ensureLoaded()
    const at = this.count * this.entrySize
    try {
      this.cutDirtyTail()
      writeFully(this.file.fd(), entry.subarray(0, this.entrySize), at, this.path)
    } catch (e) {
      this.cutTo(this.count)
      throw toStorageError(e, this.path, 'index append')
    }
    if (at + this.entrySize > this.mem.length) {
      const bigger = Buffer.alloc(this.mem.length * 2)
      this.mem.copy(bigger, 0, 0, at)
      this.mem = bigger
    }
    entry.copy(this.mem, at)
    this.count++
    this.unsynced = true
  }

  /** Keeps the first `n` entries (file and memory). Throws a StorageError if the file cannot be cut. */
  truncateEntries(n: number): void {
    this.ensureLoaded()
    this.count = Math.min(n, this.count)
    try {
      fileIo().truncate(this.file.fd(), this.count * this.entrySize)
      this.dirty = false
    } catch (e) {
      this.dirty = true
      throw toStorageError(e, this.path, 'index truncate')
    }
  }

  /** Rollback of a failed append elsewhere: forgets entries from `n` on and cuts the file, never throwing (a failed cut leaves the file dirty). */
  rollbackTo(n: number): void {
    this.ensureLoaded()
    if (n < this.count || this.dirty) this.cutTo(Math.min(n, this.count))
  }

  private cutTo(n: number): void {
    this.count = n
    try {
      fileIo().truncate(this.file.fd(), n * this.entrySize)
      this.dirty = false
    } catch {
      this.dirty = true
    }
  }

  private cutDirtyTail(): void {
    if (!this.dirty) return
    fileIo().truncate(this.file.fd(), this.count * this.entrySize)
    this.dirty = false
  }

  reset(): void {
    this.ensureLoaded()
    this.count = 0
    this.truncateEntries(0)
  }

  flush(): void {
    if (!this.unsynced && !this.dirty) return
    this.cutDirtyTail()
    fileIo().fsync(this.file.fd())
    this.unsynced = false
  }

  close(): void {
    this.file.close()
  }

  delete(): void {
    this.close()
    if (existsSync(this.path)) unlinkSync(this.path)
    this.dirty = false
    this.unload()
  }
}
