// Where connection secrets (SASL passwords, TLS private keys, schema registry passwords) live.
// They are never written in plain text next to the connection list:
// - Desktop: Electron's safeStorage (OS keychain / DPAPI / libsecret) encrypts each value; the
//   shell injects it (SafeStorageSecrets). The encrypted values are kept in secrets.enc.json.
// - Web mode (`kafkadesk serve`) has no OS keychain: secrets go to secrets.json under the user's
//   data dir, created with mode 0600 (readable by the user only). That is access control, not
//   encryption, and status() says so, so the UI can show it.
// - A Linux desktop without a keyring is web mode too: there Electron's safeStorage falls back to
//   its `basic_text` backend, which "encrypts" with a key built into Electron, so calling that
//   encrypted would be a false promise (encryptingSafeStorage).
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SecretsStatus } from '../ipc/contract'

export interface SecretStore {
  get(key: string): string | undefined
  set(key: string, value: string): void
  delete(key: string): void
  /** Deletes every key starting with prefix. */
  deletePrefix(prefix: string): void
  status(): SecretsStatus
}

/** The subset of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: 'basic_text', 'gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6' or 'unknown'. */
  getSelectedStorageBackend?(): string
}

/**
 * safeStorage when it really encrypts with an OS keychain, else undefined (then secrets are kept
 * as in web mode, and say so). On Linux without a keyring the backend is `basic_text`: a key
 * hard-coded in Electron, which anyone with the file can undo.
 */
export function encryptingSafeStorage(safe: SafeStorageLike, platform: NodeJS.Platform = process.platform): SafeStorageLike | undefined {
  if (!safe.isEncryptionAvailable()) return undefined
  if (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text') return undefined
  return safe
}

function readJson(path: string): Record<string, string> {
  if (!existsSync(path)) return {}
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>
  } catch {
    return {}
  }
}

/** Writes via a temp file (mode 0600) and rename, so a crash never leaves half a file. */
function writePrivate(path: string, data: Record<string, string>): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const tmp = `${path}.tmp`
  writeFileSync(tmp, JSON.stringify(data, null, 1), { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, path)
}

abstract class JsonSecretStore implements SecretStore {
  protected data: Record<string, string>
  constructor(protected readonly path: string) {
    this.data = readJson(path)
  }
  protected abstract seal(v: string): string
  protected abstract open(v: string): string
  abstract status(): SecretsStatus
  get(key: string): string | undefined {
    const v = this.data[key]
    return v === undefined ? undefined : this.open(v)
  }
  set(key: string, value: string): void {
    this.data[key] = this.seal(value)
    writePrivate(this.path, this.data)
  }
  delete(key: string): void {
    if (!(key in this.data)) return
    delete this.data[key]
    writePrivate(this.path, this.data)
  }
  deletePrefix(prefix: string): void {
    const keys = Object.keys(this.data).filter((k) => k.startsWith(prefix))
    if (!keys.length) return
    for (const k of keys) delete this.data[k]
    writePrivate(this.path, this.data)
  }
}

/** Web mode: a 0600 file under the user's data dir (not encrypted; readable only by the user). */
export class FileSecrets extends JsonSecretStore {
  constructor(dataDir: string) {
    super(join(dataDir, 'secrets.json'))
    if (existsSync(this.path)) chmodSync(this.path, 0o600)
  }
  protected seal(v: string): string {
    return v
  }
  protected open(v: string): string {
    return v
  }
  status(): SecretsStatus {
    return {
      backend: 'file-0600',
      encrypted: false,
      location: this.path,
      // The same words in web mode and on a desktop without a keyring: both have no OS keychain.
      note: `No OS keychain here (web mode, or a desktop without a keyring): secrets are stored in ${this.path} with file mode 0600 (readable only by your user account), not encrypted. The desktop app encrypts them when an OS keychain is available.`,
    }
  }
}

/** Desktop: values encrypted with Electron's safeStorage. */
export class SafeStorageSecrets extends JsonSecretStore {
  constructor(
    dataDir: string,
    private readonly safe: SafeStorageLike,
  ) {
    super(join(dataDir, 'secrets.enc.json'))
    if (!safe.isEncryptionAvailable()) throw new Error('safeStorage encryption is not available')
  }
  protected seal(v: string): string {
    return this.safe.encryptString(v).toString('base64')
  }
  protected open(v: string): string {
    return this.safe.decryptString(Buffer.from(v, 'base64'))
  }
  status(): SecretsStatus {
    return {
      backend: 'electron-safe-storage',
      encrypted: true,
      location: this.path,
      note: 'Secrets are encrypted with the operating system keychain (Electron safeStorage) and stored in encrypted form only.',
    }
  }
}

/** Tests and ephemeral sessions: nothing touches the disk. */
export class MemorySecrets implements SecretStore {
  private data = new Map<string, string>()
  get(key: string) {
    return this.data.get(key)
  }
  set(key: string, value: string) {
    this.data.set(key, value)
  }
  delete(key: string) {
    this.data.delete(key)
  }
  deletePrefix(prefix: string) {
    for (const k of [...this.data.keys()]) if (k.startsWith(prefix)) this.data.delete(k)
  }
  status(): SecretsStatus {
    return { backend: 'memory', encrypted: false, note: 'Secrets are kept in memory only and forgotten when the app exits.' }
  }
}
