// Kafka's listener configs: `listeners`, `advertised.listeners`, `listener.security.protocol.map`,
// `inter.broker.listener.name` (or `security.inter.broker.protocol`) and
// `controller.listener.names`, read as a Kafka broker reads them from server.properties.
import { isSecurityProtocol, type SecurityProtocol } from '../security/security-protocol'

export interface ListenerSpec {
  /** The listener's name (PLAINTEXT, SSL, or any name mapped in listener.security.protocol.map). */
  name: string
  securityProtocol: SecurityProtocol
  /** Address to bind; '' binds the broker's own host. */
  host: string
  port: number
  /** What clients of this listener are told (advertised.listeners, else the bound address). */
  advertisedHost: string
  advertisedPort: number
}

/** The endpoint of one listener of a broker, as the broker registers it with the controller. */
export interface ListenerEndpoint {
  name: string
  securityProtocol: SecurityProtocol
  host: string
  port: number
}

export class ListenerConfigError extends Error {}

/** Kafka's default listener.security.protocol.map: each protocol's name maps to itself. */
const DEFAULT_MAP = 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL'

interface ParsedListener {
  name: string
  host: string
  port: number
}

/** "NAME://host:port,…": host may be empty (the default interface) or an [IPv6] literal. */
export function parseListenerList(value: string, key: string): ParsedListener[] {
  const out: ParsedListener[] = []
  for (const raw of value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const m = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(raw)
    if (!m) throw new ListenerConfigError(`Invalid value ${raw} for configuration ${key}: expected NAME://host:port`)
    const name = m[1]!.toUpperCase()
    if (out.some((l) => l.name === name)) throw new ListenerConfigError(`Each listener must have a different name, ${key} has ${name} twice`)
    const port = Number(m[3])
    if (port > 65535) throw new ListenerConfigError(`Invalid port ${port} in ${key}`)
    out.push({ name, host: m[2]!.replace(/^\[|\]$/g, ''), port })
  }
  return out
}

export function parseProtocolMap(value: string): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>()
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const [name, proto] = entry.split(':').map((s) => s.trim().toUpperCase())
    if (!name || !proto || !isSecurityProtocol(proto)) {
      throw new ListenerConfigError(`Invalid value ${entry} for configuration listener.security.protocol.map: expected LISTENER_NAME:SECURITY_PROTOCOL`)
    }
    map.set(name, proto)
  }
  return map
}

export interface ListenerOptions {
  /** The broker's static configs (server.properties and --config). */
  configs: Readonly<Record<string, string>>
  /** Host to bind and advertise when a listener leaves it empty. */
  host: string
  /** The port of the single PLAINTEXT listener used when `listeners` is not set. */
  port: number
  /**
   * Added to every non-zero port of `listeners`/`advertised.listeners`: the embedded cluster gives
   * all its brokers one server.properties, so broker N listens on each port + N - 1.
   */
  portOffset: number
}

/** The listeners a broker opens, in the order given; the inter-broker listener is marked by interBrokerListenerName(). */
export function listenerSpecs(o: ListenerOptions): ListenerSpec[] {
  const c = o.configs
  const value = c.listeners
  if (value === undefined || value.trim() === '') {
    return [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: o.host, port: o.port, advertisedHost: o.host, advertisedPort: o.port }]
  }
  const map = parseProtocolMap(c['listener.security.protocol.map'] ?? DEFAULT_MAP)
  // The controller runs in the supervisor, not in the brokers: its listeners are not opened here.
  const controllerNames = new Set(
    (c['controller.listener.names'] ?? '')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s !== ''),
  )
  const shift = (port: number) => (port === 0 ? 0 : port + o.portOffset)
  const advertised = new Map(parseListenerList(c['advertised.listeners'] ?? '', 'advertised.listeners').map((l) => [l.name, l]))
  const out: ListenerSpec[] = []
  for (const l of parseListenerList(value, 'listeners')) {
    if (controllerNames.has(l.name)) continue
    const protocol = map.get(l.name)
    if (!protocol) throw new ListenerConfigError(`No security protocol defined for listener ${l.name} (listener.security.protocol.map)`)
    const host = l.host === '' || l.host === '0.0.0.0' || l.host === '::' ? o.host : l.host
    const adv = advertised.get(l.name)
    out.push({
      name: l.name,
      securityProtocol: protocol,
      host,
      port: shift(l.port),
      advertisedHost: adv && adv.host !== '' ? adv.host : host,
      advertisedPort: adv ? shift(adv.port) : shift(l.port),
    })
  }
  if (out.length === 0) throw new ListenerConfigError('listeners names no broker listener')
  return out
}

/** inter.broker.listener.name, else the listener whose name is security.inter.broker.protocol (PLAINTEXT by default). */
export function interBrokerListenerName(configs: Readonly<Record<string, string>>, specs: ListenerSpec[]): string {
  const named = configs['inter.broker.listener.name']?.trim().toUpperCase()
  const name = named || (configs['security.inter.broker.protocol']?.trim().toUpperCase() ?? 'PLAINTEXT')
  if (specs.some((s) => s.name === name)) return name
  // A single listener that is not PLAINTEXT (e.g. listeners=SASL_SSL://…) serves the brokers too when nothing else is named.
  if (!named && !configs['security.inter.broker.protocol'] && specs.length === 1) return specs[0]!.name
  throw new ListenerConfigError(`inter.broker.listener.name ${name} must be one of the listeners (${specs.map((s) => s.name).join(', ')})`)
}

/** The endpoint of a broker on the listener a client came in on; undefined when the broker has no such listener. */
export function endpointOn<B extends { host: string; port: number; listeners?: ListenerEndpoint[] }>(
  b: B,
  listenerName: string | undefined,
): { host: string; port: number } | undefined {
  if (!listenerName || !b.listeners || b.listeners.length === 0) return { host: b.host, port: b.port }
  const l = b.listeners.find((x) => x.name === listenerName)
  return l ? { host: l.host, port: l.port } : undefined
}
