import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Tests that start no broker, server or client process and open no socket: they run in
 * parallel. Everything else (interop, e2e, console, shell, ipc, the broker's API, server,
 * many-partitions and fuzz suites, anything that starts brokers) is the `integration` project,
 * one file at a time: those tests start brokers and external clients, and several at once on a
 * 2-core machine would make their timeouts measure the machine instead of the code.
 * A new pure test belongs here when it is added to one of these folders.
 */
const unitTests = [
  'test/broker/protocol/**/*.test.ts',
  'test/broker/coordinator/**/*.test.ts',
  'test/broker/storage/{log-cleaner,partition-log,producer-state,short-write,transaction-index}.test.ts',
  'test/broker/records/batch.test.ts',
  'test/broker/replication/{follower-log,leader-epoch-cache,leader-state}.test.ts',
  'test/broker/server/framing.test.ts',
  'test/broker/controller/{metadata-log,quorum-controller}.test.ts',
  // decoders-msgpack and decoders-protobuf start a cluster: they stay in integration.
  'test/console/decoders.test.ts',
  'test/renderer/{decode,format,message-rows,skew-validate-export}.test.ts',
]

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        // Runs first (group 0), on every core.
        test: { name: 'unit', include: unitTests, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        // Runs after the unit tests (group 1), one file at a time.
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...unitTests],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
