// A tiny tmpfs for full-disk tests: the kernel's own ENOSPC, not an injected one. Mounting needs
// root, as CI has.
import { spawnSync } from 'node:child_process'

export interface Tmpfs {
  unmount(): void
}

/** Mounts a tmpfs of `size` (mount's syntax: 4m, 8m) at `dir`, readable by its owner only. */
export function mountTmpfs(dir: string, size: string): Tmpfs {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' })
  if (r.status !== 0) {
    throw new Error(`this test needs a tiny tmpfs and could not mount one (run as root, as CI does): mount exited ${r.status ?? r.signal}: ${(r.stderr || r.error?.message || '').trim()}`)
  }
  return { unmount: () => void spawnSync('umount', [dir]) }
}
