// The listeners of one broker: opened at start from Kafka's listener configs, closed at stop,
// and registered with the controller with their advertised endpoints.
import type { Server, Socket } from 'node:net'
import { openListener, type OpenListener } from './acceptor'
import { interBrokerListenerName, listenerSpecs, type ListenerEndpoint } from './listeners'
import type { ConnectionSecurity } from '../security/connection-security'
import type { ScramCredential, ScramMechanism } from '../security/scram'
import { SCRAM_MECHANISM_IDS } from '../security/scram'
import type { SecurityImage } from '../security/security-image'
import { Authorizer, AUTHORIZER_CLASSES } from '../security/authorizer'
import { interBrokerSecurity, type PeerSecurity } from '../security/inter-broker-security'

export interface ListenerHost {
  readonly nodeId: number
  readonly host: string
  readonly staticConfigs: Readonly<Record<string, string>>
  readonly security: SecurityImage
  accept(socket: Socket, security: ConnectionSecurity): void
  log(line: string): void
}

export class BrokerListeners {
  private open: OpenListener[] = []
  private interBroker = 'PLAINTEXT'
  private peerSecurity: PeerSecurity | undefined

  constructor(private readonly host: ListenerHost) {}

  /** Binds every listener; `port` is the one PLAINTEXT listener's when `listeners` is not configured. */
  async start(port: number): Promise<void> {
    const configs = this.host.staticConfigs
    const specs = listenerSpecs({ configs, host: this.host.host, port, portOffset: this.host.nodeId - 1 })
    this.interBroker = interBrokerListenerName(configs, specs)
    const ib = specs.find((s) => s.name === this.interBroker)!
    // Checked before binding, so a wrong password or a missing inter-broker credential stops the start.
    this.peerSecurity = ib.securityProtocol === 'PLAINTEXT' ? undefined : interBrokerSecurity(configs, ib)
    const scram = (user: string, m: ScramMechanism): ScramCredential | undefined => this.host.security.scram.get(user)?.get(SCRAM_MECHANISM_IDS[m])
    try {
      for (const spec of specs) {
        this.open.push(
          await openListener(spec, {
            staticConfigs: configs,
            scramCredential: scram,
            accept: (s, sec) => this.host.accept(s, sec),
            log: (l) => this.host.log(l),
          }),
        )
      }
    } catch (e) {
      await this.stop()
      throw e
    }
    for (const l of this.open) this.host.log(`listener ${l.spec.name} (${l.spec.securityProtocol}) on ${l.spec.host}:${l.port}`)
  }

  /** The inter-broker listener's bound port (what the broker registers as its host:port). */
  get interBrokerPort(): number {
    return this.open.find((l) => l.spec.name === this.interBroker)?.port ?? 0
  }

  /** How this broker connects to the others' inter-broker listener (TLS, SASL), undefined on PLAINTEXT. */
  get interBrokerSecurity(): PeerSecurity | undefined {
    return this.peerSecurity
  }

  /** Every listener with the address its clients are told (a port 0 listener advertises the port it got). */
  endpoints(): ListenerEndpoint[] {
    return this.open.map((l) => ({
      name: l.spec.name,
      securityProtocol: l.spec.securityProtocol,
      host: l.spec.advertisedHost,
      port: l.spec.advertisedPort === 0 ? l.port : l.spec.advertisedPort,
    }))
  }

  async stop(): Promise<void> {
    const servers: Server[] = this.open.map((l) => l.server)
    this.open = []
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  }
}

/** The broker's authorizer when authorizer.class.name names Kafka's ACL authorizer; undefined (everything allowed) otherwise. */
export function authorizerFor(configs: Readonly<Record<string, string>>, security: SecurityImage): Authorizer | undefined {
  const cls = configs['authorizer.class.name']?.trim()
  if (!cls) return undefined
  if (!AUTHORIZER_CLASSES.includes(cls))
    throw new Error(`authorizer.class.name ${cls} is not supported (use org.apache.kafka.metadata.authorizer.StandardAuthorizer)`)
  return new Authorizer(security, { superUsers: configs['super.users'] ?? '', allowEveryoneIfNoAclFound: configs['allow.everyone.if.no.acl.found'] === 'true' })
}
