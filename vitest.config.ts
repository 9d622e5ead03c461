import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Interop tests start brokers and external clients; running files one at a time keeps a 2-core machine honest.
    fileParallelism: false,
    pool: 'forks',
  },
})
