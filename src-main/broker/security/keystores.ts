// Kafka's keystores and truststores (ssl.keystore.* / ssl.truststore.*) turned into what node's
// tls module takes. Node reads a PKCS12 keystore natively (`pfx`) but takes trusted certificates
// only as PEM (`ca`), and knows nothing of Java's JKS: JKS stores are read by jks.ts, PKCS12 ones
// by node-forge, and both are checked against their password the way keytool checks them, so a
// wrong ssl.keystore.password / ssl.truststore.password fails at start with the config's name.
import { createPrivateKey } from 'node:crypto'
import forge from 'node-forge'
import { decryptJksKey, isJks, KeystoreError, readJks } from './jks'

export { KeystoreError }

export type StoreType = 'JKS' | 'PKCS12' | 'PEM'

export function derToPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n')
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`
}

function passwordError(config: string, location: string, type: string, detail: string): KeystoreError {
  return new KeystoreError(`${config}: cannot open ${type} store ${location}: ${detail}`)
}

interface Pkcs12Contents {
  certs: Buffer[]
  keys: number
}

/** Every certificate and the number of private keys in a PKCS12 file, after its MAC is checked with the password. */
function readPkcs12(data: Buffer, password: string | undefined): Pkcs12Contents {
  let p12: forge.pkcs12.Pkcs12Pfx
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(data.toString('binary')))
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, password ?? '')
  } catch (e) {
    const m = (e as Error).message
    if (/MAC could not be verified|Invalid password/i.test(m)) throw new KeystoreError('keystore password was incorrect')
    throw new KeystoreError(`not a readable PKCS12 file (${m})`)
  }
  const certs: Buffer[] = []
  let keys = 0
  for (const safe of p12.safeContents) {
    for (const bag of safe.safeBags) {
      if (bag.type === forge.pki.oids.certBag) {
        // forge keeps the parsed certificate (RSA) or only its ASN.1 (EC and others).
        const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1
        if (asn1) certs.push(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'))
      } else if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) keys++
    }
  }
  return { certs, keys }
}

/**
 * The PEM certificates a truststore holds. Kafka's JKS and PKCS12 truststores carry trusted
 * certificate entries; a JKS keystore's key entries' chains count too, as Java's TrustManager does.
 */
export function truststoreCertificates(type: StoreType, data: Buffer, password: string | undefined, location: string): string[] {
  try {
    if (type === 'PEM') {
      const pem = data.toString('utf8')
      const found = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
      if (found.length === 0) throw new KeystoreError('no PEM certificate in it')
      return found.map((c) => `${c}\n`)
    }
    // Java (keystore.type.compat) opens a PKCS12 file given as JKS, Kafka's default type: so do we.
    if (type === 'JKS' && isJks(data)) {
      const certs = readJks(data, password).flatMap((e) => (e.kind === 'trustedCert' ? [e.cert] : e.chain.slice(0, 1)))
      if (certs.length === 0) throw new KeystoreError('it holds no certificate')
      return certs.map(derToPem)
    }
    const { certs } = readPkcs12(data, password)
    if (certs.length === 0) throw new KeystoreError('it holds no certificate')
    return certs.map(derToPem)
  } catch (e) {
    if (e instanceof KeystoreError)
      throw passwordError(
        password !== undefined && /password/.test(e.message) ? 'ssl.truststore.password' : 'ssl.truststore.location',
        location,
        type,
        e.message,
      )
    throw e
  }
}

export interface KeyAndChain {
  /** PKCS#8 PEM private key, unencrypted (it lives only in this process's memory). */
  key: string
  cert: string
}

/**
 * A JKS keystore's private key entry (the only one, or the one named by alias) with its chain.
 * Kafka opens the store with ssl.keystore.password and the key with ssl.key.password, which
 * defaults to the store password.
 */
export function jksKeyAndChain(data: Buffer, storePassword: string | undefined, keyPassword: string | undefined, location: string): KeyAndChain {
  let entries: ReturnType<typeof readJks>
  try {
    entries = readJks(data, storePassword)
  } catch (e) {
    if (!(e instanceof KeystoreError)) throw e
    throw passwordError(/password/.test(e.message) ? 'ssl.keystore.password' : 'ssl.keystore.location', location, 'JKS', e.message)
  }
  const keyEntries = entries.filter((e) => e.kind === 'privateKey')
  if (keyEntries.length === 0) throw passwordError('ssl.keystore.location', location, 'JKS', 'it holds no private key entry')
  if (keyEntries.length > 1)
    throw passwordError(
      'ssl.keystore.location',
      location,
      'JKS',
      `it holds ${keyEntries.length} private key entries (${keyEntries.map((e) => e.alias).join(', ')}); keep one`,
    )
  const entry = keyEntries[0]!
  const pw = keyPassword ?? storePassword
  if (pw === undefined) throw passwordError('ssl.key.password', location, 'JKS', 'a password is needed to recover the private key')
  let der: Buffer
  try {
    der = decryptJksKey(entry.protectedKey, pw)
  } catch (e) {
    if (!(e instanceof KeystoreError)) throw e
    throw passwordError(keyPassword !== undefined ? 'ssl.key.password' : 'ssl.keystore.password', location, 'JKS', e.message)
  }
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString()
  return { key, cert: entry.chain.map(derToPem).join('') }
}

/** Checks a PKCS12 keystore's password before node is handed it, so the error names the config rather than saying "mac verify failure". */
export function checkPkcs12Keystore(data: Buffer, password: string | undefined, location: string): void {
  let contents: Pkcs12Contents
  try {
    contents = readPkcs12(data, password)
  } catch (e) {
    if (!(e instanceof KeystoreError)) throw e
    throw passwordError(/password/.test(e.message) ? 'ssl.keystore.password' : 'ssl.keystore.location', location, 'PKCS12', e.message)
  }
  if (contents.keys === 0) throw passwordError('ssl.keystore.location', location, 'PKCS12', 'it holds no private key entry (is it a truststore?)')
}
