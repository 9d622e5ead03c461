/** Per-log (topic-level) configuration, with Kafka's names and defaults. */

export interface LogConfig {
  'segment.bytes': number
  'segment.ms': number
  'retention.ms': number
  'retention.bytes': number
  'index.interval.bytes': number
  'message.timestamp.type': 'CreateTime' | 'LogAppendTime'
  'message.timestamp.before.max.ms': number
  'message.timestamp.after.max.ms': number
  'max.message.bytes': number
  /** 'delete', 'compact' or 'compact,delete'. */
  'cleanup.policy': string
  // the log cleaner (compacted topics)
  'delete.retention.ms': number
  'min.cleanable.dirty.ratio': number
  'min.compaction.lag.ms': number
  'max.compaction.lag.ms': number
}

export const defaultLogConfig: Readonly<LogConfig> = Object.freeze({
  'segment.bytes': 1073741824,
  'segment.ms': 604800000,
  'retention.ms': 604800000,
  'retention.bytes': -1,
  'index.interval.bytes': 4096,
  'message.timestamp.type': 'CreateTime',
  'message.timestamp.before.max.ms': Number.MAX_SAFE_INTEGER,
  'message.timestamp.after.max.ms': 3600000,
  'max.message.bytes': 1048588,
  'cleanup.policy': 'delete',
  'delete.retention.ms': 86400000,
  'min.cleanable.dirty.ratio': 0.5,
  'min.compaction.lag.ms': 0,
  'max.compaction.lag.ms': Number.MAX_SAFE_INTEGER,
})

/**
 * Builds a LogConfig from values as Kafka reports them (strings) or numbers; unknown keys are
 * ignored, missing ones take the defaults. Long.MAX_VALUE ('9223372036854775807') becomes
 * Number.MAX_SAFE_INTEGER.
 */
export function logConfigFrom(values: Partial<Record<keyof LogConfig, string | number>> | Record<string, string | number | undefined> = {}): LogConfig {
  const v = values as Record<string, string | number | undefined>
  const out: LogConfig = { ...defaultLogConfig }
  const num = (k: keyof LogConfig): void => {
    const x = v[k]
    if (x === undefined || x === '') return
    const n = typeof x === 'number' ? x : Number(x)
    if (!Number.isFinite(n)) throw new Error(`invalid value for ${k}: ${String(x)}`)
    ;(out as unknown as Record<string, number>)[k] = Math.min(n, Number.MAX_SAFE_INTEGER)
  }
  num('segment.bytes')
  num('segment.ms')
  num('retention.ms')
  num('retention.bytes')
  num('index.interval.bytes')
  num('message.timestamp.before.max.ms')
  num('message.timestamp.after.max.ms')
  num('max.message.bytes')
  num('delete.retention.ms')
  num('min.cleanable.dirty.ratio')
  num('min.compaction.lag.ms')
  num('max.compaction.lag.ms')
  const tt = v['message.timestamp.type']
  if (tt !== undefined) {
    if (tt !== 'CreateTime' && tt !== 'LogAppendTime') throw new Error(`invalid value for message.timestamp.type: ${String(tt)}`)
    out['message.timestamp.type'] = tt
  }
  const cp = v['cleanup.policy']
  if (cp !== undefined) out['cleanup.policy'] = String(cp)
  // Kafka rolls the active segment of a compacted log after max.compaction.lag.ms at the latest
  // (KIP-354's maxSegmentMs), so no record waits in it longer than that to be compacted
  if (hasCompactPolicy(out)) out['segment.ms'] = Math.min(out['segment.ms'], out['max.compaction.lag.ms'])
  return out
}

export function hasDeletePolicy(c: LogConfig): boolean {
  return c['cleanup.policy'].split(',').some((p) => p.trim() === 'delete')
}

export function hasCompactPolicy(c: LogConfig): boolean {
  return c['cleanup.policy'].split(',').some((p) => p.trim() === 'compact')
}
