// One `kafkadesk serve` per data dir. Two would run two embedded clusters on the same logs (the
// second one falling back to free ports) and write the same connection list: a lock file
// holding the owner's pid keeps the second out with a clear message. A lock left by a process
// that no longer exists (a crash, SIGKILL) is taken over.
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'

export const LOCK_FILE = 'serve.lock'

export class DataDirBusy extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the data dir for this process; returns the release function. Throws DataDirBusy when another live process holds it. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      return () => rmSync(path, { force: true })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const owner = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new DataDirBusy(`another Kafkadesk (pid ${owner}) is using ${dataDir}; stop it first (or give \`kafkadesk serve\` its own --data-dir)`)
    }
    // Stale: its owner is gone.
    rmSync(path, { force: true })
  }
  throw new DataDirBusy(`could not take ${join(dataDir, LOCK_FILE)}`)
}
