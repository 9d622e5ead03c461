/** Saved connections, their test result, and how secrets are kept. */
import { z } from 'zod'
import { Id, NodeId } from './common'

export const SaslMechanism = z.enum(['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'])

/**
 * Where an OAUTHBEARER connection gets its token. 'oidc': an identity provider's token endpoint
 * with the client-credentials grant (RFC 6749 4.4), refreshed before it expires. 'unsecured-jwt':
 * an `alg: none` token the console builds itself, as librdkafka's enable.sasl.oauthbearer.unsecure.jwt
 * and Kafka's unsecuredLoginStringClaim_sub do; only brokers using Kafka's unsecured validator
 * (local/dev clusters) accept it.
 */
export const OAuthBearerInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('oidc'),
    tokenEndpointUrl: z.string().url(),
    clientId: z.string().min(1),
    /** Omit to keep the stored secret. */
    clientSecret: z.string().optional(),
    /** Space-separated scopes to ask for. */
    scope: z.string().optional(),
  }),
  z.object({
    kind: z.literal('unsecured-jwt'),
    /** The token's "sub" claim: the principal the broker sees. */
    principal: z.string().min(1),
    scope: z.string().optional(),
    lifetimeSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400 * 365)
      .optional(),
  }),
])
export type OAuthBearerInput = z.infer<typeof OAuthBearerInput>

export const OAuthBearerInfo = z.object({
  kind: z.enum(['oidc', 'unsecured-jwt']),
  tokenEndpointUrl: z.string().optional(),
  clientId: z.string().optional(),
  hasClientSecret: z.boolean(),
  scope: z.string().optional(),
  principal: z.string().optional(),
  lifetimeSeconds: z.number().int().optional(),
})
export type OAuthBearerInfo = z.infer<typeof OAuthBearerInfo>

export const ConnectionInput = z.object({
  /** Omit to create a new connection. */
  id: Id.optional(),
  name: z.string().min(1).max(200),
  bootstrapServers: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1, 'at least one bootstrap server'),
  clientId: z.string().min(1).max(200).optional(),
  sasl: z
    .object({
      mechanism: SaslMechanism,
      /** Required for PLAIN and SCRAM; OAUTHBEARER takes its identity from the token. */
      username: z.string(),
      /** Omit to keep the stored password. */
      password: z.string().optional(),
      /** Required for OAUTHBEARER. */
      oauth: OAuthBearerInput.optional(),
    })
    .superRefine((s, ctx) => {
      if (s.mechanism === 'oauthbearer') {
        if (!s.oauth) ctx.addIssue({ code: 'custom', path: ['oauth'], message: 'OAUTHBEARER needs a token source' })
      } else if (!s.username) ctx.addIssue({ code: 'custom', path: ['username'], message: 'a user name is required' })
    })
    .optional(),
  tls: z
    .object({
      enabled: z.boolean(),
      /** PEM text. */
      ca: z.string().optional(),
      cert: z.string().optional(),
      /** PEM text; stored as a secret. */
      key: z.string().optional(),
      /** Skip certificate verification. Insecure: the UI must show the returned warning. */
      skipVerify: z.boolean().optional(),
    })
    .optional(),
  schemaRegistry: z.object({ url: z.string().url(), username: z.string().optional(), password: z.string().optional() }).optional(),
  connectionTimeoutMs: z.number().int().min(100).max(120_000).optional(),
  requestTimeoutMs: z.number().int().min(100).max(600_000).optional(),
})
export type ConnectionInput = z.infer<typeof ConnectionInput>

export const ConnectionInfo = z.object({
  id: Id,
  name: z.string(),
  kind: z.enum(['embedded', 'remote']),
  bootstrapServers: z.array(z.string()),
  clientId: z.string().optional(),
  sasl: z.object({ mechanism: SaslMechanism, username: z.string(), hasPassword: z.boolean(), oauth: OAuthBearerInfo.optional() }).optional(),
  tls: z.object({ enabled: z.boolean(), hasCa: z.boolean(), hasCert: z.boolean(), hasKey: z.boolean(), skipVerify: z.boolean() }).optional(),
  schemaRegistry: z.object({ url: z.string(), username: z.string().optional(), hasPassword: z.boolean() }).optional(),
  connectionTimeoutMs: z.number().int().optional(),
  requestTimeoutMs: z.number().int().optional(),
  open: z.boolean(),
  /** E.g. the skip-verify warning. */
  warnings: z.array(z.string()),
})
export type ConnectionInfo = z.infer<typeof ConnectionInfo>

export const Diagnosis = z.enum(['OK', 'UNREACHABLE', 'TIMEOUT', 'TLS_FAILURE', 'AUTH_FAILURE', 'ADVERTISED_LISTENER_MISMATCH', 'UNKNOWN'])
export type Diagnosis = z.infer<typeof Diagnosis>

/** The certificate a TLS listener presented and the session agreed, from the connection test. */
export const TlsDetails = z.object({
  subject: z.string(),
  issuer: z.string(),
  /** As node renders them: "DNS:localhost", "IP Address:127.0.0.1". */
  subjectAltNames: z.array(z.string()),
  /** ISO 8601. */
  validFrom: z.string(),
  validTo: z.string(),
  /** Colon-separated hex. */
  fingerprint256: z.string(),
  /** Certificates the server sent, its own first (a self-signed one counts once). */
  chainLength: z.number().int(),
  /** TLSv1.2, TLSv1.3 */
  protocol: z.string(),
  cipher: z.string(),
  /** Whether this connection's settings trust it (chain and host name). */
  trusted: z.boolean(),
  authorizationError: z.string().optional(),
})
export type TlsDetails = z.infer<typeof TlsDetails>

export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  diagnosis: Diagnosis,
  /** A human explanation with a hint at the fix. */
  message: z.string(),
  latencyMs: z.number(),
  clusterId: z.string().nullable().optional(),
  controllerId: z.number().int().nullable().optional(),
  /** Brokers as advertised in metadata and whether each was reachable from here. */
  brokers: z.array(z.object({ nodeId: NodeId, host: z.string(), port: z.number().int(), reachable: z.boolean(), error: z.string().optional() })),
  warnings: z.array(z.string()),
  /** On a TLS connection: the certificate of the bootstrap server reached (also the one refused on TLS_FAILURE). */
  tls: TlsDetails.optional(),
})
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>

export const SecretsStatus = z.object({
  backend: z.enum(['electron-safe-storage', 'file-0600', 'memory']),
  /** True when secrets are encrypted at rest (safeStorage); false for the 0600 file. */
  encrypted: z.boolean(),
  /** Where secrets live (web mode: the file path). */
  location: z.string().optional(),
  /** Human statement of how secrets are protected. */
  note: z.string(),
})
export type SecretsStatus = z.infer<typeof SecretsStatus>
