// Keystores and truststores made the way Kafka users make them, with Java's keytool: a CA (in a
// PKCS12 store, exported as PEM), keys it signed for localhost / 127.0.0.1 in JKS keystores, and
// the CA alone in JKS and PKCS12 truststores.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function keytool(args: string[], input?: string): string {
  return execFileSync('keytool', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
}

export class KeytoolCa {
  readonly store: string
  /** The CA certificate as PEM (what non-Java clients are given as their CA). */
  readonly pem: string

  constructor(readonly dir: string) {
    this.store = join(dir, 'ca.p12')
    this.pem = join(dir, 'ca.pem')
    keytool([
      '-genkeypair',
      '-alias',
      'ca',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-dname',
      'CN=Keystore Test CA',
      '-ext',
      'bc:c',
      '-validity',
      '30',
      '-storetype',
      'PKCS12',
      '-keystore',
      this.store,
      '-storepass',
      'ca-secret',
    ])
    writeFileSync(this.pem, keytool(['-exportcert', '-rfc', '-alias', 'ca', '-keystore', this.store, '-storepass', 'ca-secret']))
  }

  /** A key pair in the keystore `file` (created), signed by this CA, with the CA's certificate imported first as keytool requires. */
  signedKey(file: string, o: { type?: string; alias: string; cn: string; storepass: string; keypass?: string; keyalg?: 'RSA' | 'EC' }): string {
    const store = join(this.dir, file)
    const keypass = o.keypass ?? o.storepass
    const keyArgs = o.keyalg === 'EC' ? ['-keyalg', 'EC', '-groupname', 'secp256r1'] : ['-keyalg', 'RSA', '-keysize', '2048']
    const common = ['-keystore', store, '-storepass', o.storepass]
    keytool([
      '-genkeypair',
      '-alias',
      o.alias,
      ...keyArgs,
      '-dname',
      `CN=${o.cn}`,
      '-validity',
      '30',
      '-storetype',
      o.type ?? 'JKS',
      ...common,
      '-keypass',
      keypass,
    ])
    const csr = keytool(['-certreq', '-alias', o.alias, ...common, '-keypass', keypass])
    const signed = keytool(
      ['-gencert', '-alias', 'ca', '-keystore', this.store, '-storepass', 'ca-secret', '-ext', 'SAN=dns:localhost,ip:127.0.0.1', '-rfc'],
      csr,
    )
    const pem = join(this.dir, `${file}.pem`)
    writeFileSync(pem, signed)
    keytool(['-importcert', '-noprompt', '-alias', 'ca', '-file', this.pem, ...common])
    keytool(['-importcert', '-noprompt', '-alias', o.alias, '-file', pem, ...common, '-keypass', keypass])
    return store
  }

  /** A truststore (JKS or PKCS12) holding only this CA's certificate. */
  truststore(file: string, type: 'JKS' | 'PKCS12', storepass: string): string {
    const store = join(this.dir, file)
    keytool(['-importcert', '-noprompt', '-alias', 'ca', '-file', this.pem, '-storetype', type, '-keystore', store, '-storepass', storepass])
    return store
  }

  /** A copy of a keystore in PKCS12 (for librdkafka's ssl.keystore.location). */
  toPkcs12(src: string, srcpass: string, file: string, destpass: string): string {
    const store = join(this.dir, file)
    keytool(['-importkeystore', '-srckeystore', src, '-srcstorepass', srcpass, '-destkeystore', store, '-deststoretype', 'PKCS12', '-deststorepass', destpass])
    return store
  }
}
