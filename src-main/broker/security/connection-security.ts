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
import { OAuthBearerServer } from './oauthbearer'
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
  /** The mechanism of the completed authentication (re-authentication must use the same). */
  private mechanism: string | null = null
  /** KIP-368: when the authenticated session ends (connections.max.reauth.ms); null when it does not. */
  private expiresAt: number | null = null
  /** True while an authenticated client re-authenticates (its earlier principal stays in force). */
  private reauthenticating = false

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

  /**
   * Why a request may not be handled now, or null: before authentication only ApiVersions and the
   * SASL APIs pass; after a session's lifetime (connections.max.reauth.ms) only a re-authentication
   * does, and anything else closes the connection, as Kafka does.
   */
  refuses(apiKey: number, apiName: string, now = Date.now()): string | null {
    if (this.state === 'done') {
      if (this.expiresAt !== null && apiKey === SASL_HANDSHAKE) return null
      if (this.expiresAt !== null && now > this.expiresAt)
        return `the authenticated session expired (connections.max.reauth.ms) and ${apiName} came before a re-authentication`
      return null
    }
    if (apiKey === API_VERSIONS && this.state === 'handshake') return null
    if (apiKey === SASL_HANDSHAKE && this.state === 'handshake') return null
    if (apiKey === SASL_AUTHENTICATE && this.state === 'authenticate') return null
    return `Unexpected Kafka request of type ${apiName} during SASL handshake.`
  }

  /** sasl.enabled.mechanisms of the listener (Kafka's default is GSSAPI, which this broker does not offer). */
  enabledMechanisms(): string[] {
    const v = listenerConfig(this.o.configs, this.listenerName, 'sasl.enabled.mechanisms') ?? 'GSSAPI'
    return v
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s !== '')
  }

  /** SaslHandshake: picks the mechanism; v0 switches the connection to raw tokens. */
  handshake(mechanism: string, version: number): { errorCode: number; mechanisms: string[] } {
    const mechanisms = this.enabledMechanisms()
    // KIP-368 re-authentication: a SaslHandshake v1 on an authenticated connection, same mechanism.
    if (this.state === 'done' && this.expiresAt !== null && version >= 1) {
      if (mechanism !== this.mechanism) {
        this.closeAfterResponse = `re-authentication with ${mechanism} after ${this.mechanism}`
        return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: this.mechanism ? [this.mechanism] : [] }
      }
      this.serverFor(mechanism)
      this.reauthenticating = true
      this.state = 'authenticate'
      return { errorCode: ErrorCode.NONE, mechanisms }
    }
    if (this.state !== 'handshake') return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms }
    if (!mechanisms.includes(mechanism) || !this.serverFor(mechanism)) {
      this.closeAfterResponse = `unsupported SASL mechanism ${mechanism}`
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }
    }
    this.state = version === 0 ? 'raw' : 'authenticate'
    return { errorCode: ErrorCode.NONE, mechanisms }
  }

  /** SaslAuthenticate: one token of the exchange. A failure is answered, then the connection closes. */
  authenticate(token: Buffer, version = 1): SaslAuthenticateResult {
    if (this.state !== 'authenticate' || !this.server) {
      this.closeAfterResponse = 'SaslAuthenticate out of order'
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'Unexpected SaslAuthenticate request', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 }
    }
    try {
      const mechanism = this.server.mechanism
      const step = this.server.evaluate(token)
      if (!step.complete) return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.challenge, sessionLifetimeMs: 0 }
      if (this.reauthenticating && (step.principal!.type !== this.principal.type || step.principal!.name !== this.principal.name)) {
        throw new SaslAuthenticationError(
          `Cannot change principals during re-authentication from ${this.principal.type}:${this.principal.name}: ${step.principal!.type}:${step.principal!.name}`,
        )
      }
      // Sessions expire only for clients that can re-authenticate (SaslAuthenticate v1+, KIP-368).
      this.complete(step.principal!, mechanism, version >= 1)
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        authBytes: step.challenge,
        sessionLifetimeMs: this.expiresAt === null ? 0 : this.reauthMs(mechanism),
      }
    } catch (e) {
      if (!(e instanceof SaslAuthenticationError)) throw e
      this.closeAfterResponse = `authentication failed: ${e.message}`
      return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: e.message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 }
    }
  }

  /** A raw token after a v0 handshake: returns the challenge to send back (size-prefixed, no header); throws on failure (Kafka then closes). */
  authenticateRaw(token: Buffer): Buffer {
    const mechanism = this.server!.mechanism
    const step = this.server!.evaluate(token)
    // v0 clients cannot re-authenticate, so their sessions do not expire.
    if (step.complete) this.complete(step.principal!, mechanism, false)
    return step.challenge
  }

  /** connections.max.reauth.ms of the listener and mechanism (0: sessions never expire). */
  private reauthMs(mechanism: string): number {
    const v = Number(listenerConfig(this.o.configs, this.listenerName, 'connections.max.reauth.ms', mechanism) ?? '0')
    return Number.isFinite(v) && v > 0 ? v : 0
  }

  private complete(principal: KafkaPrincipal, mechanism: string, expires = true, now = Date.now()): void {
    this.principal = principal
    this.mechanism = mechanism
    this.state = 'done'
    this.server = undefined
    this.reauthenticating = false
    const ms = expires ? this.reauthMs(mechanism) : 0
    this.expiresAt = ms > 0 ? now + ms : null
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
    } else if (mechanism === 'OAUTHBEARER') {
      // Options of the listener's OAuthBearerLoginModule entry, as Kafka's unsecured validator reads them.
      const jaas = listenerConfig(this.o.configs, this.listenerName, 'sasl.jaas.config', 'oauthbearer')
      let options = new Map<string, string>()
      if (jaas) {
        try {
          options = parseJaasConfig(jaas).options
        } catch (e) {
          if (!(e instanceof JaasConfigError)) throw e
        }
      }
      const scope = options.get('unsecuredValidatorRequiredScope')
      this.server = new OAuthBearerServer({
        principalClaimName: options.get('unsecuredValidatorPrincipalClaimName'),
        requiredScope: scope ? scope.split(/[\s,]+/).filter((x) => x !== '') : [],
        allowableClockSkewMs: Number(options.get('unsecuredValidatorAllowableClockSkewMs') ?? 0),
      })
    } else return undefined
    return this.server
  }
}
