// Standalone build of the renderer. electron.vite.config.ts mirrors these settings for
// its `renderer` section: root is this folder, output goes to out/renderer, and assets
// are referenced relatively so the same build works from file:// (Electron) and from
// `kafkadesk serve` (HTTP, any path).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  base: './',
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The charts chunk is ECharts core + bar/line + grid/tooltip/legend/dataZoom/markLine (~600 kB, ~200 kB gzipped).
    chunkSizeWarningLimit: 650,
    rollupOptions: {
      output: {
        // Keep ECharts in its own chunk so app code changes don't bust its cache.
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'charts'
          if (id.includes('node_modules/')) return 'vendor'
          return undefined
        },
      },
    },
  },
  server: { port: 5174, strictPort: false },
})
