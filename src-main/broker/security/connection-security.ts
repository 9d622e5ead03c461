// The security state of one client connection: the listener it came in on, its principal (from
// its TLS certificate or its SASL authentication, User:ANONYMOUS otherwise) and, on a SASL
// listener, where it is in Kafka's exchange: SaslHandshake, then SaslAuthenticate requests (v1)
// or raw size-prefixed tokens (v0), and nothing else until it is authenticated.
import { ErrorCode } from '../errors'
import { parseJaasConfig, plainUsers, JaasConfigError } from './jaas'
import { listenerConfig, type StaticConfigs } from './listener-config'
import { PlainServer } from './plain'
import { ANONYMOUS, type KafkaPrincipal } from './principal'
import { SaslAuthenticationError, type SaslServer } from './sasl-server'
import { ScramServer, type ScramCredential, type ScramMechanism } from './scram'
import { usesSasl, type SecurityProtocol } from './security-protocol'

const API_VERSIONS = 18
const SASL_HANDSHAKE = 17
const SASL_AUTHENTICATE = 36

export interface ConnectionSecurityOptions {
  listenerName: string
  securityProtocol: SecurityProtocol
  configs: StaticConfigs
  clientHost: string
  /** The principal of a TLS client certificate, when the client showed one. */
  tlsPrincipal?: KafkaPrincipal
  scramCredential(user: string, mechanism: ScramMechanism): ScramCredential | undefined
}

type SaslState = 'handshake' | 'authenticate' | 'raw' | 'done'

export interface SaslAuthenticateResult {
  errorCode: number
  errorMessage: string | null
  authBytes: Buffer
  sessionLifetimeMs: number
}

export class ConnectionSecurity {
  principal: KafkaPrincipal
  readonly listenerName: string
  readonly securityProtocol: SecurityProtocol
  readonly clientHost: string
  /** Set when Kafka closes the connection after the response it is sending (failed or refused authentication). */
  closeAfterResponse: string | null = null
  private state: SaslState
  private server?: SaslServer

  constructor(private readonly o: ConnectionSecurityOptions) {
    this.listenerName = o.listenerName
    this.securityProtocol = o.securityProtocol
    this.clientHost = o.clientHost
    this.principal = o.tlsPrincipal ?? ANONYMOUS
    this.state = usesSasl(o.securityProtocol) ? 'handshake' : 'done'
  }

  get authenticated(): boolean {
    return this.state === 'done'
  }

  /** True while the next frame is a raw SASL token (after a v0 SaslHandshake), not a request. */
  get expectsRawToken(): boolean {
    return this.state === 'raw'
  }

  /** Why a request may not be handled yet, or null: before authentication only ApiVersions and the SASL APIs pass. */
  refuses(apiKey: number, apiName: string): string | null {
    if (this.state === 'done') return null
    if (apiKey === API_VERSIONS && this.state === 'handshake') return null
    if (apiKey === SASL_HANDSHAKE && this.state === 'handshake') return null
    if (apiKey === SASL_AUTHENTICATE && this.state === 'authenticate') return null
    return `Unexpected Kafka request of type ${apiName} during SASL handshake.`
  }

  /** sasl.enabled.mechanisms of the listener (Kafka's default is GSSAPI, which this broker does not offer). */
  enabledMechanisms(): string[] {
    const v = listenerConfig(this.o.configs, this.listenerName, 'sasl.enabled.mechanisms') ?? 'GSSAPI'
    return v.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '')
  }

  /** SaslHandshake: picks the mechanism; v0 switches the connection to raw tokens. */
  handshake(mechanism: string, version: number): { errorCode: number; mechanisms: string[] } {
    const mechanisms = this.enabledMechanisms()
    if (this.state !== 'handshake') return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms }
    if (!mechanisms.includes(mechanism) || !this.serverFor(mechanism)) {
      this.closeAfterResponse = `unsupported SASL mechanism ${mechanism}`
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }
    }
    this.state = version === 0 ? 'raw' : 'authenticate'
    return { errorCode: ErrorCode.NONE, mechanisms }
  }

  /** SaslAuthenticate: one token of the exchange. A failure is answered, then the connection closes. */
  authenticate(token: Buffer): SaslAuthenticateResult {
    if (this.state !== 'authenticate' || !this.server) {
      this.closeAfterResponse = 'SaslAuthenticate out of order'
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'Unexpected SaslAuthenticate request', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 }
    }
    try {
      const step = this.server.evaluate(token)
      if (step.complete) this.complete(step.principal!)
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.challenge, sessionLifetimeMs: 0 }
    } catch (e) {
      if (!(e instanceof SaslAuthenticationError)) throw e
      this.closeAfterResponse = `authentication failed: ${e.message}`
      return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: e.message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 }
    }
  }

  /** A raw token after a v0 handshake: returns the challenge to send back (size-prefixed, no header); throws on failure (Kafka then closes). */
  authenticateRaw(token: Buffer): Buffer {
    const step = this.server!.evaluate(token)
    if (step.complete) this.complete(step.principal!)
    return step.challenge
  }

  private complete(principal: KafkaPrincipal): void {
    this.principal = principal
    this.state = 'done'
    this.server = undefined
  }

  private serverFor(mechanism: string): SaslServer | undefined {
    if (mechanism === 'PLAIN') {
      const jaas = listenerConfig(this.o.configs, this.listenerName, 'sasl.jaas.config', 'plain')
      let users = new Map<string, string>()
      if (jaas) {
        try {
          users = plainUsers(parseJaasConfig(jaas))
        } catch (e) {
          if (!(e instanceof JaasConfigError)) throw e
        }
      }
      this.server = new PlainServer(users)
    } else if (mechanism === 'SCRAM-SHA-256' || mechanism === 'SCRAM-SHA-512') {
      this.server = new ScramServer(mechanism, (u, m) => this.o.scramCredential(u, m))
    } else return undefined
    return this.server
  }
}
