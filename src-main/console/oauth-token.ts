// Tokens for SASL/OAUTHBEARER connections. Two sources, as Kafka's clients offer them:
// - an OIDC token endpoint with the client-credentials grant (RFC 6749 4.4), the client id and
//   secret sent with HTTP Basic authentication (RFC 6749 2.3.1), as Kafka's
//   ClientCredentialsJwtRetriever does; the token is reused until 80% of its lifetime has passed
//   (Kafka's sasl.login.refresh.window.factor default), then fetched again;
// - an unsecured JWT (`alg: none`, empty signature) built here, like librdkafka's
//   enable.sasl.oauthbearer.unsecure.jwt: only a broker with Kafka's unsecured validator accepts it.
import { ContractError } from '../ipc/contract'

export type OAuthBearerSource =
  | { kind: 'oidc'; tokenEndpointUrl: string; clientId: string; clientSecret?: string; scope?: string }
  | { kind: 'unsecured-jwt'; principal: string; scope?: string; lifetimeSeconds?: number }

/** Share of a token's lifetime after which a new one is fetched. */
const REFRESH_WINDOW_FACTOR = 0.8
const DEFAULT_LIFETIME_SECONDS = 3600

/** An unsecured JWS compact serialization: header and claims in base64url, empty signature. */
export function unsecuredJwt(principal: string, lifetimeSeconds = DEFAULT_LIFETIME_SECONDS, scope?: string, nowMs = Date.now()): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const iat = Math.floor(nowMs / 1000)
  const claims: Record<string, unknown> = { sub: principal, iat, exp: iat + lifetimeSeconds }
  const scopes = scope?.split(/\s+/).filter((x) => x !== '')
  if (scopes?.length) claims.scope = scopes.join(' ')
  return `${b64({ alg: 'none' })}.${b64(claims)}.`
}

/** Fetches, caches and refreshes the token of one connection. */
export class OAuthBearerTokens {
  private cached?: { value: string; refreshAt: number }
  private inflight?: Promise<string>

  constructor(
    private readonly source: OAuthBearerSource,
    private readonly timeoutMs = 10_000,
  ) {}

  /** A valid token, fetched again when the cached one is near its end. */
  token(): Promise<string> {
    if (this.source.kind === 'unsecured-jwt') {
      const s = this.source
      return Promise.resolve(unsecuredJwt(s.principal, s.lifetimeSeconds, s.scope))
    }
    if (this.cached && Date.now() < this.cached.refreshAt) return Promise.resolve(this.cached.value)
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined
    })
    return this.inflight
  }

  private async fetchToken(): Promise<string> {
    const s = this.source as Extract<OAuthBearerSource, { kind: 'oidc' }>
    const url = s.tokenEndpointUrl
    const form = new URLSearchParams({ grant_type: 'client_credentials' })
    if (s.scope?.trim()) form.set('scope', s.scope.trim())
    const basic = Buffer.from(`${encodeURIComponent(s.clientId)}:${encodeURIComponent(s.clientSecret ?? '')}`).toString('base64')
    const started = Date.now()
    let res: Response
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } }
      const why = err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message)
      throw new ContractError('OAUTH_TOKEN_ENDPOINT_UNREACHABLE', `the OAuth token endpoint ${url} could not be reached (${why})`)
    }
    const text = await res.text().catch(() => '')
    if (!res.ok) {
      // RFC 6749 5.2: an error answer is JSON with "error" and maybe "error_description".
      let detail = text.slice(0, 300)
      try {
        const j = JSON.parse(text) as { error?: string; error_description?: string }
        if (j.error) detail = j.error_description ? `${j.error}: ${j.error_description}` : j.error
      } catch {
        /* not JSON: keep the text */
      }
      throw new ContractError(
        'OAUTH_TOKEN_REFUSED',
        `the OAuth token endpoint ${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${detail ? ` (${detail})` : ''}`,
      )
    }
    let body: { access_token?: unknown; expires_in?: unknown }
    try {
      body = JSON.parse(text) as typeof body
    } catch {
      throw new ContractError('OAUTH_TOKEN_REFUSED', `the OAuth token endpoint ${url} did not answer with JSON`)
    }
    if (typeof body.access_token !== 'string' || !body.access_token)
      throw new ContractError('OAUTH_TOKEN_REFUSED', `the OAuth token endpoint ${url} answered without an access_token`)
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? DEFAULT_LIFETIME_SECONDS)) * 1000
    this.cached = { value: body.access_token, refreshAt: started + Math.max(0, lifetimeMs) * REFRESH_WINDOW_FACTOR }
    return body.access_token
  }
}
