// Packaging config, checked without an Electron binary: electron-builder loads and validates
// electron-builder.yml against its schema, every target and icon is there, and the
// electron-vite config has the three builds with the sandbox-compatible preload.
import { describe, expect, it } from 'vitest'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js'
import { getElectronVersion } from 'app-builder-lib/out/electron/electronVersion.js'
import { DebugLogger } from 'builder-util'

const root = fileURLToPath(new URL('../..', import.meta.url))

type Targets = { target: string[]; icon: string }

describe('electron-builder.yml', () => {
  it('loads and passes electron-builder’s own validation', async () => {
    const config = await getConfig(root, null, null)
    await validateConfiguration(config, new DebugLogger(false))
    expect(config.appId).toBe('io.kafkadesk.app')
    expect(config.productName).toBe('Kafkadesk')
  })

  it('builds AppImage and deb, dmg, nsis, with icons that exist', async () => {
    const config = (await getConfig(root, null, null)) as Record<string, Targets & Record<string, unknown>>
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    expect(existsSync(join(root, config.mac.icon))).toBe(true)
    expect(existsSync(join(root, config.win.icon))).toBe(true)
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(existsSync(join(root, config.linux.icon, `${size}x${size}.png`))).toBe(true)
    expect(
      readFileSync(join(root, 'resources', 'icon.icns'))
        .subarray(0, 4)
        .toString(),
    ).toBe('icns')
    expect(readFileSync(join(root, 'resources', 'icon.ico')).readUInt16LE(2)).toBe(1)
    expect(
      readFileSync(join(root, 'resources', 'icon.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG')
    expect(JSON.stringify(config.files)).toContain('out/**/*')
  })

  it('flips the Electron fuses that harden the packaged binary, with names electron-builder’s schema knows', async () => {
    const config = (await getConfig(root, null, null)) as { electronFuses?: Record<string, boolean> }
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
    // The schema forbids unknown keys in electronFuses, so a misspelt fuse fails validation.
    const schema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as {
      definitions: Record<string, { additionalProperties?: boolean; properties?: Record<string, { type?: string }> }>
    }
    const fuses = schema.definitions.FuseOptionsV1
    expect(fuses.additionalProperties).toBe(false)
    for (const name of Object.keys(config.electronFuses ?? {})) expect(fuses.properties?.[name]?.type, name).toBe('boolean')
    // Deliberately not a Configuration: the misspelt key is what validation must catch.
    const misspelt = { ...(await getConfig(root, null, null)), electronFuses: { runAsNod: false } } as unknown as Parameters<typeof validateConfiguration>[0]
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/electronFuses/)
  })

  it('with RunAsNode off, the shell starts helper processes through utilityProcess.fork only', () => {
    // The shell is src-main/index.ts and the files of src-main/shell/ it is split into.
    const shell = readdirSync(join(root, 'src-main/shell'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `src-main/shell/${f}`)
    for (const file of ['src-main/index.ts', 'src-main/cluster-process.ts', ...shell]) {
      const src = readFileSync(join(root, file), 'utf8')
      // No import of child_process (its fork and spawn need RunAsNode); being forked by one in
      // tests, as cluster-process.ts may be, is fine.
      expect(src, file).not.toMatch(/from ['"](node:)?child_process['"]|require\(['"](node:)?child_process['"]\)|ELECTRON_RUN_AS_NODE/)
    }
    expect(readFileSync(join(root, 'src-main/shell/cluster-client.ts'), 'utf8')).toMatch(/utilityProcess\.fork\(/)
  })

  it('finds the Electron version to package', async () => {
    expect(await getElectronVersion(root)).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('package.json points Electron at the built main process and has the dist scripts', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(pkg.main).toBe('out/main/index.js')
    for (const s of ['start', 'dev', 'build', 'build:renderer', 'dist:linux', 'dist:mac', 'dist:win']) expect(pkg.scripts[s]).toBeTypeOf('string')
  })
})

describe('electron.vite.config.ts', () => {
  it('builds main, a CommonJS preload with everything bundled, and the renderer into out/', async () => {
    const { default: config } = await import('../../electron.vite.config')
    const c = config as unknown as Record<string, { build: Record<string, any>; root?: string }>
    expect(c.main.build.outDir).toMatch(/out[\\/]main$/)
    expect(String(c.main.build.rollupOptions.input.index)).toMatch(/src-main[\\/]index\.ts$/)
    expect(c.preload.build.externalizeDeps).toBe(false)
    expect(c.preload.build.rollupOptions.output).toMatchObject({ format: 'cjs', entryFileNames: '[name].cjs' })
    expect(c.renderer.build.outDir).toMatch(/out[\\/]renderer$/)
    expect(c.renderer.root).toMatch(/src-renderer$/)
  })
})
