/**
 * `cleaner-offset-checkpoint` in a log directory, in Kafka's checkpoint format: a version line
 * (0), a count line, then `topic partition offset` per line. The offset is the first dirty
 * offset of the partition: everything below it has been cleaned. Written to a temporary file and
 * renamed, so a crash leaves the old or the new checkpoint, never a torn one.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint'

/** Key of a partition in the checkpoint: `topic-partition` as in a log directory name. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

export function readCleanerCheckpoint(logDir: string): Map<string, number> {
  const out = new Map<string, number>()
  const f = join(logDir, CLEANER_CHECKPOINT_FILE)
  if (!existsSync(f)) return out
  const lines = readFileSync(f, 'utf8').split('\n')
  if (lines[0]?.trim() !== '0') return out
  const n = Number(lines[1])
  for (let i = 0; i < n; i++) {
    const parts = (lines[2 + i] ?? '').trim().split(' ')
    if (parts.length !== 3) return new Map() // a damaged file is ignored as Kafka ignores a missing one: cleaning starts over
    const partition = Number(parts[1])
    const offset = Number(parts[2])
    if (!Number.isSafeInteger(partition) || !Number.isSafeInteger(offset)) return new Map()
    out.set(partitionKey(parts[0]!, partition), offset)
  }
  return out
}

/** Writes the checkpoint; `entries` maps `topic-partition` keys (see partitionKey) to offsets. */
export function writeCleanerCheckpoint(logDir: string, entries: Map<string, number>): void {
  const lines = ['0', String(entries.size)]
  for (const [key, offset] of entries) {
    const dash = key.lastIndexOf('-')
    lines.push(`${key.slice(0, dash)} ${key.slice(dash + 1)} ${offset}`)
  }
  const f = join(logDir, CLEANER_CHECKPOINT_FILE)
  writeFileSync(`${f}.tmp`, `${lines.join('\n')}\n`, { mode: 0o600 })
  renameSync(`${f}.tmp`, f)
}
