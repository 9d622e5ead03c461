// electron-vite: the main process (src-main/index.ts), the preload (src-main/preload.ts)
// and the renderer (src-renderer/, mirroring src-renderer/vite.config.ts).
//
// out/main/index.js     ESM main process; dependencies stay in node_modules (but kafkajs)
// out/main/cluster-process.js  the embedded cluster's utility process
// out/preload/index.cjs CommonJS: a sandboxed preload cannot load ES modules or require
//                       packages, so everything it needs (the channel list) is bundled in
// out/renderer/         the UI, referenced relatively so it loads from file:// and over HTTP
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

export default defineConfig({
  main: {
    build: {
      outDir: here('./out/main'),
      target: 'node20',
      sourcemap: true,
      // kafkajs is CommonJS and the console imports its named exports: bundle it (see scripts/build-cli.mjs).
      externalizeDeps: { exclude: ['kafkajs'] },
      rollupOptions: {
        input: {
          index: here('./src-main/index.ts'),
          // The embedded cluster's utility process (see src-main/cluster-process.ts).
          'cluster-process': here('./src-main/cluster-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      sourcemap: false,
      externalizeDeps: false,
      rollupOptions: {
        input: { index: here('./src-main/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: here('./src-renderer'),
    base: './',
    plugins: [vue()],
    build: {
      outDir: here('./out/renderer'),
      emptyOutDir: true,
      target: 'es2022',
      // electron-vite leaves output unminified unless told; the UI ships minified like the web build.
      minify: true,
      rollupOptions: {
        input: { index: here('./src-renderer/index.html') },
        output: {
          manualChunks(id: string) {
            if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'charts'
            if (id.includes('node_modules/')) return 'vendor'
            return undefined
          },
        },
      },
    },
    server: { port: 5174, strictPort: false },
  },
})
