// The first thing a broker process runs (out/cli/broker-process.cjs): it loads the broker's
// bundle (out/cli/broker-main.cjs, built from broker-entry.ts) with a V8 code cache. Compiling
// the bundle was the largest part of a broker process's start; node 20 has no compile cache of
// its own (module.enableCompileCache came in node 22), so the loader keeps one next to the bundle:
// written once by the first broker to start, from the functions compiled by the time it is
// ready (or when it exits, if sooner), and named after a hash of the bundle, so a rebuilt bundle never runs with a stale one
// (V8 itself checks only the source's length). Where the directory is not writable (an
// installed app), brokers just compile as before.
import { createHash } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Script } from 'node:vm'

/** Time after the start to write a missing cache: the broker is ready by then, its start-up code compiled. */
const WRITE_AFTER_MS = 3000

const bundle = join(__dirname, 'broker-main.cjs')
const source = readFileSync(bundle, 'utf8')
const cacheFile = `${bundle}.${createHash('sha1').update(source).digest('hex').slice(0, 16)}.v8cache`
let cachedData: Buffer | undefined
try {
  cachedData = readFileSync(cacheFile)
} catch {
  // none yet: this broker compiles, and writes one
}
const script = new Script(Module.wrap(source), { filename: bundle, cachedData })
if (!cachedData || script.cachedDataRejected) {
  let written = false
  const write = () => {
    if (written) return
    written = true
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`
      writeFileSync(tmp, script.createCachedData())
      renameSync(tmp, cacheFile)
    } catch {
      // not writable: the next broker compiles again
    }
  }
  setTimeout(write, WRITE_AFTER_MS).unref()
  // A broker stopped sooner (a short test, a quick restart) leaves its cache on the way out.
  process.once('exit', write)
}
const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void
const loaded = { exports: {} }
run.call(loaded.exports, loaded.exports, createRequire(bundle), loaded, bundle, dirname(bundle))
