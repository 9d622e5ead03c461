/**
 * Base of the sparse index files (.index, .timeindex): fixed-size big-endian entries, kept in
 * memory (loaded lazily from the file) and written behind: new entries reach the file a page at
 * a time, and all of them before a flush, a roll (unload), a clean close or a cleaner's swap.
 * One positional write per entry was a syscall per 16 KB batch on every replica; Kafka mmaps
 * its indexes for the same reason. Losing the unwritten tail in a crash costs nothing: the
 * active segment is rebuilt by recovery after an unclean shutdown, and an inactive one is
 * written out at its roll and scanned from its last entry when opened.
 *
 * The fd comes from the process's bounded pool (file-handles.ts) and may be closed while idle.
 * A write or cut that fails (ENOSPC, EIO…) leaves the file `dirty` (it may hold part of the
 * entries or bytes past them): the next write or flush cuts it back first, and a log holding a
 * dirty index is not marked clean at shutdown so its indexes are rebuilt by recovery. An index
 * write never fails an append: the entries stay in memory, where lookups read them.
 */
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { fileHandles, type PooledFile } from './file-handles.js'
import { fileIo, writeFully } from './file-io.js'
import { toStorageError } from './storage-error.js'

/** In-memory capacity of a new index, in entries; it doubles as entries are added. */
const INITIAL_ENTRIES = 8
/** Unwritten entries are written once they fill a page. */
const WRITE_BEHIND_BYTES = 4096

export class IndexFile {
  protected mem: Buffer = Buffer.alloc(0)
  protected count = 0
  /** Entries [0, written) are in the file; [written, count) only in memory. */
  private written = 0
  private loaded = false
  private readonly file: PooledFile
  /** The file may hold bytes beyond `written` entries (a failed write or cut). */
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
    this.written = this.count
    this.loaded = true
  }

  get entries(): number {
    this.ensureLoaded()
    return this.count
  }

  /** Frees the in-memory copy (it is reloaded from the file on next use), once the file holds every entry. */
  unload(): void {
    if (!this.loaded) return
    try {
      this.writePending()
    } catch {
      return // kept in memory; the index is dirty, so the log will not be marked clean
    }
    this.forget()
  }

  private forget(): void {
    this.loaded = false
    this.mem = Buffer.alloc(0)
    this.count = 0
    this.written = 0
  }

  protected appendEntry(entry: Buffer): void {
    this.ensureLoaded()
    const at = this.count * this.entrySize
    if (at + this.entrySize > this.mem.length) {
      const bigger = Buffer.alloc(this.mem.length * 2)
      this.mem.copy(bigger, 0, 0, at)
      this.mem = bigger
    }
    entry.copy(this.mem, at, 0, this.entrySize)
    this.count++
    if ((this.count - this.written) * this.entrySize >= WRITE_BEHIND_BYTES) {
      try {
        this.writePending()
      } catch {
        // still in memory; written again at the next page, flush, roll or close
      }
    }
  }

  /** Writes the entries the file does not hold yet; throws a StorageError (leaving the file dirty) when it cannot. */
  writePending(): void {
    if (this.written >= this.count && !this.dirty) return
    try {
      this.cutDirtyTail()
      const from = this.written * this.entrySize
      writeFully(this.file.fd(), this.mem.subarray(from, this.count * this.entrySize), from, this.path)
    } catch (e) {
      this.dirty = true
      throw toStorageError(e, this.path, 'index write')
    }
    this.written = this.count
    this.unsynced = true
  }

  /** Keeps the first `n` entries (file and memory). Throws a StorageError if the file cannot be cut. */
  truncateEntries(n: number): void {
    this.ensureLoaded()
    this.count = Math.min(n, this.count)
    this.written = Math.min(this.written, this.count)
    try {
      fileIo().truncate(this.file.fd(), this.written * this.entrySize)
      this.dirty = false
    } catch (e) {
      this.dirty = true
      throw toStorageError(e, this.path, 'index truncate')
    }
  }

  /** Rollback of a failed append elsewhere: forgets entries from `n` on, cutting the file only if it holds them; never throws (a failed cut leaves the file dirty). */
  rollbackTo(n: number): void {
    this.ensureLoaded()
    this.count = Math.min(n, this.count)
    if (this.written > this.count || this.dirty) this.cutTo(this.count)
  }

  private cutTo(n: number): void {
    this.written = Math.min(this.written, n)
    try {
      fileIo().truncate(this.file.fd(), this.written * this.entrySize)
      this.dirty = false
    } catch {
      this.dirty = true
    }
  }

  private cutDirtyTail(): void {
    if (!this.dirty) return
    fileIo().truncate(this.file.fd(), this.written * this.entrySize)
    this.dirty = false
  }

  reset(): void {
    this.ensureLoaded()
    this.count = 0
    this.truncateEntries(0)
  }

  /** Writes the pending entries and fsyncs; throws a StorageError when either fails. */
  flush(): void {
    this.writePending()
    if (!this.unsynced) return
    fileIo().fsync(this.file.fd())
    this.unsynced = false
  }

  /** Releases the fd. Pending entries are not written: callers that keep the file write them first (writePending), a crash-like close leaves them out. */
  close(): void {
    this.file.close()
  }

  delete(): void {
    this.file.close()
    if (existsSync(this.path)) unlinkSync(this.path)
    this.dirty = false
    this.forget()
  }
}
