// Issue 10, "first run": what a new user gets from a fresh clone. The committed tree is cloned
// into a temporary directory, given this checkout's installed node_modules (a symlink: the same
// packages `npm ci` would install, without the download), and set up by the `prepare` script
// that `npm install` runs. Then the README's own example, `./bin/kafkadesk serve --embedded
// --brokers 3`, must answer the UI's page with its script (never 503 "not built"), and its
// cluster must answer a real client's Metadata on 127.0.0.1:9092 or, when 9092 is taken (this
// suite may itself run something there), on the fallback address it printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'

const root = fileURLToPath(new URL('../..', import.meta.url))

let dir: string
let clone: string
let prepareSeconds = 0
let child: ChildProcessWithoutNullStreams | undefined

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-first-run-'))
  clone = join(dir, 'kafkadesk')
  const git = spawnSync('git', ['clone', '--quiet', '--depth', '1', `file://${root}`, clone], { encoding: 'utf8' })
  if (git.status !== 0) throw new Error(`git clone failed: ${git.stderr}`)
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir')
  const started = Date.now()
  const npm = spawnSync('npm', ['run', 'prepare'], { cwd: clone, encoding: 'utf8', timeout: 600_000 })
  prepareSeconds = (Date.now() - started) / 1000
  if (npm.status !== 0) throw new Error(`npm run prepare failed: ${npm.stdout}\n${npm.stderr}`)
}, 660_000)

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r))
    child.kill('SIGTERM')
    const t = setTimeout(() => child!.kill('SIGKILL'), 30_000)
    await exited
    clearTimeout(t)
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('first run from a fresh clone', () => {
  it('npm install’s prepare step builds the command and the UI', () => {
    expect(existsSync(join(clone, 'out', 'cli', 'kafkadesk.js'))).toBe(true)
    expect(existsSync(join(clone, 'out', 'renderer', 'index.html'))).toBe(true)
    console.log(`prepare (build:cli + build:renderer) took ${prepareSeconds.toFixed(1)} s`)
  })

  it('`kafkadesk serve --embedded --brokers 3` serves the UI and a cluster that answers Metadata', async () => {
    child = spawn(join(clone, 'bin', 'kafkadesk'), ['serve', '--embedded', '--brokers', '3', '--data-dir', join(dir, 'data')], {
      cwd: clone,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL; stdout: ${out}; stderr: ${err}`)), 120_000)
      child!.stdout.on('data', () => {
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out)
        if (m) {
          clearTimeout(t)
          resolve(m[1])
        }
      })
      child!.once('exit', (code) => reject(new Error(`exited with ${code}; stdout: ${out}; stderr: ${err}`)))
    })
    expect(err).not.toMatch(/not built/)

    // The page, with its script, and the script itself.
    const page = await fetch(url)
    expect(page.status).toBe(200)
    const html = await page.text()
    const script = /<script[^>]+type="module"[^>]+src="([^"]+)"/.exec(html)?.[1]
    expect(script, html).toBeDefined()
    const js = await fetch(new URL(script!, url))
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toMatch(/javascript/)
    expect((await js.text()).length).toBeGreaterThan(1000)

    // The bootstrap address: 9092 and the next ports, or the printed fallback.
    const bootstrap = /^bootstrap (\S+)$/m.exec(out)?.[1]
    expect(bootstrap, out).toBeDefined()
    if (bootstrap === '127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094') expect(out).not.toMatch(/is taken/)
    else expect(out).toMatch(/^port 909[234] is taken: the embedded cluster uses free ports instead/m)
    expect(out).toContain(`bootstrap.servers=${bootstrap}`)

    const admin = new Kafka({ clientId: 'first-run-test', brokers: [bootstrap!.split(',')[0]], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      const cluster = await admin.describeCluster()
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(bootstrap!.split(',').sort())
    } finally {
      await admin.disconnect()
    }
  }, 180_000)
})
