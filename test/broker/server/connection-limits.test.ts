// Kafka's connection quotas and idle timeout on the embedded broker (a separate process):
// max.connections, max.connections.per.ip (+ overrides) and connections.max.idle.ms.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbedded, type EmbeddedProcess } from '../../helpers/embedded'
import { WireClient } from '../fuzz/wire-client'

const running: { broker: EmbeddedProcess; dir: string }[] = []

async function start(configs: string[]): Promise<EmbeddedProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-conn-limits-'))
  const broker = await startEmbedded(
    dir,
    configs.flatMap((c) => ['--config', c]),
  )
  running.push({ broker, dir })
  return broker
}

afterEach(async () => {
  for (const { broker, dir } of running.splice(0)) {
    await broker.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

const apiVersions = (c: WireClient) => c.request<{ errorCode: number }>(18, 3, { clientSoftwareName: 'limits', clientSoftwareVersion: '1' })

describe('connection limits', () => {
  it('closes connections past max.connections.per.ip at once and admits again after one closes', async () => {
    const b = await start(['max.connections.per.ip=3'])
    const open = await Promise.all([0, 1, 2].map(() => WireClient.connect(b.host, b.port)))
    for (const c of open) expect((await apiVersions(c)).errorCode).toBe(0)
    const extra = await WireClient.connect(b.host, b.port)
    expect(await extra.closedWithin(2000)).toBe(true)
    open[0]!.close()
    await new Promise((r) => setTimeout(r, 200))
    const again = await WireClient.connect(b.host, b.port)
    expect((await apiVersions(again)).errorCode).toBe(0)
    for (const c of [...open, again]) c.close()
    // The broker process's log reaches the test through the supervisor's pipe, a moment later.
    await expect.poll(() => b.stderr(), { timeout: 5000 }).toMatch(/max\.connections\.per\.ip \(3\) reached/)
  })

  it('applies max.connections across IPs, with a per-IP override above the per-IP limit', async () => {
    const b = await start(['max.connections=2', 'max.connections.per.ip=1', 'max.connections.per.ip.overrides=127.0.0.1:10'])
    const a = await WireClient.connect(b.host, b.port)
    const c = await WireClient.connect(b.host, b.port)
    expect((await apiVersions(a)).errorCode).toBe(0)
    expect((await apiVersions(c)).errorCode).toBe(0)
    const third = await WireClient.connect(b.host, b.port)
    expect(await third.closedWithin(2000)).toBe(true)
    a.close()
    c.close()
    // The broker process's log reaches the test through the supervisor's pipe, a moment later.
    await expect.poll(() => b.stderr(), { timeout: 5000 }).toMatch(/max\.connections \(2\) reached/)
  })

  it('closes a connection idle for connections.max.idle.ms and keeps an active one', async () => {
    const b = await start(['connections.max.idle.ms=1500'])
    const idle = await WireClient.connect(b.host, b.port)
    const active = await WireClient.connect(b.host, b.port)
    expect((await apiVersions(idle)).errorCode).toBe(0)
    const t0 = performance.now()
    let activeOk = 0
    while (performance.now() - t0 < 4000) {
      expect((await apiVersions(active)).errorCode).toBe(0)
      activeOk++
      await new Promise((r) => setTimeout(r, 300))
    }
    expect(idle.closed).toBe(true)
    expect(active.closed).toBe(false)
    expect(activeOk).toBeGreaterThan(5)
    active.close()
  })
})
