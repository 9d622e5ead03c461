// How this broker reaches the other brokers on the inter-broker listener (inter.broker.listener.name
// or security.inter.broker.protocol): with that listener's TLS settings as a client (its
// truststore to verify the peer, its keystore for mutual TLS) and, on a SASL listener, the
// mechanism sasl.mechanism.inter.broker.protocol with the broker's own username/password from
// listener.name.<listener>.<mechanism>.sasl.jaas.config, as Kafka configures it.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { ConnectionOptions } from 'node:tls'
import type { ListenerSpec } from '../server/listeners'
import { parseJaasConfig } from './jaas'
import { listenerConfig, type StaticConfigs } from './listener-config'
import { type ScramMechanism, saltedPassword } from './scram'
import { usesSasl, usesTls } from './security-protocol'
import { listenerTls } from './tls-config'

export type InterBrokerMechanism = 'PLAIN' | ScramMechanism

export interface PeerSecurity {
  /** The inter-broker listener's name, for messages. */
  listener: string
  tls?: ConnectionOptions
  sasl?: { mechanism: InterBrokerMechanism; username: string; password: string }
}

export class InterBrokerSecurityError extends Error {}

export function interBrokerSecurity(configs: StaticConfigs, spec: ListenerSpec): PeerSecurity {
  const out: PeerSecurity = { listener: spec.name }
  if (usesTls(spec.securityProtocol)) {
    const { options } = listenerTls(configs, spec.name)
    out.tls = {
      key: options.key,
      cert: options.cert,
      pfx: options.pfx,
      passphrase: options.passphrase,
      ca: options.ca,
      minVersion: options.minVersion,
      maxVersion: options.maxVersion,
      rejectUnauthorized: true,
    }
    // Kafka's default ssl.endpoint.identification.algorithm=https checks the peer's host name; empty turns it off.
    const identification = listenerConfig(configs, spec.name, 'ssl.endpoint.identification.algorithm') ?? 'https'
    if (identification.trim() === '') out.tls.checkServerIdentity = () => undefined
  }
  if (usesSasl(spec.securityProtocol)) {
    const mechanism = (configs['sasl.mechanism.inter.broker.protocol'] ?? 'GSSAPI').trim().toUpperCase()
    if (mechanism !== 'PLAIN' && mechanism !== 'SCRAM-SHA-256' && mechanism !== 'SCRAM-SHA-512')
      throw new InterBrokerSecurityError(
        `sasl.mechanism.inter.broker.protocol ${mechanism} is not supported for inter-broker listener ${spec.name}: set it to PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`,
      )
    const jaasText = listenerConfig(configs, spec.name, 'sasl.jaas.config', mechanism)
    const jaas = jaasText ? parseJaasConfig(jaasText) : undefined
    const username = jaas?.options.get('username')
    const password = jaas?.options.get('password')
    if (!username || password === undefined)
      throw new InterBrokerSecurityError(
        `inter-broker listener ${spec.name} uses ${mechanism}: listener.name.${spec.name.toLowerCase()}.${mechanism.toLowerCase()}.sasl.jaas.config needs username and password, the broker's own credentials`,
      )
    out.sasl = { mechanism, username, password }
  }
  return out
}

/** One SASL exchange step: send bytes, get the server's answer (SaslAuthenticate). */
export type SaslStep = (authBytes: Buffer) => Promise<Buffer>

const hashName = (m: ScramMechanism) => (m === 'SCRAM-SHA-256' ? 'sha256' : 'sha512')

/** Runs the client side of PLAIN or SCRAM (RFC 5802) over `step`; throws when the server's proof does not match. */
export async function saslClientExchange(sasl: NonNullable<PeerSecurity['sasl']>, step: SaslStep): Promise<void> {
  if (sasl.mechanism === 'PLAIN') {
    await step(Buffer.from(`\0${sasl.username}\0${sasl.password}`, 'utf8'))
    return
  }
  const m = sasl.mechanism
  const nonce = randomBytes(24).toString('base64url')
  const bare = `n=${sasl.username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${nonce}`
  const serverFirst = (await step(Buffer.from(`n,,${bare}`, 'utf8'))).toString('utf8')
  const attrs = new Map(serverFirst.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)] as const))
  const serverNonce = attrs.get('r')
  const salt = attrs.get('s')
  const iterations = Number(attrs.get('i'))
  if (!serverNonce?.startsWith(nonce) || !salt || !Number.isInteger(iterations)) throw new Error(`unexpected SCRAM server-first message from the peer`)
  const salted = saltedPassword(m, sasl.password, Buffer.from(salt, 'base64'), iterations)
  const clientKey = createHmac(hashName(m), salted).update('Client Key').digest()
  const storedKey = createHash(hashName(m)).update(clientKey).digest()
  const withoutProof = `c=biws,r=${serverNonce}`
  const authMessage = `${bare},${serverFirst},${withoutProof}`
  const signature = createHmac(hashName(m), storedKey).update(authMessage).digest()
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!))
  const serverFinal = (await step(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8'))).toString('utf8')
  const expected = createHmac(hashName(m), createHmac(hashName(m), salted).update('Server Key').digest())
    .update(authMessage)
    .digest()
  const v = serverFinal.startsWith('v=') ? Buffer.from(serverFinal.slice(2), 'base64') : Buffer.alloc(0)
  if (v.length !== expected.length || !timingSafeEqual(v, expected)) throw new Error('the peer’s SCRAM server signature does not match')
}
