// A listener's TLS settings from Kafka's ssl.* configs: a PEM keystore given inline and a PKCS12
// keystore file (read by node as pfx) both serve a TLS handshake a client verifies against the
// CA; ssl.client.auth=required refuses a client without a certificate; a missing keystore file
// names its config. (JKS and PKCS12 stores from keytool: keystores.test.ts.)
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, createServer, type TlsOptions } from 'node:tls'
import { afterAll, describe, expect, it } from 'vitest'
import { ensureLocalCertificates } from '../../../src-main/broker/security/certificates'
import { listenerTls, TlsConfigError } from '../../../src-main/broker/security/tls-config'

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-tls-'))
const certs = ensureLocalCertificates(dir)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Serves one TLS handshake with `options` and reports what the client saw. */
async function handshake(options: TlsOptions, client: { cert?: string; key?: string } = {}): Promise<string> {
  const server = createServer(options, (s) => s.end('hello'))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  try {
    return await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port, ca: readFileSync(certs.caCert), servername: 'localhost', ...client }, () =>
        s.once('data', (d) => resolve(`ok ${d}`)),
      )
      s.once('error', (e) => resolve(`error ${e.message}`))
      s.once('end', () => resolve('closed'))
    })
  } finally {
    server.close()
  }
}

describe('listener TLS settings', () => {
  it('serves a PEM keystore given inline', async () => {
    const tls = listenerTls(
      {
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.certificate.chain': readFileSync(certs.brokerCert, 'utf8'),
        'ssl.keystore.key': readFileSync(certs.brokerKey, 'utf8'),
      },
      'SSL',
    )
    expect(tls.clientAuth).toBe('none')
    expect(await handshake(tls.options)).toBe('ok hello')
  })

  it('serves a PKCS12 keystore with its password, per listener', async () => {
    const p12 = join(dir, 'broker.p12')
    execFileSync('openssl', ['pkcs12', '-export', '-in', certs.brokerCert, '-inkey', certs.brokerKey, '-out', p12, '-passout', 'pass:store-secret'])
    const tls = listenerTls(
      {
        'listener.name.ssl.ssl.keystore.type': 'PKCS12',
        'listener.name.ssl.ssl.keystore.location': p12,
        'listener.name.ssl.ssl.keystore.password': 'store-secret',
      },
      'SSL',
    )
    expect(await handshake(tls.options)).toBe('ok hello')
  })

  it('refuses a client without a certificate when ssl.client.auth=required', async () => {
    const tls = listenerTls(
      {
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.certificate.chain': readFileSync(certs.brokerCert, 'utf8'),
        'ssl.keystore.key': readFileSync(certs.brokerKey, 'utf8'),
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': certs.caCert,
        'ssl.client.auth': 'required',
      },
      'SSL',
    )
    expect(tls.clientAuth).toBe('required')
    expect(await handshake(tls.options)).not.toBe('ok hello')
    expect(await handshake(tls.options, { cert: readFileSync(certs.brokerCert, 'utf8'), key: readFileSync(certs.brokerKey, 'utf8') })).toBe('ok hello')
  })

  it('names the config of a keystore file it cannot read', () => {
    const missing = join(dir, 'missing.jks')
    expect(() => listenerTls({ 'ssl.keystore.location': missing }, 'SSL')).toThrow(TlsConfigError)
    expect(() => listenerTls({ 'ssl.keystore.location': missing }, 'SSL')).toThrow(/ssl\.keystore\.location: cannot read .*ENOENT/)
  })
})
