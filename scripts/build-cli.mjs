// Bundles the `kafkadesk` CLI (and the broker and console it hosts) into one ESM file, so the
// command starts without a TypeScript loader: the broker must be ready within a second of launch.
// Dependencies stay in node_modules, except kafkajs: it is CommonJS, and the console imports its
// named exports, which Node's ESM loader cannot see in a CommonJS module; bundled, esbuild
// resolves them. The banner gives that bundled CommonJS code a `require` for Node's built-ins.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const bundled = new Set(['kafkajs'])
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies })
  .filter((name) => !bundled.has(name))
  .flatMap((name) => [name, `${name}/*`])

await build({
  entryPoints: ['src-main/cli/kafkadesk.ts'],
  outfile: 'out/cli/kafkadesk.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external,
  banner: { js: "import { createRequire as __kafkadeskRequire } from 'node:module'; const require = __kafkadeskRequire(import.meta.url);" },
  logLevel: 'warning',
})
