// The Go clients' driver (test/interop/go: franz-go and sarama), built once per test file with
// the `go` on PATH (Go 1.26+, as go.mod asks; modules come from the Go module proxy or its
// cache), then run once per command with JSON arguments on stdin and a JSON answer on stdout.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { interopDir, runOk } from './target.ts'

export type GoClient = 'franz' | 'sarama'

export interface GoDriver {
  call<T>(client: GoClient, command: string, bootstrap: string, args: object, timeoutMs?: number): Promise<T>
  remove(): void
}

/** A produced record's place, or a consumed record, as the driver prints them. */
export interface GoRecord {
  partition: number
  offset: number
  key: string
  value: string
  timestamp?: number
}

export interface GoPartition {
  id: number
  leader: number
  replicas: number[]
  isr: number[]
}

export async function buildGoDriver(): Promise<GoDriver> {
  const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-kdgo-'))
  const bin = join(dir, 'kdgo')
  try {
    await runOk('go', ['build', '-buildvcs=false', '-o', bin, '.'], { cwd: join(interopDir, 'go'), timeoutMs: 170_000 })
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`building the Go driver needs Go 1.26+ on PATH: ${(e as Error).message}`)
  }
  return {
    async call<T>(client: GoClient, command: string, bootstrap: string, args: object, timeoutMs = 55_000): Promise<T> {
      const r = await runOk(bin, [client, command, bootstrap], { input: JSON.stringify(args), timeoutMs })
      try {
        return JSON.parse(r.stdout) as T
      } catch {
        throw new Error(`kdgo ${client} ${command}: no JSON on stdout\n${r.stdout}\n--- stderr ---\n${r.stderr}`)
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
