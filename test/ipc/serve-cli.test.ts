// `kafkadesk serve` as a command: prints the token URL, serves it, refuses bad arguments,
// and stops cleanly on SIGTERM.
import { beforeAll, describe, expect, it } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'

const root = fileURLToPath(new URL('../..', import.meta.url))
// The command as shipped: the esbuild bundle, built fresh from the sources.
const cli = [join(root, 'out', 'cli', 'kafkadesk.js')]

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`build-cli failed: ${r.stderr}`)
})

describe('kafkadesk serve', () => {
  it('refuses contradictory arguments with usage and exit code 2', () => {
    const r = spawnSync(process.execPath, [...cli, 'serve', '--bootstrap', 'a:9092', '--embedded'], { cwd: root, encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--bootstrap or --embedded/)
    expect(r.stderr).toMatch(/serve\s+the console in your browser/)
  })

  it('prints the URL, serves the API behind the token, and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-serve-cli-'))
    const child = spawn(process.execPath, [...cli, 'serve', '--brokers', '1', '--data-dir', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      let err = ''
      child.stderr.on('data', (d) => (err += d))
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL; stdout: ${out}; stderr: ${err}`)), 30_000)
        child.stdout.on('data', () => {
          const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out)
          if (m) {
            clearTimeout(t)
            resolve(m[1])
          }
        })
      })
      expect(out).toMatch(/embedded cluster \(1 broker\) at 127\.0\.0\.1:\d+/)
      for (let i = 0; i < 100 && !/file mode 0600/.test(err); i++) await new Promise((r) => setTimeout(r, 20))
      expect(err).toMatch(/secrets\.json with file mode 0600/)
      const u = new URL(url)
      expect((await fetch(`${u.origin}/`)).status).toBe(403)
      expect([200, 503]).toContain((await fetch(url)).status)
      const ws = new WebSocket(`ws://${u.host}/ws${u.search}`)
      await new Promise((r, j) => ws.once('open', r).once('error', j))
      const reply = await new Promise<any>((r) => {
        ws.on('message', (d) => {
          const m = JSON.parse(d.toString())
          if (m.id === 1) r(m)
        })
        ws.send(JSON.stringify({ id: 1, channel: 'embedded.status', payload: {} }))
      })
      expect(reply).toMatchObject({ id: 1, ok: true, result: { state: 'running' } })
      ws.close()
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
      child.kill('SIGTERM')
      expect(await exit).toBe(0)
      expect(err).toMatch(/SIGTERM: stopping/)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
