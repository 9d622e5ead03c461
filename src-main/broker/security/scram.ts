// SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka uses them: credentials are kept
// as Kafka keeps them (salt, iterations, StoredKey, ServerKey; never the password), and the server
// side of the exchange checks the client's proof against the StoredKey.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'
import type { SaslServer, SaslStep } from './sasl-server'
import { SaslAuthenticationError } from './sasl-server'

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

/** Kafka's ScramMechanism ids in DescribeUserScramCredentials / AlterUserScramCredentials. */
export const SCRAM_MECHANISM_IDS: Record<ScramMechanism, number> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 }

export function scramMechanismById(id: number): ScramMechanism | undefined {
  return id === 1 ? 'SCRAM-SHA-256' : id === 2 ? 'SCRAM-SHA-512' : undefined
}

/** Kafka's bounds on iterations (ScramMechanism.minIterations is 4096; the broker refuses more than 16384). */
export const SCRAM_MIN_ITERATIONS = 4096
export const SCRAM_MAX_ITERATIONS = 16384

export interface ScramCredential {
  salt: Buffer
  storedKey: Buffer
  serverKey: Buffer
  iterations: number
}

function hashName(m: ScramMechanism): 'sha256' | 'sha512' {
  return m === 'SCRAM-SHA-256' ? 'sha256' : 'sha512'
}

function hmac(m: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(hashName(m), key).update(data).digest()
}

/** Hi(password, salt, i) of RFC 5802: PBKDF2 with the mechanism's HMAC. */
export function saltedPassword(m: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, m === 'SCRAM-SHA-256' ? 32 : 64, hashName(m))
}

/** The stored form of a credential from the salted password a client (kafka-configs) sends in AlterUserScramCredentials. */
export function credentialFromSaltedPassword(m: ScramMechanism, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  const clientKey = hmac(m, salted, 'Client Key')
  return {
    salt,
    storedKey: createHash(hashName(m)).update(clientKey).digest(),
    serverKey: hmac(m, salted, 'Server Key'),
    iterations,
  }
}

export function credentialFromPassword(m: ScramMechanism, password: string, iterations = SCRAM_MIN_ITERATIONS): ScramCredential {
  const salt = randomBytes(m === 'SCRAM-SHA-256' ? 32 : 64)
  return credentialFromSaltedPassword(m, saltedPassword(m, password, salt, iterations), salt, iterations)
}

/** saslname of RFC 5802: "=2C" is ",", "=3D" is "=". */
function decodeSaslName(s: string): string {
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=')
}

function attributes(msg: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of msg.split(',')) {
    if (part.length < 2 || part[1] !== '=') continue
    out.set(part[0]!, part.slice(2))
  }
  return out
}

/** The message Kafka's SaslServerAuthenticator answers when a SCRAM exchange fails (its SaslException path). */
export function scramFailure(m: ScramMechanism): SaslAuthenticationError {
  return new SaslAuthenticationError(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${m}`)
}

/** The server side of one SCRAM exchange: client-first → server-first, client-final → server-final. */
export class ScramServer implements SaslServer {
  private state: 'first' | 'final' | 'done' = 'first'
  private user = ''
  private credential?: ScramCredential
  private clientFirstBare = ''
  private serverFirst = ''
  private nonce = ''
  private gs2Header = ''

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: (user: string, m: ScramMechanism) => ScramCredential | undefined,
  ) {}

  evaluate(token: Buffer): SaslStep {
    const msg = token.toString('utf8')
    if (this.state === 'first') return this.clientFirst(msg)
    if (this.state === 'final') return this.clientFinal(msg)
    throw new SaslAuthenticationError('Unexpected SCRAM message after the exchange completed')
  }

  private clientFirst(msg: string): SaslStep {
    // gs2-header: "n,," or "y,," (no channel binding), optionally with "a=authzid".
    const m = /^([ny]),(a=[^,]*)?,(.*)$/.exec(msg)
    if (!m) throw scramFailure(this.mechanism)
    this.gs2Header = `${m[1]},${m[2] ?? ''},`
    this.clientFirstBare = m[3]!
    const attrs = attributes(this.clientFirstBare)
    const user = attrs.get('n')
    const clientNonce = attrs.get('r')
    if (!user || !clientNonce) throw scramFailure(this.mechanism)
    this.user = decodeSaslName(user)
    const authzid = m[2]?.slice(2)
    if (authzid && decodeSaslName(authzid) !== this.user)
      throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username')
    this.credential = this.lookup(this.user, this.mechanism)
    if (!this.credential) throw scramFailure(this.mechanism)
    this.nonce = clientNonce + randomBytes(24).toString('base64url')
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt.toString('base64')},i=${this.credential.iterations}`
    this.state = 'final'
    return { challenge: Buffer.from(this.serverFirst, 'utf8'), complete: false }
  }

  private clientFinal(msg: string): SaslStep {
    const at = msg.lastIndexOf(',p=')
    if (at < 0) throw scramFailure(this.mechanism)
    const withoutProof = msg.slice(0, at)
    const attrs = attributes(withoutProof)
    // The nonce must come back exactly. (librdkafka 2.0.x sends its own nonce again in front of
    // it; Kafka 4.1 refuses that, and so does this broker.)
    if (attrs.get('r') !== this.nonce) throw scramFailure(this.mechanism)
    if (attrs.get('c') !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) throw scramFailure(this.mechanism)
    const proof = Buffer.from(msg.slice(at + 3), 'base64')
    const cred = this.credential!
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`
    const clientSignature = hmac(this.mechanism, cred.storedKey, authMessage)
    if (proof.length !== clientSignature.length) throw scramFailure(this.mechanism)
    const clientKey = Buffer.alloc(proof.length)
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!
    const computed = createHash(hashName(this.mechanism)).update(clientKey).digest()
    if (!timingSafeEqual(computed, cred.storedKey)) throw scramFailure(this.mechanism)
    this.state = 'done'
    const serverSignature = hmac(this.mechanism, cred.serverKey, authMessage)
    return { challenge: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8'), complete: true, principal: { type: 'User', name: this.user } }
  }
}
