// Bundles the `kafkadesk` CLI (and the broker and console it hosts) into ESM files, so the
// command starts without a TypeScript loader: the broker must be ready within a second of launch.
// The CLI's entry (launch.ts) is split into chunks: `kafkadesk cluster` loads the supervisor's
// code alone, not the console and its libraries.
// A broker process has its own, smaller bundle (src-main/broker/process/broker-entry.ts): it
// holds the broker alone, with its pure-JavaScript libraries inlined, so a broker process loads
// no console code and resolves no packages but the native ones at start.
import { readdirSync, rmSync } from 'node:fs'
import { build } from 'esbuild'

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
}

const [cli] = await Promise.all([
  build({
    ...common,
    entryPoints: [{ in: 'src-main/cli/launch.ts', out: 'kafkadesk' }],
    outdir: 'out/cli',
    splitting: true,
    // Beside the entry, so code that finds files relative to its own module (import.meta.url) finds them.
    chunkNames: 'chunk-[hash]',
    packages: 'external',
    metafile: true,
  }),
  // CommonJS: node compiles it as a script (no ES module linking, no export scanning of the
  // native packages it requires), about 80 ms less CPU per broker process than the ESM form.
  // Native addons (.node files) stay packages resolved at run time.
  build({
    ...common,
    format: 'cjs',
    entryPoints: ['src-main/broker/process/broker-entry.ts'],
    outfile: 'out/cli/broker-main.cjs',
    external: ['snappy', 'lz4-napi', '@node-rs/crc32'],
  }),
  // What the supervisor forks: loads broker-main.cjs with a V8 code cache (broker-loader.ts).
  build({ ...common, format: 'cjs', entryPoints: ['src-main/broker/process/broker-loader.ts'], outfile: 'out/cli/broker-process.cjs' }),
])

// Chunks of earlier builds carry other hashes, and code caches are named after the bundle they
// were made from: removed once the new files are in place, so a CLI starting meanwhile still
// finds every chunk its entry names.
const built = new Set(Object.keys(cli.metafile.outputs).map((f) => f.slice('out/cli/'.length)))
for (const f of readdirSync('out/cli')) {
  if ((f.startsWith('chunk-') && !built.has(f)) || f.endsWith('.v8cache')) rmSync(`out/cli/${f}`, { force: true })
}
