// The high watermarks of a log directory's partitions, persisted as Kafka's
// `replication-offset-checkpoint` file: a version line (0), a count line, then "topic partition
// offset" lines. A restarted broker takes each partition's high watermark from here (capped by
// its log end) instead of its log end offset, so records it holds but that were never committed
// stay hidden from readers until a leader commits them.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const HIGH_WATERMARK_CHECKPOINT_FILE = 'replication-offset-checkpoint'
const VERSION = 0

export interface PartitionHighWatermark {
  topic: string
  partition: number
  highWatermark: number
}

export function checkpointKey(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

/** The checkpointed high watermarks of `logDir` by checkpointKey; empty when there is none or it is malformed. */
export function readHighWatermarks(logDir: string): Map<string, number> {
  const out = new Map<string, number>()
  const file = join(logDir, HIGH_WATERMARK_CHECKPOINT_FILE)
  if (!existsSync(file)) return out
  try {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
    if (lines[0]?.trim() !== String(VERSION)) return out
    const n = Number(lines[1])
    if (!Number.isInteger(n) || n < 0 || lines.length - 2 < n) return out
    for (const l of lines.slice(2, 2 + n)) {
      const [topic, p, o] = l.trim().split(/\s+/)
      const partition = Number(p)
      const offset = Number(o)
      if (!topic || !Number.isInteger(partition) || !Number.isSafeInteger(offset) || offset < 0) return new Map()
      out.set(checkpointKey(topic, partition), offset)
    }
  } catch {
    // Unreadable: every partition starts as if there were no checkpoint.
    return new Map()
  }
  return out
}

/** Replaces the checkpoint of `logDir` (written aside, then renamed over it). Throws on I/O errors. */
export function writeHighWatermarks(logDir: string, entries: PartitionHighWatermark[]): void {
  const file = join(logDir, HIGH_WATERMARK_CHECKPOINT_FILE)
  const body = [String(VERSION), String(entries.length), ...entries.map((e) => `${e.topic} ${e.partition} ${e.highWatermark}`)].join('\n')
  writeFileSync(`${file}.tmp`, `${body}\n`, { mode: 0o600 })
  renameSync(`${file}.tmp`, file)
}
