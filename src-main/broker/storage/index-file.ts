/**
 * Base of the sparse index files (.index, .timeindex): fixed-size big-endian entries, appended
 * with positional writes on an fd and mirrored in memory (loaded lazily from the file).
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs'

export class IndexFile {
  protected mem: Buffer = Buffer.alloc(0)
  protected count = 0
  private loaded = false
  private fd: number | null = null

  constructor(
    readonly path: string,
    readonly baseOffset: number,
    readonly entrySize: number,
  ) {}

  /** True when the file is structurally sound (whole entries only). Missing file → false. */
  fileLooksValid(): boolean {
    if (!existsSync(this.path)) return false
    return statSync(this.path).size % this.entrySize === 0
  }

  protected ensureLoaded(): void {
    if (this.loaded) return
    const data = existsSync(this.path) ? readFileSync(this.path) : Buffer.alloc(0)
    this.count = Math.floor(data.length / this.entrySize)
    this.mem = Buffer.alloc(Math.max(this.entrySize * 64, this.count * this.entrySize * 2))
    data.copy(this.mem, 0, 0, this.count * this.entrySize)
    this.loaded = true
  }

  get entries(): number {
    this.ensureLoaded()
    return this.count
  }

  /** Frees the in-memory copy (it is reloaded from the file on next use). */
  unload(): void {
    if (!this.loaded) return
    this.loaded = false
    this.mem = Buffer.alloc(0)
    this.count = 0
  }

  protected appendEntry(entry: Buffer): void {
    this.ensureLoaded()
    const at = this.count * this.entrySize
    if (at + this.entrySize > this.mem.length) {
      const bigger = Buffer.alloc(this.mem.length * 2)
      this.mem.copy(bigger, 0, 0, at)
      this.mem = bigger
    }
    entry.copy(this.mem, at)
    this.count++
    writeSync(this.openFd(), entry, 0, this.entrySize, at)
  }

  private openFd(): number {
    if (this.fd === null) this.fd = openSync(this.path, existsSync(this.path) ? 'r+' : 'w+')
    return this.fd
  }

  /** Keeps the first `n` entries. */
  truncateEntries(n: number): void {
    this.ensureLoaded()
    if (n >= this.count && statSync(this.path, { throwIfNoEntry: false })?.size === n * this.entrySize) return
    this.count = Math.min(n, this.count)
    if (this.fd !== null) ftruncateSync(this.fd, this.count * this.entrySize)
    else if (existsSync(this.path)) truncateSync(this.path, this.count * this.entrySize)
    else this.openFd()
  }

  reset(): void {
    this.ensureLoaded()
    this.count = 0
    this.truncateEntries(0)
  }

  flush(): void {
    if (this.fd !== null) fsyncSync(this.fd)
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }

  delete(): void {
    this.close()
    if (existsSync(this.path)) unlinkSync(this.path)
    this.unload()
  }
}
