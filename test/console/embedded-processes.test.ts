// The console's embedded cluster is the same as `kafkadesk cluster`: one OS process per broker
// under a supervisor hosting the controller. Through the console's embedded.* channels (as the
// UI calls them) each broker shows its PID and state; Kill is a kill -9 of that process, after
// which the broker is reported killed and fenced, and exactly the leaderships the status called
// movable move; a broker killed from a terminal is reported too; `kafkadesk cluster status` on
// the console's data dir sees the same processes (and `kafkadesk cluster` on it is refused);
// Start brings a broker back as a new process.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { useHarness } from './fixtures'
import { uniqueName, waitFor } from './setup'
import { targetKind, repoRoot, run } from '../interop/target'
import type { EmbeddedStatus } from '../../src-main/ipc/contract'
import { alive } from '../helpers/pid'

const embedded = targetKind() === 'embedded'
const h = useHarness({ brokers: 3, enabled: embedded })

type BrokerRow = EmbeddedStatus['brokers'][number]

async function brokers(): Promise<BrokerRow[]> {
  return (await h.call('embedded.status', {})).brokers
}

describe.skipIf(!embedded)('the console embedded cluster as broker processes', () => {
  it('runs each broker in its own OS process and shows its PID and state', async () => {
    const bs = await brokers()
    expect(bs.map((b) => [b.nodeId, b.state, b.fenced])).toEqual([
      [1, 'running', false],
      [2, 'running', false],
      [3, 'running', false],
    ])
    const pids = bs.map((b) => b.pid!)
    expect(new Set(pids).size).toBe(3)
    for (const pid of pids) {
      expect(pid).not.toBe(process.pid)
      expect(alive(pid)).toBe(true)
    }
  })

  it('kills a broker through the console: its process is gone, it is reported killed and fenced, and only the leaderships it could hand over move', async () => {
    const topic = uniqueName('t-procs')
    await h.call('topics.create', { connectionId: h.connectionId, topic, partitions: 6, replicationFactor: 3 })
    // Let the ISR settle (followers catching up) so the status's promise is measured on a steady cluster.
    await waitFor(
      async () => (await h.call('cluster.overview', { connectionId: h.connectionId })).underReplicatedPartitions.length === 0,
      10_000,
      'an in-sync cluster',
    ).catch(() => undefined)
    const before = (await brokers()).find((b) => b.nodeId === 2)!
    expect(before.leaderOf).toBeGreaterThan(0)
    expect(before.movableLeaders).toBeLessThanOrEqual(before.leaderOf!)
    const offlineBefore = (await h.call('cluster.overview', { connectionId: h.connectionId })).offlinePartitions.length

    const killed = (await h.call('embedded.broker.kill', { nodeId: 2 })).brokers.find((b) => b.nodeId === 2)!
    expect(killed.state).toBe('killed')
    expect(killed.pid).toBeNull()
    expect(await waitFor(() => !alive(before.pid!), 5000, `process ${before.pid} gone`)).toBe(true)
    expect(h.events.of('cluster.event').some((e) => e.type === 'broker' && e.nodeId === 2 && e.state === 'killed')).toBe(true)
    expect((await brokers()).find((b) => b.nodeId === 2)).toMatchObject({ state: 'killed', fenced: true, leaderOf: 0 })

    // The movable leaderships have new leaders at once; the others are offline until it returns.
    const o = await waitFor(
      async () => {
        const x = await h.call('cluster.overview', { connectionId: h.connectionId })
        return !x.brokers.some((b) => b.nodeId === 2) && x
      },
      10_000,
      'broker 2 out of the metadata',
    )
    expect(o.offlinePartitions.length - offlineBefore).toBe(before.leaderOf! - before.movableLeaders!)
  })

  it('reports a broker killed from a terminal, and `kafkadesk cluster status` on the console data dir sees the same processes', async () => {
    const b3 = (await brokers()).find((b) => b.nodeId === 3)!
    process.kill(b3.pid!, 'SIGKILL')
    await waitFor(async () => (await brokers()).find((b) => b.nodeId === 3)!.state === 'killed', 10_000, 'broker 3 reported killed')
    await waitFor(() => h.events.of('cluster.event').some((e) => e.type === 'broker' && e.nodeId === 3 && e.state === 'killed'), 5000, 'a broker event')

    const dataDir = (await h.call('embedded.status', {})).dataDir!
    // Asynchronously: the supervisor answering it runs in this process.
    const r = await run(process.execPath, [join(repoRoot, 'out', 'cli', 'kafkadesk.js'), 'cluster', 'status', '--data-dir', dataDir], { timeoutMs: 30_000 })
    expect(r.code, r.stderr).toBe(0)
    const b1 = (await brokers()).find((b) => b.nodeId === 1)!
    expect(r.stdout).toMatch(new RegExp(`broker 1 {2}running {2}pid ${b1.pid} `))
    expect(r.stdout).toMatch(/broker 2 {2}killed .*pid -/)
    expect(r.stdout).toMatch(/broker 3 {2}killed .*pid -/)

    // `kafkadesk cluster` on the same data dir is refused: one controller per metadata log.
    const second = await run(process.execPath, [join(repoRoot, 'out', 'cli', 'kafkadesk.js'), 'cluster', '--port', '0', '--data-dir', dataDir], {
      timeoutMs: 30_000,
    })
    expect(second.code).toBe(1)
    expect(second.stderr).toContain(`is already running (supervisor pid ${process.pid})`)
  })

  it('starts killed brokers again as new processes and stops one with a controlled shutdown', async () => {
    const old = new Map((await brokers()).map((b) => [b.nodeId, b.pid]))
    await h.call('embedded.broker.start', { nodeId: 2 })
    const st = await h.call('embedded.broker.start', { nodeId: 3 })
    for (const id of [2, 3]) {
      const b = st.brokers.find((x) => x.nodeId === id)!
      expect(b.state).toBe('running')
      expect(b.pid).toBeGreaterThan(0)
      expect(b.pid).not.toBe(old.get(id))
      expect(alive(b.pid!)).toBe(true)
    }
    await waitFor(async () => (await h.call('cluster.overview', { connectionId: h.connectionId })).brokers.length === 3, 15_000, 'three brokers again')
    expect((await brokers()).every((b) => b.fenced === false)).toBe(true)

    const pid1 = st.brokers.find((b) => b.nodeId === 1)!.pid!
    const stopped = (await h.call('embedded.broker.stop', { nodeId: 1 })).brokers.find((b) => b.nodeId === 1)!
    expect(stopped).toMatchObject({ state: 'stopped', pid: null, fenced: true })
    expect(await waitFor(() => !alive(pid1), 5000, `process ${pid1} gone`)).toBe(true)
    await h.call('embedded.broker.start', { nodeId: 1 })
  }, 60_000)
})
