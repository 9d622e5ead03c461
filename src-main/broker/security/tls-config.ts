// A listener's TLS settings from Kafka's ssl.* configs (listener.name.<l>.ssl.* overriding ssl.*),
// as options for node's tls module. Keystores: PEM (ssl.keystore.certificate.chain +
// ssl.keystore.key inline, or a PEM file at ssl.keystore.location), PKCS12 (node reads it
// natively as `pfx`, after its password is checked) and JKS (Kafka's default type, read by
// jks.ts into a PEM key and chain). Truststores: PEM (ssl.truststore.certificates inline or a
// file), JKS and PKCS12 (their certificates handed to node as PEM).
import { readFileSync } from 'node:fs'
import type { TlsOptions } from 'node:tls'
import { isJks } from './jks'
import { checkPkcs12Keystore, jksKeyAndChain, KeystoreError, type StoreType, truststoreCertificates } from './keystores'
import { listenerConfig, type StaticConfigs } from './listener-config'

export class TlsConfigError extends Error {}

export type SslClientAuth = 'none' | 'requested' | 'required'

export interface ListenerTls {
  options: TlsOptions
  clientAuth: SslClientAuth
}

function readFile(path: string, key: string): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new TlsConfigError(`${key}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
}

/** Kafka writes inline PEM values on one line in server.properties with "\n" escapes sometimes left in. */
function pemText(v: string): string {
  return v.replace(/\\n/g, '\n')
}

export function listenerTls(configs: StaticConfigs, listener: string): ListenerTls {
  const get = (k: string) => listenerConfig(configs, listener, k)
  const options: TlsOptions = {}
  const ksType = (get('ssl.keystore.type') ?? 'JKS').toUpperCase()
  const ksLocation = get('ssl.keystore.location')
  const chain = get('ssl.keystore.certificate.chain')
  const key = get('ssl.keystore.key')
  const keyPassword = get('ssl.key.password')
  if (ksType === 'PEM') {
    if (chain !== undefined || key !== undefined) {
      if (!chain || !key) throw new TlsConfigError(`listener ${listener}: ssl.keystore.certificate.chain and ssl.keystore.key must be given together`)
      options.cert = pemText(chain)
      options.key = pemText(key)
    } else if (ksLocation) {
      const pem = readFile(ksLocation, 'ssl.keystore.location').toString('utf8')
      options.cert = pem
      options.key = pem
    } else throw new TlsConfigError(`listener ${listener} (SSL): no keystore; set ssl.keystore.location or ssl.keystore.certificate.chain and ssl.keystore.key`)
    if (keyPassword) options.passphrase = keyPassword
  } else if (ksType === 'PKCS12' || ksType === 'JKS') {
    if (!ksLocation) throw new TlsConfigError(`listener ${listener} (SSL): ssl.keystore.type ${ksType} needs ssl.keystore.location`)
    const data = readFile(ksLocation, 'ssl.keystore.location')
    const storePassword = get('ssl.keystore.password')
    try {
      // Java (keystore.type.compat) opens a PKCS12 file given as JKS, Kafka's default type: so do we.
      if (ksType === 'PKCS12' || !isJks(data)) {
        const pw = storePassword ?? keyPassword
        checkPkcs12Keystore(data, pw, ksLocation)
        options.pfx = data
        if (pw) options.passphrase = pw
      } else Object.assign(options, jksKeyAndChain(data, storePassword, keyPassword, ksLocation))
    } catch (e) {
      throw e instanceof KeystoreError ? new TlsConfigError(`listener ${listener}: ${e.message}`) : e
    }
  } else {
    throw new TlsConfigError(`Invalid value ${ksType} for configuration ssl.keystore.type: the embedded broker reads JKS, PKCS12 and PEM keystores`)
  }
  const tsType = (get('ssl.truststore.type') ?? 'JKS').toUpperCase()
  const tsCerts = get('ssl.truststore.certificates')
  const tsLocation = get('ssl.truststore.location')
  if (tsCerts) options.ca = pemText(tsCerts)
  else if (tsLocation) {
    if (tsType !== 'PEM' && tsType !== 'JKS' && tsType !== 'PKCS12')
      throw new TlsConfigError(`Invalid value ${tsType} for configuration ssl.truststore.type: the embedded broker reads JKS, PKCS12 and PEM truststores`)
    try {
      options.ca = truststoreCertificates(tsType as StoreType, readFile(tsLocation, 'ssl.truststore.location'), get('ssl.truststore.password'), tsLocation)
    } catch (e) {
      throw e instanceof KeystoreError ? new TlsConfigError(`listener ${listener}: ${e.message}`) : e
    }
  }
  const clientAuth = (get('ssl.client.auth') ?? 'none').toLowerCase()
  if (clientAuth !== 'none' && clientAuth !== 'requested' && clientAuth !== 'required')
    throw new TlsConfigError(`Invalid value ${clientAuth} for configuration ssl.client.auth: String must be one of: required, requested, none`)
  options.requestCert = clientAuth !== 'none'
  options.rejectUnauthorized = clientAuth === 'required'
  const protocols = (get('ssl.enabled.protocols') ?? 'TLSv1.2,TLSv1.3').split(',').map((s) => s.trim())
  options.minVersion = protocols.includes('TLSv1.2') ? 'TLSv1.2' : 'TLSv1.3'
  options.maxVersion = protocols.includes('TLSv1.3') ? 'TLSv1.3' : 'TLSv1.2'
  return { options, clientAuth }
}

/**
 * The principal Kafka's DefaultKafkaPrincipalBuilder gives a TLS client with a certificate
 * (ssl.principal.mapping.rules=DEFAULT): the subject's distinguished name in RFC 2253 order.
 */
export function distinguishedName(subject: Record<string, string | string[]> | undefined): string | null {
  if (!subject) return null
  const parts: string[] = []
  for (const [k, v] of Object.entries(subject)) for (const x of Array.isArray(v) ? v : [v]) parts.push(`${k}=${x.replace(/([,+"\\<>;])/g, '\\$1')}`)
  return parts.length ? parts.reverse().join(',') : null
}
