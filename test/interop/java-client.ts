// Java test programs in test/interop/java, compiled against the Kafka client jars in
// .cache/kafka/libs (scripts/kafka/fetch.sh) and run with the scripts' log4j2 settings.
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot, run, runOk, type RunOptions, type RunResult } from './target'

const CLASSES = join(repoRoot, '.cache', 'interop-classes')
const LIBS = join(repoRoot, '.cache', 'kafka', 'libs', '*')

/** Compiles test/interop/java/<name>.java unless its class is newer than the source. */
export async function compileJava(name: string): Promise<void> {
  const source = join(repoRoot, 'test', 'interop', 'java', `${name}.java`)
  const cls = join(CLASSES, `${name}.class`)
  if (existsSync(cls) && statSync(cls).mtimeMs > statSync(source).mtimeMs) return
  mkdirSync(CLASSES, { recursive: true })
  await runOk('javac', ['-d', CLASSES, '-cp', LIBS, source], { timeoutMs: 120_000 })
}

function javaArgs(main: string, args: string[]): string[] {
  return ['-Xmx512m', `-Dlog4j2.configurationFile=${join(repoRoot, 'scripts', 'kafka', 'log4j2.properties')}`, '-cp', `${CLASSES}:${LIBS}`, main, ...args]
}

/** Runs a compiled program; fails on a non-zero exit. */
export function javaOk(main: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runOk('java', javaArgs(main, args), { timeoutMs: 120_000, ...opts })
}

/** Runs a compiled program whatever its exit code (for programs that crash on purpose). */
export function java(main: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run('java', javaArgs(main, args), { timeoutMs: 120_000, ...opts })
}
