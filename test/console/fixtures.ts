// The set-up the console test files repeated around setup.ts's harness: one harness per file
// started before its tests and stopped after them, topics made through the console, and a
// kafkajs client (the "other application" of a test) on the cluster under test.
import kafkajs from 'kafkajs'
import { afterAll, beforeAll } from 'vitest'
import type { RequestInputOf } from '../../src-main/ipc/contract'
import { startHarness, type Harness, type HarnessOptions } from './setup'

const { Kafka, logLevel } = kafkajs

export interface UseHarnessOptions extends HarnessOptions {
  /** False leaves the harness unstarted (a file whose tests are skipped on this target). */
  enabled?: boolean
  /** For the start, when the default hook timeout is too short (a Kafka cluster target). */
  startTimeoutMs?: number
}

/**
 * Registers the file's (or describe block's) harness: started in a beforeAll, so hooks
 * registered after this one can already use it, and stopped in an afterAll. The object returned
 * stands for the started harness, so test bodies keep writing `h.call(…)`; it throws when read
 * before the start, which names the mistake instead of an undefined.
 */
export function useHarness(opts: UseHarnessOptions = {}): Harness {
  const { enabled = true, startTimeoutMs, ...harnessOptions } = opts
  let started: Harness | undefined
  beforeAll(async () => {
    if (enabled) started = await startHarness(harnessOptions)
  }, startTimeoutMs)
  afterAll(async () => {
    await started?.stop()
  })
  return new Proxy({} as Harness, {
    get(_, key) {
      if (!started) throw new Error(`the console harness is not started (read of ${String(key)})`)
      return Reflect.get(started, key)
    },
  })
}

/** Creates a topic through the console with replication factor 1, as most tests want. */
export async function createTopic(h: Harness, topic: string, partitions: number, configs?: RequestInputOf<'topics.create'>['configs']): Promise<void> {
  await h.call('topics.create', { connectionId: h.connectionId, topic, partitions, replicationFactor: 1, ...(configs ? { configs } : {}) })
}

/** A kafkajs client on the cluster under test, quiet unless a test fails. */
export function kafkaClient(h: Harness, clientId: string): kafkajs.Kafka {
  return new Kafka({ brokers: h.bootstrap.split(','), logLevel: logLevel.NOTHING, clientId })
}

/** A transactional producer (idempotent, one request in flight, as transactions require) on the cluster under test. */
export function transactionalProducer(h: Harness, clientId: string, transactionalId: string, opts: kafkajs.ProducerConfig = {}): kafkajs.Producer {
  return kafkaClient(h, clientId).producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, ...opts })
}

/** Where a partition ends, as its details show it: the high watermark and the last stable offset (null where the cluster did not say). */
export async function partitionEnds(h: Harness, topic: string, partition = 0): Promise<{ latest: number; stable: number | null | undefined }> {
  const d = await h.call('topics.describe', { connectionId: h.connectionId, topic, withSizes: false })
  const p = d.partitions.find((x) => x.partition === partition)
  if (!p) throw new Error(`${topic} has no partition ${partition}`)
  return { latest: p.latestOffset, stable: p.lastStableOffset }
}
