// `npm start` / `npm run dev`: the desktop app when an Electron binary is installed; where
// none is (a server, CI, a container), Kafkadesk in web mode with the embedded cluster, and
// the URL to open. Extra arguments go to `kafkadesk serve` (e.g. `npm start -- --port 8080`).
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dev = process.argv.includes('--dev')
const passthrough = process.argv.slice(2).filter((a) => a !== '--dev')

/** The Electron binary's path, or the reason there is none. */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron')
    if (typeof path === 'string' && existsSync(path)) return { path }
    return { reason: `the electron package points at ${path}, which does not exist` }
  } catch (e) {
    return { reason: e instanceof Error ? e.message.split('\n')[0] : String(e) }
  }
}

function newestMtime(path) {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const name of readdirSync(path)) if (name !== 'node_modules') newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

/** The UI built by `npm install` (or an earlier start) is reused until its sources change. */
function rendererUpToDate() {
  const index = join(root, 'out', 'renderer', 'index.html')
  if (!existsSync(index)) return false
  const sources = Math.max(
    newestMtime(join(root, 'src-renderer')),
    newestMtime(join(root, 'src-main', 'ipc')),
    newestMtime(join(root, 'src-main', 'cli', 'client-configs.ts')),
  )
  return statSync(index).mtimeMs > sources
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
    const forward = (signal) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      if (code === 0 || signal === 'SIGINT' || signal === 'SIGTERM') resolve()
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`))
    })
  })
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'

try {
  await run(process.execPath, ['scripts/build-cli.mjs'])
  const electron = electronBinary()
  if (electron.path) {
    // electron-vite builds main, preload and renderer, then starts Electron on them.
    await run(npx, ['electron-vite', dev ? 'dev' : 'preview'])
  } else {
    process.stdout.write(
      `\nNo Electron binary is installed (${electron.reason}).\n` +
        'Starting Kafkadesk in web mode instead: the same console in your browser, with the embedded cluster.\n\n',
    )
    if (!rendererUpToDate()) {
      process.stdout.write('Building the UI…\n')
      await run(npx, ['vite', 'build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn'])
    }
    await run(process.execPath, [
      'out/cli/kafkadesk.js',
      'serve',
      ...(passthrough.some((a) => a.startsWith('--bootstrap')) ? [] : ['--embedded']),
      ...passthrough,
    ])
  }
} catch (e) {
  process.stderr.write(`kafkadesk: ${e instanceof Error ? e.message : e}\n`)
  process.exit(1)
}
