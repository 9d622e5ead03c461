// What the broker advertises decides which features each client turns on (see the shared
// reference on client API versions): these checks pin the ranges real clients rely on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EmbeddedCluster } from '../../../src-main/broker/cluster'
import { messages } from '../../../src-main/broker/protocol/messages/index'
import { parseVersions } from '../../../src-main/broker/protocol/schema'
import { RawClient } from '../../../src-main/console/raw-client'

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-apiversions-'))
const cluster = new EmbeddedCluster({ brokers: 1, port: 0, dataDir: dir, log: () => {} })
let client: RawClient
let ranges: Map<number, { min: number; max: number }>

beforeAll(async () => {
  await cluster.start()
  client = await RawClient.connect(cluster.bootstrap().split(',')[0])
  const res = await client.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
  expect(res.errorCode).toBe(0)
  ranges = new Map(res.apiKeys.map((k: any) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]))
})

afterAll(async () => {
  client.close()
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
})

const lists = (key: number, ...versions: number[]) => {
  const r = ranges.get(key)
  expect(r, `API key ${key} is listed`).toBeDefined()
  for (const v of versions) expect(v >= r!.min && v <= r!.max, `API key ${key} lists v${v} (has ${r!.min}-${r!.max})`).toBe(true)
}

describe('ApiVersions', () => {
  it('lists only versions the message declarations can encode', () => {
    for (const [key, r] of ranges) {
      const decl = messages[key]
      expect(decl, `declaration for key ${key}`).toBeDefined()
      const valid = parseVersions(decl.request.validVersions)
      expect(r.min).toBeGreaterThanOrEqual(valid.min)
      expect(r.max).toBeLessThanOrEqual(valid.max)
    }
  })

  it('lists the old versions librdkafka 2.0 needs to turn features on', () => {
    lists(0, 0, 2, 3, 7) // Produce: ⚑0, ⚑2, ⚑3, ⚑7 (zstd)
    lists(1, 4, 10, 11) // Fetch: ⚑4, ⚑10
    lists(2, 1, 2) // ListOffsets ⚑1
    lists(3, 0, 4) // Metadata
    lists(18, 0, 3) // ApiVersions
    lists(22, 0, 4) // InitProducerId ⚑0
  })

  it('lists what kafka-python 2.0 uses to recognise a modern broker', () => {
    lists(29, 2) // DescribeAcls v2 → "2.5"
    lists(0, 7)
    lists(1, 4)
    lists(2, 1)
    lists(3, 1)
  })

  it('stops below the versions that require topic ids where the broker does not serve them by id', () => {
    expect(ranges.get(0)!.max).toBe(12) // Produce v13 addresses topics by id
  })

  it('answers ApiVersions v0 for old clients with the same ranges', async () => {
    // (A too-new ApiVersions request is covered by the malformed-input test.)
    const res = await client.request(18, 0, {})
    expect(res.errorCode).toBe(0)
    expect(res.apiKeys.length).toBe(ranges.size)
  })

  it('reports no supported feature with MinVersion 0 (KAFKA-17011)', async () => {
    const res = await client.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
    for (const f of res.supportedFeatures) expect(f.minVersion).toBeGreaterThan(0)
  })
})
