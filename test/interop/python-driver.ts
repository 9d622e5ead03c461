// Runs a command of a Python driver script (test/interop/python/*.py) and parses its JSON answer.
// Timeouts stay under vitest's 60 s test timeout so a hung client is killed, not orphaned.
import { python } from './target.ts'

export async function pyCall<T>(script: string, command: string, bootstrap: string, args: object, timeoutMs = 55_000): Promise<T> {
  const r = await python(script, [command, bootstrap], { input: JSON.stringify(args), timeoutMs })
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`${script} ${command}: no JSON on stdout\n${r.stdout}\n--- stderr ---\n${r.stderr}`)
  }
}
