/**
 * The few fs calls through which log data reaches the disk. Tests swap them (setFileIo) to
 * inject short writes and ENOSPC at chosen points; everything else in storage uses node:fs.
 */
import { fsyncSync, ftruncateSync, writeSync } from 'node:fs'
import { StorageError } from './storage-error.js'

export interface FileIo {
  /** Writes up to `length` bytes at `position`; returns how many were written (may be fewer). */
  write(fd: number, buf: Buffer, offset: number, length: number, position: number): number
  truncate(fd: number, length: number): void
  fsync(fd: number): void
}

export const nodeFileIo: FileIo = {
  write: (fd, buf, offset, length, position) => writeSync(fd, buf, offset, length, position),
  truncate: (fd, length) => ftruncateSync(fd, length),
  fsync: (fd) => fsyncSync(fd),
}

let current: FileIo = nodeFileIo

export function fileIo(): FileIo {
  return current
}

/** Replaces the fs layer (tests); null restores node:fs. */
export function setFileIo(io: FileIo | null): void {
  current = io ?? nodeFileIo
}

/**
 * Writes all of `buf` at `position`, looping on short writes (a full disk can accept part of a
 * write). A write that makes no progress is reported as ENOSPC, as the kernel would on the next
 * call. Throws what the fs layer throws; the caller rolls back.
 */
export function writeFully(fd: number, buf: Buffer, position: number, path: string): void {
  let done = 0
  while (done < buf.length) {
    const n = current.write(fd, buf, done, buf.length - done, position + done)
    if (n <= 0) throw new StorageError('ENOSPC', path, 'write')
    done += n
  }
}
