import { homedir } from 'node:os'
import { join } from 'node:path'

/** The user's data directory for Kafkadesk, following each platform's convention. */
export function userDataDir(): string {
  const home = homedir()
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Kafkadesk')
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Kafkadesk')
  return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'kafkadesk')
}
