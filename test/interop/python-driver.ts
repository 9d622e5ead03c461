// Runs a command of a Python driver script (test/interop/python/*.py) and parses its JSON answer.
// Timeouts stay under vitest's 60 s test timeout so a hung client is killed, not orphaned.
import { afterAll, beforeAll } from 'vitest'
import { python, startTarget, type Target } from './target.ts'

export async function pyCall<T>(script: string, command: string, bootstrap: string, args: object, timeoutMs = 55_000): Promise<T> {
  const r = await python(script, [command, bootstrap], { input: JSON.stringify(args), timeoutMs })
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`${script} ${command}: no JSON on stdout\n${r.stdout}\n--- stderr ---\n${r.stderr}`)
  }
}

/** A delivery report or consumed record as the Python drivers print them. */
export interface Report {
  partition: number
  offset: number
  key: string
  value: string
}
export interface Record extends Report {
  timestamp: number
}

/**
 * Starts the target for the calling test file (before all its tests, stopped after) and returns
 * a caller of one Python driver script against it.
 */
export function pythonClient(script: string): <T>(command: string, args: object) => Promise<T> {
  let target: Target
  beforeAll(async () => {
    target = await startTarget()
  })
  afterAll(async () => {
    await target?.stop()
  })
  return <T>(command: string, args: object) => pyCall<T>(script, command, target.bootstrap, args)
}
