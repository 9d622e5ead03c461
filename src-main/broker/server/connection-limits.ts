/**
 * Kafka's connection quotas on one broker: max.connections (all listeners), max.connections.per.ip
 * with max.connections.per.ip.overrides ("host-or-ip:count,…"). A connection past a limit is
 * closed as soon as it is accepted, before anything it sends is read, as Kafka's acceptor does
 * for the per-IP limit.
 */
export interface LimitConfig {
  int(name: string): number
  get(name: string): string | null
}

export class ConnectionLimits {
  private total = 0
  private readonly perIp = new Map<string, number>()

  constructor(private readonly config: LimitConfig) {}

  /** Counts the connection in, or says why it must be closed. */
  admit(ip: string): string | null {
    const max = this.config.int('max.connections')
    if (this.total >= max) return `max.connections (${max}) reached`
    const fromIp = this.perIp.get(ip) ?? 0
    const ipMax = this.limitFor(ip)
    if (fromIp >= ipMax) return `max.connections.per.ip (${ipMax}) reached for ${ip}`
    this.total++
    this.perIp.set(ip, fromIp + 1)
    return null
  }

  release(ip: string): void {
    this.total--
    const n = (this.perIp.get(ip) ?? 1) - 1
    if (n <= 0) this.perIp.delete(ip)
    else this.perIp.set(ip, n)
  }

  private limitFor(ip: string): number {
    const overrides = this.config.get('max.connections.per.ip.overrides') ?? ''
    for (const entry of overrides.split(',')) {
      // host:count, split at the last colon so IPv6 addresses work.
      const at = entry.lastIndexOf(':')
      if (at <= 0) continue
      if (normalize(entry.slice(0, at).trim()) === normalize(ip)) {
        const n = Number(entry.slice(at + 1).trim())
        if (Number.isInteger(n) && n >= 0) return n
      }
    }
    return this.config.int('max.connections.per.ip')
  }
}

/** IPv4 clients of a dual-stack socket show as ::ffff:a.b.c.d. */
function normalize(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip
}

const byBroker = new WeakMap<object, ConnectionLimits>()

/** The limits of one broker (created on its first connection). */
export function connectionLimitsOf(broker: object, config: LimitConfig): ConnectionLimits {
  let l = byBroker.get(broker)
  if (!l) {
    l = new ConnectionLimits(config)
    byBroker.set(broker, l)
  }
  return l
}
