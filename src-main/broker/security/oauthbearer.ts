// SASL/OAUTHBEARER (RFC 7628, KIP-255) with Kafka's default server-side validation of unsecured
// JWTs (OAuthBearerUnsecuredValidatorCallbackHandler): the token's header must say alg "none"
// and carry no signature, the principal comes from its "sub" claim (or the JAAS option
// unsecuredValidatorPrincipalClaimName), "exp" is required and must not have passed (allowing
// unsecuredValidatorAllowableClockSkewMs), and unsecuredValidatorRequiredScope names scopes the
// token's "scope" claim must hold. Meant for development, as in Kafka: nothing is verified.
import { SaslAuthenticationError, type SaslServer, type SaslStep } from './sasl-server'

export interface OAuthBearerOptions {
  principalClaimName?: string
  requiredScope?: string[]
  allowableClockSkewMs?: number
}

export class OAuthBearerServer implements SaslServer {
  readonly mechanism = 'OAUTHBEARER'
  private failed: string | null = null

  constructor(
    private readonly o: OAuthBearerOptions = {},
    private readonly now: () => number = Date.now,
  ) {}

  evaluate(token: Buffer): SaslStep {
    // After an error challenge the client answers with a lone %x01; the exchange then fails.
    if (this.failed !== null) throw new SaslAuthenticationError(this.failed)
    const msg = token.toString('utf8')
    const m = /^([ny]),(a=[^,]*)?,\x01(.*)\x01\x01$/s.exec(msg)
    if (!m) throw new SaslAuthenticationError('Invalid OAUTHBEARER client first message')
    const kv = new Map(m[3]!.split('\x01').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const))
    const auth = /^Bearer (\S+)$/.exec(kv.get('auth') ?? '')
    const why = auth ? this.invalid(auth[1]!) : 'Invalid OAUTHBEARER client first message: no Bearer token'
    if (typeof why === 'string') {
      this.failed = `Authentication failed: ${why}`
      return { challenge: Buffer.from(JSON.stringify({ status: 'invalid_token' }), 'utf8'), complete: false }
    }
    return { challenge: Buffer.alloc(0), complete: true, principal: { type: 'User', name: why.principal } }
  }

  /** Why the unsecured JWT is not acceptable, or its principal. */
  private invalid(jwt: string): string | { principal: string } {
    const parts = jwt.split('.')
    if (parts.length !== 3) return 'Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values'
    if (parts[2] !== '') return 'Unsecured JWS compact serializations must have an empty signature'
    let header: Record<string, unknown>
    let claims: Record<string, unknown>
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
    } catch {
      return 'Unsecured JWS header or claims are not valid JSON'
    }
    if (header.alg !== 'none') return 'Unsecured JWS must have alg "none"'
    const claimName = this.o.principalClaimName ?? 'sub'
    const principal = claims[claimName]
    if (typeof principal !== 'string' || principal.trim() === '') return `No principal claim "${claimName}"`
    const exp = claims.exp
    if (typeof exp !== 'number') return 'No expiration time claim "exp"'
    if (exp * 1000 + (this.o.allowableClockSkewMs ?? 0) < this.now()) return `The indicated time (${exp * 1000} ms) is before the current time`
    const scope = typeof claims.scope === 'string' ? (claims.scope as string).split(' ') : Array.isArray(claims.scope) ? (claims.scope as string[]) : []
    const missing = (this.o.requiredScope ?? []).filter((s) => !scope.includes(s))
    if (missing.length) return `The provided scope ${JSON.stringify(scope)} is missing the required scope ${JSON.stringify(missing)}`
    return { principal }
  }
}
