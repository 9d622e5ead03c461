// Issue 7: on Linux without a keyring Electron's safeStorage says encryption is available but
// uses its `basic_text` backend (a key built into Electron). The shell must not call that
// encrypted: secrets are kept as in web mode, and secrets.status says so in web mode's words.
// The electron module is mocked as in electron.test.ts; this instance never gets the
// single-instance lock, so importing the shell starts nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const h = vi.hoisted(() => ({ backend: 'basic_text', available: true, platform: 'linux' }))

vi.mock('electron', () => ({
  app: { requestSingleInstanceLock: () => false, quit: () => {}, getPath: () => '' },
  safeStorage: {
    isEncryptionAvailable: () => h.available,
    getSelectedStorageBackend: () => h.backend,
    encryptString: (t: string) => Buffer.from(`enc:${t}`),
    decryptString: (b: Buffer) => b.toString().slice(4),
  },
}))

const realPlatform = process.platform
let dir: string

beforeAll(() => {
  Object.defineProperty(process, 'platform', { value: 'linux' })
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-basic-text-'))
})

afterAll(() => {
  Object.defineProperty(process, 'platform', { value: realPlatform })
  rmSync(dir, { recursive: true, force: true })
})

async function statusWith(backend: string, dataDir: string): Promise<{ backend: string; encrypted: boolean; note: string }> {
  h.backend = backend
  const shell = await import('../../src-main/index')
  const { openConsole } = await import('../../src-main/ipc/host')
  const { Broadcast } = await import('../../src-main/ipc/broadcast')
  const logs: string[] = []
  const host = await openConsole({ dataDir, broadcast: new Broadcast(), safeStorage: shell.desktopSafeStorage((l) => logs.push(l)) })
  try {
    await host.handlers['connections.save'](
      { name: 'with secret', bootstrapServers: ['127.0.0.1:1'], sasl: { mechanism: 'plain', username: 'u', password: 'hunter2' } } as never,
      { sink: { emit: () => {} }, clientId: 't' },
    )
    const status = await host.handlers['secrets.status']({} as never, { sink: { emit: () => {} }, clientId: 't' })
    if (backend === 'basic_text') expect(logs.join('\n')).toMatch(/no OS keychain.*basic_text/)
    return status as { backend: string; encrypted: boolean; note: string }
  } finally {
    await host.close()
  }
}

describe('safeStorage backends on Linux', () => {
  it('basic_text is not encryption: secrets are kept and described as in web mode', async () => {
    const desktop = join(dir, 'desktop')
    const status = await statusWith('basic_text', desktop)
    expect(status).toMatchObject({ backend: 'file-0600', encrypted: false })
    // Word for word what web mode says, but for the path.
    const { FileSecrets } = await import('../../src-main/console/secrets')
    const web = new FileSecrets(join(dir, 'web')).status()
    expect(status.note.replace(desktop, '<dir>')).toBe(web.note.replace(join(dir, 'web'), '<dir>'))
    expect(status.note).toMatch(/not encrypted/)
    expect(existsSync(join(desktop, 'secrets.enc.json'))).toBe(false)
    expect(readFileSync(join(desktop, 'secrets.json'), 'utf8')).toContain('hunter2')
  })

  it('a keyring backend (libsecret) encrypts', async () => {
    const desktop = join(dir, 'keyring')
    const status = await statusWith('gnome_libsecret', desktop)
    expect(status).toMatchObject({ backend: 'electron-safe-storage', encrypted: true })
    expect(readFileSync(join(desktop, 'secrets.enc.json'), 'utf8')).not.toContain('hunter2')
  })

  it('no encryption at all is web mode too', async () => {
    h.available = false
    try {
      expect((await statusWith('gnome_libsecret', join(dir, 'none'))).backend).toBe('file-0600')
    } finally {
      h.available = true
    }
  })
})
