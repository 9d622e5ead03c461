// Connection test with a diagnosis: is the bootstrap reachable (UNREACHABLE / TIMEOUT), does
// the TLS handshake succeed (TLS_FAILURE), does SASL authentication pass (AUTH_FAILURE), and are
// the brokers' advertised addresses reachable from here (ADVERTISED_LISTENER_MISMATCH — the
// classic "bootstrap works, then everything times out" of a wrong advertised.listeners). Over
// TLS the result carries the certificate the bootstrap server presented (tls-probe.ts), the one
// refused too. OAUTHBEARER: a token endpoint that cannot be reached or refuses the client is named
// with its HTTP status, and a token the broker refuses is AUTH_FAILURE with the broker's words.
import { connect } from 'node:net'
import type { ConnectionTestResult, TlsDetails } from '../ipc/contract'
import { rawAuthFor, SKIP_VERIFY_WARNING, tlsOptions, type ResolvedConnection } from './connections'
import { ApiKey, RawClient } from './raw-client'
import { probeTls } from './tls-probe'

function tcpProbe(address: string, timeoutMs: number): Promise<{ ok: boolean; error?: string; timedOut?: boolean }> {
  const i = address.lastIndexOf(':')
  return new Promise((resolve) => {
    const s = connect({ host: address.slice(0, i), port: Number(address.slice(i + 1)) })
    const timer = setTimeout(() => {
      s.destroy()
      resolve({ ok: false, error: `no answer within ${timeoutMs} ms`, timedOut: true })
    }, timeoutMs)
    s.once('connect', () => {
      clearTimeout(timer)
      s.destroy()
      resolve({ ok: true })
    })
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      // Node's message already names the code and address ("connect ECONNREFUSED 127.0.0.1:9092"); keep the code alone.
      resolve({ ok: false, error: e.code ?? e.message })
    })
  })
}

export async function diagnose(c: ResolvedConnection): Promise<ConnectionTestResult> {
  const started = performance.now()
  const timeout = c.connectionTimeoutMs ?? 5_000
  const warnings = c.tls?.enabled && c.tls.skipVerify ? [SKIP_VERIFY_WARNING] : []
  let tls: TlsDetails | undefined
  const result = (
    r: Omit<ConnectionTestResult, 'latencyMs' | 'warnings' | 'brokers'> & { brokers?: ConnectionTestResult['brokers'] },
  ): ConnectionTestResult => ({
    brokers: [],
    ...r,
    latencyMs: performance.now() - started,
    warnings,
    ...(tls ? { tls } : {}),
  })

  // 1. TCP to the bootstrap servers.
  const probes = await Promise.all(c.bootstrapServers.map(async (a) => ({ a, ...(await tcpProbe(a, timeout)) })))
  const reachable = probes.filter((p) => p.ok)
  if (!reachable.length) {
    const allTimedOut = probes.every((p) => p.timedOut)
    return result({
      ok: false,
      diagnosis: allTimedOut ? 'TIMEOUT' : 'UNREACHABLE',
      message: `No bootstrap server answered: ${probes.map((p) => `${p.a} (${p.error})`).join('; ')}. Check host names, ports, firewalls and VPN.`,
    })
  }

  // 2. TLS handshake, ApiVersions and SASL on one bootstrap server; over TLS, its certificate alongside.
  const tlsOpts = tlsOptions(c)
  const probe = tlsOpts ? probeTls(reachable[0]!.a, tlsOpts, timeout) : Promise.resolve(undefined)
  let client: RawClient
  try {
    client = await RawClient.connect(reachable[0]!.a, rawAuthFor(c))
    tls = await probe
  } catch (e) {
    tls = await probe
    const err = e as { code?: string; message: string }
    const oauth = c.sasl?.mechanism === 'oauthbearer'
    if (err.code === 'OAUTH_TOKEN_ENDPOINT_UNREACHABLE')
      return result({
        ok: false,
        diagnosis: 'UNREACHABLE',
        message: `No OAUTHBEARER token: ${err.message}. Check the token endpoint URL and that it is reachable from here.`,
      })
    if (err.code === 'OAUTH_TOKEN_REFUSED')
      return result({
        ok: false,
        diagnosis: 'AUTH_FAILURE',
        message: `Authentication failed: no OAUTHBEARER token: ${err.message}. Check the token endpoint URL, client id, client secret and scope.`,
      })
    if (err.code === 'AUTH') {
      // Kafka's own messages often start with these words already.
      const why = err.message.replace(/^Authentication failed:\s*/i, '')
      return result({
        ok: false,
        diagnosis: 'AUTH_FAILURE',
        message: oauth
          ? `Authentication failed: ${why}. Check the token source: the broker's validator may want another issuer, audience, scope or signature (an unsecured JWT works only with Kafka's unsecured validator), or the token has expired.`
          : `Authentication failed: ${why}. Check the SASL mechanism, user name and password.`,
      })
    }
    if (err.code === 'TLS' || (c.tls?.enabled && /ssl|tls|cert|handshake|EPROTO|wrong version/i.test(err.message)))
      return result({
        ok: false,
        diagnosis: 'TLS_FAILURE',
        message: `TLS handshake with ${reachable[0]!.a} failed: ${err.message}.${tls && !tls.trusted ? ` It presented ${tls.subject} issued by ${tls.issuer}.` : ''} Check the CA certificate, the client certificate, and that this listener uses TLS.`,
      })
    if (!c.tls?.enabled && /closed|ECONNRESET/i.test(err.message))
      return result({
        ok: false,
        diagnosis: 'UNKNOWN',
        message: `${reachable[0]!.a} closed the connection before answering: the listener may require TLS or SASL (${err.message}).`,
      })
    return result({ ok: false, diagnosis: err.code === 'TIMEOUT' ? 'TIMEOUT' : 'UNKNOWN', message: err.message })
  }

  // 3. Metadata: the advertised brokers, each probed from here.
  try {
    const v = client.version(ApiKey.Metadata, 12, 1)
    const md = await client.request(ApiKey.Metadata, v, {
      topics: [],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    })
    const brokers = await Promise.all(
      (md.brokers as { nodeId: number; host: string; port: number }[]).map(async (b) => {
        const p = await tcpProbe(`${b.host}:${b.port}`, timeout)
        return { nodeId: b.nodeId, host: b.host, port: b.port, reachable: p.ok, ...(p.ok ? {} : { error: p.error }) }
      }),
    )
    brokers.sort((a, b) => a.nodeId - b.nodeId)
    const bad = brokers.filter((b) => !b.reachable)
    const base = { clusterId: md.clusterId ?? null, controllerId: md.controllerId >= 0 ? md.controllerId : null, brokers }
    if (bad.length)
      return result({
        ...base,
        ok: false,
        diagnosis: 'ADVERTISED_LISTENER_MISMATCH',
        message: `The bootstrap server answers, but broker${bad.length > 1 ? 's' : ''} ${bad.map((b) => `${b.nodeId} at ${b.host}:${b.port}`).join(', ')} ${bad.length > 1 ? 'are' : 'is'} not reachable from here. Clients connect to the advertised addresses: fix advertised.listeners on the brokers (or your network/DNS).`,
      })
    return result({
      ...base,
      ok: true,
      diagnosis: 'OK',
      message: `Connected: ${brokers.length} broker(s)${base.clusterId ? `, cluster ${base.clusterId}` : ''}.`,
    })
  } catch (e) {
    return result({ ok: false, diagnosis: 'UNKNOWN', message: (e as Error).message })
  } finally {
    client.close()
  }
}
