// Keystores and truststores as Kafka users make them, with Java's keytool: a CA, a broker key
// signed by it in a JKS keystore, and the CA alone in JKS and PKCS12 truststores. The broker's
// listener settings from them serve real TLS handshakes (mutual when ssl.client.auth=required),
// the certificates read are byte for byte the ones keytool exported, and a wrong password
// fails with the name of the config that holds it, as Kafka's "keystore was tampered with, or
// password was incorrect" does.
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ConnectionOptions, connect, createServer, type TlsOptions } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readJks } from '../../../src-main/broker/security/jks'
import { truststoreCertificates } from '../../../src-main/broker/security/keystores'
import { listenerTls, TlsConfigError } from '../../../src-main/broker/security/tls-config'
import { KeytoolCa } from '../../helpers/keytool-stores'

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-keystores-'))
const p = (f: string) => join(dir, f)
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let ca: KeytoolCa

beforeAll(() => {
  ca = new KeytoolCa(dir)
  ca.signedKey('broker.jks', { alias: 'broker', cn: 'localhost', storepass: 'ks-secret' })
  // A key password other than the store's: Kafka's ssl.key.password.
  ca.signedKey('broker-keypass.jks', { alias: 'broker', cn: 'localhost', storepass: 'ks-secret', keypass: 'key-secret' })
  ca.signedKey('broker-ec.jks', { alias: 'broker', cn: 'localhost', storepass: 'ks-secret', keyalg: 'EC' })
  ca.signedKey('client.jks', { alias: 'client', cn: 'app-client', storepass: 'cl-secret' })
  for (const type of ['JKS', 'PKCS12'] as const) ca.truststore(`trust.${type}`, type, 'ts-secret')
  ca.toPkcs12(p('broker.jks'), 'ks-secret', 'broker.p12', 'ks-secret')
}, 180_000)

/** Serves one TLS handshake with `options`; a client trusting the CA connects, with `client` extra options. */
async function handshake(options: TlsOptions, client: ConnectionOptions = {}): Promise<string> {
  const server = createServer(options, (s) => s.end(`hello ${s.getPeerCertificate()?.subject?.CN ?? 'anonymous'}`))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  try {
    return await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port, ca: readFileSync(ca.pem), servername: 'localhost', ...client }, () =>
        s.once('data', (d) => resolve(`ok ${d}`)),
      )
      s.once('error', (e) => resolve(`error ${e.message}`))
      s.once('end', () => resolve('closed'))
    })
  } finally {
    server.close()
  }
}

const jksBroker = {
  'ssl.keystore.location': p('broker.jks'),
  'ssl.keystore.password': 'ks-secret',
  'ssl.truststore.location': p('trust.JKS'),
  'ssl.truststore.password': 'ts-secret',
}

