// `kafkadesk serve` as a command: prints the token URL, the cluster's bootstrap address and
// the client configs, serves the API behind the token, refuses bad arguments, falls back to
// free ports when the cluster port is taken (with one line saying so), keeps the cluster's data
// between launches, and stops cleanly on SIGTERM. The cluster port is always given explicitly
// here: 9092 may be in use by anything else on the machine, this suite included.
import { beforeAll, describe, expect, it } from 'vitest'
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { Kafka, logLevel } from 'kafkajs'

const root = fileURLToPath(new URL('../..', import.meta.url))
// The command as shipped: the esbuild bundle, built fresh from the sources.
const cli = [join(root, 'out', 'cli', 'kafkadesk.js')]

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`build-cli failed: ${r.stderr}`)
})

interface Served {
  child: ChildProcessWithoutNullStreams
  url: string
  bootstrap: string
  out(): string
  err(): string
  stop(): Promise<number | null>
}

/** Starts `kafkadesk serve` and waits for the URL line (printed last, once everything is up). */
async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [...cli, 'serve', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (err += d))
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no URL; stdout: ${out}; stderr: ${err}`)), 60_000)
    child.stdout.on('data', () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out)
      if (m) {
        clearTimeout(t)
        resolve(m[1])
      }
    })
    void exit.then((code) => reject(new Error(`exited with ${code}; stdout: ${out}; stderr: ${err}`)))
  })
  const bootstrap = /^bootstrap (\S+)$/m.exec(out)?.[1] ?? ''
  return {
    child,
    url,
    bootstrap,
    out: () => out,
    err: () => err,
    async stop() {
      if (child.exitCode !== null) return child.exitCode
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000)
      const code = await exit
      clearTimeout(t)
      return code
    },
  }
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

async function topicsAt(bootstrap: string): Promise<string[]> {
  const admin = new Kafka({ clientId: 'serve-cli-test', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    return await admin.listTopics()
  } finally {
    await admin.disconnect()
  }
}

describe('kafkadesk serve', () => {
  it('refuses contradictory arguments with usage and exit code 2', () => {
    const r = spawnSync(process.execPath, [...cli, 'serve', '--bootstrap', 'a:9092', '--embedded'], { cwd: root, encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--bootstrap or --embedded/)
    expect(r.stderr).toMatch(/serve\s+the console in your browser/)
    expect(r.stderr).toMatch(/--cluster-port P/)
  })

  it('prints the URL, the bootstrap address and client configs, serves the API behind the token, and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-serve-cli-'))
    const port = await freePort()
    const s = await serve(['--brokers', '1', '--cluster-port', String(port), '--data-dir', dataDir])
    try {
      const bootstrap = `127.0.0.1:${port}`
      expect(s.out()).toContain(`embedded cluster (1 broker) at ${bootstrap}`)
      expect(s.out()).not.toMatch(/is taken/)
      expect(s.bootstrap).toBe(bootstrap)
      expect(s.out()).toContain(`bootstrap.servers=${bootstrap}`)
      expect(s.out()).toContain(`-b ${bootstrap}`)
      expect(s.out()).toContain(`brokers: ['${bootstrap}']`)
      for (let i = 0; i < 100 && !/file mode 0600/.test(s.err()); i++) await new Promise((r) => setTimeout(r, 20))
      expect(s.err()).toMatch(/secrets\.json with file mode 0600/)
      const u = new URL(s.url)
      expect((await fetch(s.url)).status).toBe(200)
      // The API needs the token: a socket without it is refused.
      const refused = await new Promise<number>((r) =>
        new WebSocket(`ws://${u.host}/ws`).once('unexpected-response', (_q, res) => r(res.statusCode ?? 0)).once('error', () => r(-1)),
      )
      expect(refused).toBe(401)
      const ws = new WebSocket(`ws://${u.host}/ws${u.search}`)
      await new Promise((r, j) => ws.once('open', r).once('error', j))
      const reply = await new Promise<{ id: number; ok: boolean; result?: { state?: string; bootstrap?: string } }>((r) => {
        ws.on('message', (d) => {
          const m = JSON.parse(d.toString())
          if (m.id === 1) r(m)
        })
        ws.send(JSON.stringify({ id: 1, channel: 'embedded.status', payload: {} }))
      })
      expect(reply).toMatchObject({ id: 1, ok: true, result: { state: 'running', bootstrap } })
      ws.close()
      expect(await s.stop()).toBe(0)
      expect(s.err()).toMatch(/SIGTERM: stopping/)
    } finally {
      await s.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 120_000)

  it('one serve per data dir: a second is refused with the owner’s pid, a stale lock is taken over', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-serve-lock-'))
    // A lock left by a process that is gone (it ran and exited).
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    writeFileSync(join(dataDir, 'serve.lock'), `${gone.stdout}\n`)
    const first = await serve(['--brokers', '1', '--cluster-port', '0', '--data-dir', dataDir])
    try {
      const second = spawnSync(process.execPath, [...cli, 'serve', '--brokers', '1', '--cluster-port', '0', '--data-dir', dataDir], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      })
      expect(second.status).toBe(1)
      expect(second.stderr).toContain(`another Kafkadesk (pid ${first.child.pid}) is using ${dataDir}`)
      expect(second.stdout).not.toMatch(/open http/)
    } finally {
      expect(await first.stop()).toBe(0)
    }
    expect(existsSync(join(dataDir, 'serve.lock'))).toBe(false)
    rmSync(dataDir, { recursive: true, force: true })
  }, 120_000)

  it('falls back to free ports with one line when the cluster port is taken, and keeps data between launches', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-serve-fallback-'))
    // Something else holds the port (here: a plain TCP listener).
    const holder: Server = createServer((c) => c.destroy())
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
    const taken = (holder.address() as { port: number }).port
    try {
      const first = await serve(['--brokers', '1', '--cluster-port', String(taken), '--data-dir', dataDir])
      let bootstrap: string
      try {
        const lines = first
          .out()
          .split('\n')
          .filter((l) => l.includes('is taken'))
        expect(lines).toEqual([`port ${taken} is taken: the embedded cluster uses free ports instead (its address is below)`])
        bootstrap = first.bootstrap
        expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+$/)
        expect(bootstrap).not.toBe(`127.0.0.1:${taken}`)
        // The printed address is the cluster: a real client's Metadata and CreateTopics.
        const admin = new Kafka({ clientId: 'serve-cli-test', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin()
        await admin.connect()
        await admin.createTopics({ topics: [{ topic: 'kept-between-launches', numPartitions: 1 }], waitForLeaders: true })
        await admin.disconnect()
      } finally {
        expect(await first.stop()).toBe(0)
      }
      // The next launch, same data dir: the topic is still there.
      const second = await serve(['--brokers', '1', '--cluster-port', String(taken), '--data-dir', dataDir])
      try {
        expect(await topicsAt(second.bootstrap)).toContain('kept-between-launches')
      } finally {
        expect(await second.stop()).toBe(0)
      }
    } finally {
      await new Promise((r) => holder.close(r))
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 180_000)
})
