// Form validation rules mirroring what the broker enforces, so errors show before sending.

const TOPIC_RE = /^[a-zA-Z0-9._-]+$/

/** Kafka's topic name rules: 1..249 chars of [a-zA-Z0-9._-], not "." or "..". */
export function validateTopicName(name: string): string | null {
  if (name.length === 0) return 'Topic name is required'
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > 249) return 'Topic name can be at most 249 characters'
  if (!TOPIC_RE.test(name)) return 'Only letters, digits, ".", "_" and "-" are allowed'
  return null
}

/** A warning (not an error) Kafka itself prints: "." and "_" collide in metric names. */
export function topicNameWarning(name: string, existing: string[]): string | null {
  const norm = (s: string) => s.replace(/\./g, '_')
  const clash = existing.find((t) => t !== name && norm(t) === norm(name))
  return clash ? `"${name}" collides with "${clash}" in metric names ("." and "_" are treated alike)` : null
}

export function validateIntRange(v: unknown, label: string, min: number, max = Number.MAX_SAFE_INTEGER): string | null {
  const n = typeof v === 'number' ? v : Number(String(v ?? '').trim())
  if (String(v ?? '').trim() === '' || !Number.isInteger(n)) return `${label} must be a whole number`
  if (n < min) return `${label} must be at least ${min}`
  if (n > max) return `${label} must be at most ${max}`
  return null
}

/** "host:port[,host:port…]" — the bootstrap.servers form. */
export function validateBootstrap(text: string): string | null {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (parts.length === 0) return 'At least one bootstrap server is required'
  for (const p of parts) {
    const m = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(p)
    if (!m) return `"${p}" is not host:port`
    const port = Number(m[2])
    if (port < 1 || port > 65535) return `port ${port} in "${p}" is out of range`
  }
  return null
}

export function parseBootstrap(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}