describe('JKS and PKCS12 stores made by keytool', () => {
  it('serves TLS from a JKS keystore (Kafka default ssl.keystore.type) with the key its CA signed', async () => {
    const tls = listenerTls(jksBroker, 'SSL')
    expect(await handshake(tls.options)).toBe('ok hello anonymous')
  })

  it('serves TLS from a JKS keystore whose key has its own ssl.key.password, and an EC key', async () => {
    const keypass = listenerTls({ ...jksBroker, 'ssl.keystore.location': p('broker-keypass.jks'), 'ssl.key.password': 'key-secret' }, 'SSL')
    expect(await handshake(keypass.options)).toBe('ok hello anonymous')
    const ec = listenerTls({ ...jksBroker, 'ssl.keystore.location': p('broker-ec.jks') }, 'SSL')
    expect(await handshake(ec.options)).toBe('ok hello anonymous')
  })

  it('requires and verifies client certificates against a JKS truststore (ssl.client.auth=required)', async () => {
    const tls = listenerTls({ ...jksBroker, 'ssl.client.auth': 'required' }, 'SSL')
    expect(await handshake(tls.options)).not.toMatch(/^ok/)
    // The client's own JKS keystore, read the same way, gives it a certificate the broker trusts.
    const client = listenerTls({ 'ssl.keystore.location': p('client.jks'), 'ssl.keystore.password': 'cl-secret' }, 'client')
    expect(await handshake(tls.options, { key: client.options.key, cert: client.options.cert })).toBe('ok hello app-client')
  })

  it('reads the CA from JKS and PKCS12 truststores exactly as keytool exported it', () => {
    const caCert = new X509Certificate(readFileSync(ca.pem))
    for (const type of ['JKS', 'PKCS12'] as const) {
      const certs = truststoreCertificates(type, readFileSync(p(`trust.${type}`)), 'ts-secret', p(`trust.${type}`))
      expect(certs).toHaveLength(1)
      expect(new X509Certificate(certs[0]!).raw.equals(caCert.raw)).toBe(true)
    }
    // Without ssl.truststore.password a JKS truststore is read unchecked, as Java's KeyStore.load(in, null).
    expect(truststoreCertificates('JKS', readFileSync(p('trust.JKS')), undefined, 'trust.jks')).toHaveLength(1)
  })

  it('serves TLS with a PKCS12 truststore and PKCS12 keystore from keytool', async () => {
    const tls = listenerTls(
      {
        'ssl.keystore.type': 'PKCS12',
        'ssl.keystore.location': p('broker.p12'),
        'ssl.keystore.password': 'ks-secret',
        'ssl.truststore.type': 'PKCS12',
        'ssl.truststore.location': p('trust.PKCS12'),
        'ssl.truststore.password': 'ts-secret',
        'ssl.client.auth': 'required',
      },
      'SSL',
    )
    const client = listenerTls({ 'ssl.keystore.location': p('client.jks'), 'ssl.keystore.password': 'cl-secret' }, 'client')
    expect(await handshake(tls.options, { key: client.options.key, cert: client.options.cert })).toBe('ok hello app-client')
  }, 60_000)

  it('opens PKCS12 files under Kafka’s default type JKS, as Java does', async () => {
    const p12 = p('broker.p12')
    const tls = listenerTls(
      {
        'ssl.keystore.location': p12,
        'ssl.keystore.password': 'ks-secret',
        'ssl.truststore.location': p('trust.PKCS12'),
        'ssl.truststore.password': 'ts-secret',
      },
      'SSL',
    )
    expect(tls.options.pfx).toBeDefined()
    expect(tls.options.ca).toHaveLength(1)
    expect(await handshake(tls.options)).toBe('ok hello anonymous')
  })

  it('names the config whose password is wrong', () => {
    const fails = (configs: Record<string, string>) => {
      try {
        listenerTls(configs, 'SSL')
      } catch (e) {
        expect(e).toBeInstanceOf(TlsConfigError)
        return (e as Error).message
      }
      throw new Error('no error')
    }
    expect(fails({ ...jksBroker, 'ssl.truststore.password': 'wrong' })).toMatch(/ssl\.truststore\.password: .*password was incorrect/)
    expect(fails({ ...jksBroker, 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': p('trust.PKCS12'), 'ssl.truststore.password': 'wrong' })).toMatch(
      /ssl\.truststore\.password: .*PKCS12.*password was incorrect/,
    )
    expect(fails({ ...jksBroker, 'ssl.keystore.password': 'wrong' })).toMatch(/ssl\.keystore\.password: .*password was incorrect/)
    expect(fails({ ...jksBroker, 'ssl.keystore.location': p('broker-keypass.jks') })).toMatch(/ssl\.keystore\.password: .*key password is incorrect/)
    expect(fails({ ...jksBroker, 'ssl.keystore.location': p('broker-keypass.jks'), 'ssl.key.password': 'wrong' })).toMatch(
      /ssl\.key\.password: .*key password is incorrect/,
    )
    expect(fails({ ...jksBroker, 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': p('ca.p12'), 'ssl.keystore.password': 'wrong' })).toMatch(
      /ssl\.keystore\.password: .*PKCS12.*password was incorrect/,
    )
    // A truststore given as the keystore: no key entry.
    expect(fails({ ...jksBroker, 'ssl.keystore.location': p('trust.JKS'), 'ssl.keystore.password': 'ts-secret' })).toMatch(
      /ssl\.keystore\.location: .*no private key entry/,
    )
  })

  it('lists the entries of a JKS keystore with their kinds', () => {
    const entries = readJks(readFileSync(p('broker.jks')), 'ks-secret')
    expect(entries.map((e) => `${e.alias}:${e.kind}`).sort()).toEqual(['broker:privateKey', 'ca:trustedCert'])
    const key = entries.find((e) => e.kind === 'privateKey')
    expect(key?.kind === 'privateKey' && key.chain.length).toBe(2)
  })
})
