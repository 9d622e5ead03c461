// The certificate a TLS listener presents, looked at the way a user checks it in a browser:
// subject, issuer, subject alternative names, validity, SHA-256 fingerprint, chain length, and
// the TLS version and cipher agreed. The probe completes the handshake whatever the verdict on
// the certificate (so the console can show the certificate it refused), and then says whether
// the connection's own settings trust it: the chain against its CA (or the system's) and the
// host name against the SANs, as the Kafka client will.
import { checkServerIdentity, connect, type ConnectionOptions, type DetailedPeerCertificate } from 'node:tls'
import type { TlsDetails } from '../ipc/contract'

function dn(fields: Record<string, string | string[]> | undefined): string {
  if (!fields) return ''
  // Most specific first, like Java's and openssl's RFC 2253 rendering.
  return Object.entries(fields)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}=${x}`))
    .reverse()
    .join(', ')
}

/** OpenSSL's words for the verification failures a user meets, beside node's code. */
const VERIFY_ERRORS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain (its CA is not trusted)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get issuer certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_REVOKED: 'certificate revoked',
}

function verifyError(code: string): string {
  const words = VERIFY_ERRORS[code]
  return words ? `${words} (${code})` : code
}

function chainLength(cert: DetailedPeerCertificate): number {
  let n = 0
  const seen = new Set<string>()
  for (let c: DetailedPeerCertificate | undefined = cert; c?.fingerprint256 && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256)
    n++
  }
  return n
}

/** Handshakes with `address` using the connection's TLS options; undefined when no handshake happened at all. */
export function probeTls(address: string, options: ConnectionOptions, timeoutMs: number): Promise<TlsDetails | undefined> {
  const i = address.lastIndexOf(':')
  const host = address.slice(0, i).replace(/^\[|\]$/g, '')
  const port = Number(address.slice(i + 1))
  return new Promise((resolve) => {
    const s = connect({
      ...options,
      host,
      port,
      // SNI takes host names only.
      servername: /^[\d.]+$|:/.test(host) ? undefined : host,
      rejectUnauthorized: false,
    })
    const timer = setTimeout(() => {
      s.destroy()
      resolve(undefined)
    }, timeoutMs)
    s.once('secureConnect', () => {
      clearTimeout(timer)
      const cert = s.getPeerCertificate(true)
      const cipher = s.getCipher()
      let authorizationError = s.authorized ? undefined : verifyError(String(s.authorizationError ?? 'not trusted'))
      if (!authorizationError && cert.raw) {
        const mismatch = checkServerIdentity(host, cert)
        if (mismatch) authorizationError = mismatch.message
      }
      // Read before destroy(): a closed socket reports no protocol.
      const protocol = s.getProtocol() ?? 'unknown'
      s.destroy()
      if (!cert.raw) return resolve(undefined)
      resolve({
        subject: dn(cert.subject as unknown as Record<string, string | string[]>),
        issuer: dn(cert.issuer as unknown as Record<string, string | string[]>),
        subjectAltNames: cert.subjectaltname ? cert.subjectaltname.split(', ') : [],
        validFrom: new Date(cert.valid_from).toISOString(),
        validTo: new Date(cert.valid_to).toISOString(),
        fingerprint256: cert.fingerprint256,
        chainLength: chainLength(cert),
        protocol,
        cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
        trusted: authorizationError === undefined,
        ...(authorizationError ? { authorizationError } : {}),
      })
    })
    s.once('error', () => {
      clearTimeout(timer)
      resolve(undefined)
    })
  })
}
