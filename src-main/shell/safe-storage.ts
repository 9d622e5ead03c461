// Where the desktop app keeps secrets: Electron's safeStorage when it encrypts with an OS
// keychain. On Linux without a keyring (the basic_text backend) secrets are kept as in web mode
// (a 0600 file), and the log says so.
import { safeStorage } from 'electron'
import { encryptingSafeStorage, type SafeStorageLike } from '../console/secrets'

export function desktopSafeStorage(log: (line: string) => void = () => {}): SafeStorageLike | undefined {
  const safe = encryptingSafeStorage(safeStorage)
  if (!safe)
    log(`no OS keychain for secrets (safeStorage backend: ${safeStorage.getSelectedStorageBackend?.() ?? 'none'}); they are kept in a 0600 file, not encrypted`)
  return safe
}
