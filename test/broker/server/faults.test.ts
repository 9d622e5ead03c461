// Fault injection on an embedded broker: slow answers, dropped connections, and a pause that
// holds requests until it is lifted, while other brokers keep serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EmbeddedCluster } from '../../../src-main/broker/cluster'
import { RawClient } from '../../../src-main/console/raw-client'

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-faults-'))
const cluster = new EmbeddedCluster({ brokers: 2, port: 0, dataDir: dir, log: () => {} })
const address = (i: number) => `${cluster.brokers[i].host}:${cluster.brokers[i].port}`
const metadata = (c: RawClient) => c.request(3, 1, { topics: [] })

beforeAll(() => cluster.start())
afterAll(async () => {
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('fault injection', () => {
  it('delays every answer by the injected latency', async () => {
    const c = await RawClient.connect(address(0))
    cluster.brokers[0].setFaults({ latencyMs: 300 })
    const t0 = performance.now()
    await metadata(c)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290)
    cluster.brokers[0].setFaults({ latencyMs: 0 })
    const t1 = performance.now()
    await metadata(c)
    expect(performance.now() - t1).toBeLessThan(250)
    c.close()
  })

  it('holds requests while paused and answers them when resumed; the other broker keeps serving', async () => {
    const c = await RawClient.connect(address(0))
    const other = await RawClient.connect(address(1))
    cluster.brokers[0].setFaults({ paused: true })
    let answered = false
    const pending = metadata(c).then(() => (answered = true))
    await new Promise((r) => setTimeout(r, 400))
    expect(answered).toBe(false)
    expect((await metadata(other)).brokers).toHaveLength(2)
    cluster.brokers[0].setFaults({ paused: false })
    await pending
    expect(answered).toBe(true)
    c.close()
    other.close()
  })

  it('drops connections at the injected rate and refuses impossible settings', async () => {
    const c = await RawClient.connect(address(0))
    cluster.brokers[0].setFaults({ dropRate: 1 })
    await expect(metadata(c)).rejects.toThrow(/closed/)
    cluster.brokers[0].setFaults({ dropRate: 0 })
    const again = await RawClient.connect(address(0))
    expect((await metadata(again)).brokers).toHaveLength(2)
    again.close()
    expect(() => cluster.brokers[0].setFaults({ dropRate: 2 })).toThrow(RangeError)
    expect(cluster.brokers[0].faults.dropRate).toBe(0)
  })
})
