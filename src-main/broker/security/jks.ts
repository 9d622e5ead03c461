// A reader for Java's JKS keystore format (what keytool writes with -storetype JKS, and the
// default type of Kafka's ssl.keystore.type / ssl.truststore.type). The format is small:
//   magic 0xFEEDFEED, version (1 or 2), entry count, then per entry a tag
//   (1 = private key with its certificate chain, 2 = trusted certificate), the alias
//   (Java's writeUTF), a timestamp, and the DER bytes; then a SHA-1 digest over
//   UTF-16BE(password) || "Mighty Aphrodite" || everything before it, which is how keytool
//   checks the store password. Private keys are protected with Sun's own key protector
//   (OID 1.3.6.1.4.1.42.2.17.1.1): a SHA-1 keystream XORed over the PKCS#8 key.
import { createHash, timingSafeEqual } from 'node:crypto'

export class KeystoreError extends Error {}

const JKS_MAGIC = 0xfeedfeed
const JCEKS_MAGIC = 0xcececece
const SUN_KEY_PROTECTOR_OID = '1.3.6.1.4.1.42.2.17.1.1'
const DIGEST_LENGTH = 20

export interface JksPrivateKeyEntry {
  kind: 'privateKey'
  alias: string
  /** The key as stored: an EncryptedPrivateKeyInfo (DER), opened with decryptJksKey. */
  protectedKey: Buffer
  /** DER certificates, the entry's own first. */
  chain: Buffer[]
}

export interface JksTrustedCertEntry {
  kind: 'trustedCert'
  alias: string
  cert: Buffer
}

export type JksEntry = JksPrivateKeyEntry | JksTrustedCertEntry

export function isJks(data: Buffer): boolean {
  return data.length >= 4 && data.readUInt32BE(0) === JKS_MAGIC
}

function passwordBytes(password: string): Buffer {
  // Java's char[] as big-endian UTF-16 code units.
  const b = Buffer.alloc(password.length * 2)
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2)
  return b
}

class Cursor {
  pos = 0
  constructor(private readonly data: Buffer) {}
  need(n: number): void {
    if (this.pos + n > this.data.length) throw new KeystoreError('the JKS keystore is truncated')
  }
  u16(): number {
    this.need(2)
    const v = this.data.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }
  u32(): number {
    this.need(4)
    const v = this.data.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }
  bytes(n: number): Buffer {
    this.need(n)
    const v = this.data.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }
  utf(): string {
    // Java's modified UTF-8 equals UTF-8 for every alias keytool accepts without NUL or surrogates.
    return this.bytes(this.u16()).toString('utf8')
  }
}

/**
 * The entries of a JKS keystore. With a password, the store's digest is checked as keytool does
 * and a wrong password throws; without one (Kafka allows a truststore without
 * ssl.truststore.password) the entries are read unchecked, as Java's KeyStore.load(in, null) does.
 */
export function readJks(data: Buffer, password: string | undefined): JksEntry[] {
  if (data.length >= 4 && data.readUInt32BE(0) === JCEKS_MAGIC)
    throw new KeystoreError('the keystore is JCEKS, not JKS (convert it: keytool -importkeystore -deststoretype PKCS12)')
  if (!isJks(data)) throw new KeystoreError('not a JKS keystore (no 0xFEEDFEED magic number)')
  const c = new Cursor(data)
  c.u32()
  const version = c.u32()
  if (version !== 1 && version !== 2) throw new KeystoreError(`unsupported JKS version ${version}`)
  const count = c.u32()
  const entries: JksEntry[] = []
  const cert = (): Buffer => {
    if (version === 2) {
      const type = c.utf()
      if (type !== 'X.509') throw new KeystoreError(`certificate type ${type} is not supported (only X.509)`)
    }
    return Buffer.from(c.bytes(c.u32()))
  }
  for (let i = 0; i < count; i++) {
    const tag = c.u32()
    const alias = c.utf()
    c.bytes(8) // creation date, milliseconds since the epoch
    if (tag === 1) {
      const protectedKey = Buffer.from(c.bytes(c.u32()))
      const n = c.u32()
      const chain: Buffer[] = []
      for (let j = 0; j < n; j++) chain.push(cert())
      entries.push({ kind: 'privateKey', alias, protectedKey, chain })
    } else if (tag === 2) {
      entries.push({ kind: 'trustedCert', alias, cert: cert() })
    } else throw new KeystoreError(`unknown JKS entry tag ${tag} (alias ${alias})`)
  }
  const body = data.subarray(0, c.pos)
  const digest = c.bytes(DIGEST_LENGTH)
  if (password !== undefined) {
    const expected = createHash('sha1').update(passwordBytes(password)).update('Mighty Aphrodite', 'utf8').update(body).digest()
    if (!timingSafeEqual(expected, digest)) throw new KeystoreError('keystore was tampered with, or password was incorrect')
  }
  return entries
}

/** Minimal DER walking: enough for EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }. */
function derElement(buf: Buffer, pos: number): { tag: number; start: number; end: number } {
  if (pos + 2 > buf.length) throw new KeystoreError('malformed protected key')
  const tag = buf[pos]!
  let len = buf[pos + 1]!
  let start = pos + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4 || start + n > buf.length) throw new KeystoreError('malformed protected key')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!
    start += n
  }
  if (start + len > buf.length) throw new KeystoreError('malformed protected key')
  return { tag, start, end: start + len }
}

function oidText(der: Buffer): string {
  const parts = [Math.floor(der[0]! / 40), der[0]! % 40]
  let v = 0
  for (let i = 1; i < der.length; i++) {
    v = v * 128 + (der[i]! & 0x7f)
    if (!(der[i]! & 0x80)) {
      parts.push(v)
      v = 0
    }
  }
  return parts.join('.')
}

/** The PKCS#8 (DER) private key of a JKS private key entry, opened with the key's password. */
export function decryptJksKey(protectedKey: Buffer, password: string): Buffer {
  const seq = derElement(protectedKey, 0)
  const algSeq = derElement(protectedKey, seq.start)
  const oid = derElement(protectedKey, algSeq.start)
  if (oid.tag !== 0x06) throw new KeystoreError('malformed protected key')
  const alg = oidText(protectedKey.subarray(oid.start, oid.end))
  if (alg !== SUN_KEY_PROTECTOR_OID) throw new KeystoreError(`private key protection ${alg} is not supported (only JKS's own key protector)`)
  const octets = derElement(protectedKey, algSeq.end)
  if (octets.tag !== 0x04) throw new KeystoreError('malformed protected key')
  const blob = protectedKey.subarray(octets.start, octets.end)
  if (blob.length < 2 * DIGEST_LENGTH) throw new KeystoreError('malformed protected key')
  const salt = blob.subarray(0, DIGEST_LENGTH)
  const encrypted = blob.subarray(DIGEST_LENGTH, blob.length - DIGEST_LENGTH)
  const check = blob.subarray(blob.length - DIGEST_LENGTH)
  const pw = passwordBytes(password)
  const key = Buffer.alloc(encrypted.length)
  let digest: Buffer = salt
  for (let off = 0; off < encrypted.length; off += DIGEST_LENGTH) {
    digest = createHash('sha1').update(pw).update(digest).digest()
    for (let i = 0; i < DIGEST_LENGTH && off + i < encrypted.length; i++) key[off + i] = encrypted[off + i]! ^ digest[i]!
  }
  const expected = createHash('sha1').update(pw).update(key).digest()
  if (!timingSafeEqual(expected, check)) throw new KeystoreError('cannot recover the private key: the key password is incorrect')
  return key
}
