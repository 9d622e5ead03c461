// Bundles the `kafkadesk` CLI (and the broker and console it hosts) into one ESM file, so the
// command starts without a TypeScript loader: the broker must be ready within a second of launch.
import { build } from 'esbuild'

await build({
  entryPoints: ['src-main/cli/kafkadesk.ts'],
  outfile: 'out/cli/kafkadesk.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
})
