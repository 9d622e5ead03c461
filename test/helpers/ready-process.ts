// Starts a broker process the way a user does and waits for its one stdout line
// `ready bootstrap=host:port[,…]`. Used for the embedded CLI and for real Kafka
// (scripts/kafka/start-broker.sh) by the interop harness, the broker tests and the bench.
import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'

const READY = /^ready bootstrap=(\S+)\s*$/m
const STDERR_KEPT = 1 << 20

export interface ReadyProcess {
  child: ChildProcess
  bootstrap: string
  /** Milliseconds from spawn to the ready line. */
  readyMs: number
  /** What the process logged so far (its last MiB). */
  stderr(): string
  /** Sends the signal (SIGTERM by default; SIGKILL after `graceMs`, 30 s) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>
}

export interface ReadyOptions {
  /** Names the process in errors. */
  label: string
  timeoutMs: number
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Copy the process's stderr to ours as it comes. */
  echoStderr?: boolean
  /** A scratch directory of this process (its data dir), removed when it stops or fails to start. */
  scratchDir?: string
}

export async function spawnReady(cmd: string, args: string[], opts: ReadyOptions): Promise<ReadyProcess> {
  const t0 = performance.now()
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    log = (log + d).slice(-STDERR_KEPT)
    if (opts.echoStderr) process.stderr.write(d)
  })
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  // A crashed test run must not leave a broker behind.
  const killOnExit = (): void => void child.kill('SIGKILL')
  process.once('exit', killOnExit)

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<number | null> => {
    process.removeListener('exit', killOnExit)
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    }
    if (opts.scratchDir) rmSync(opts.scratchDir, { recursive: true, force: true })
    return exited
  }

  try {
    const bootstrap = await new Promise<string>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`${opts.label} not ready after ${opts.timeoutMs} ms; stderr:\n${log.slice(-4000)}`)), opts.timeoutMs)
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d
        const m = READY.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(m[1]!)
        }
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`${opts.label} exited (${code ?? signal}) before ready; stderr:\n${log.slice(-4000)}`))
      })
    })
    return { child, bootstrap, readyMs: performance.now() - t0, stderr: () => log, stop }
  } catch (e) {
    await stop()
    throw e
  }
}
