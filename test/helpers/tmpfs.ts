// A tiny tmpfs for full-disk tests: the kernel's own ENOSPC, not an injected one. Mounting needs
// root, as CI has.
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, statfsSync, writeSync } from 'node:fs'

export interface Tmpfs {
  unmount(): void
}

/** Mounts a tmpfs of `size` (mount's syntax: 4m, 8m) at `dir`, readable by its owner only. */
export function mountTmpfs(dir: string, size: string): Tmpfs {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' })
  if (r.status !== 0) {
    throw new Error(
      `this test needs a tiny tmpfs and could not mount one (run as root, as CI does): mount exited ${r.status ?? r.signal}: ${(r.stderr || r.error?.message || '').trim()}`,
    )
  }
  return { unmount: () => void spawnSync('umount', [dir]) }
}

/**
 * Appends to `file` (on the tmpfs at `dir`) until only about `leaveBytes` are free, or until the
 * disk refuses when `leaveBytes` is 0; ever smaller writes fill the last pages too.
 */
export function fillDisk(file: string, dir: string, leaveBytes = 0): void {
  const fd = openSync(file, 'a')
  try {
    for (const chunk of [1 << 16, 4096, 512]) {
      const buf = Buffer.alloc(chunk, 0x5a)
      for (;;) {
        const { bavail, bsize } = statfsSync(dir)
        if (leaveBytes > 0 && bavail * bsize - chunk < leaveBytes) break
        try {
          writeSync(fd, buf)
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break
          throw e
        }
      }
    }
  } finally {
    closeSync(fd)
  }
}
