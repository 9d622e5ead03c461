// Client quotas on a 3-broker cluster, unchanged on both targets (embedded, KAFKADESK_TARGET=kafka):
// AlterClientQuotas and DescribeClientQuotas sent as exact requests to each broker. What one
// broker is told every broker answers (the quotas travel in the metadata log), validate_only
// writes nothing, the filter's exact/default/any components and `strict` select what Kafka's do,
// and a broker killed and started again still has them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WireClient } from '../broker/fuzz/wire-client.ts'
import { eventually, startCluster, uniqueTopic, type ClusterTarget } from './target.ts'

const DESCRIBE = 48
const ALTER = 49

type Entity = { entityType: string; entityName: string | null }[]
interface Described {
  errorCode: number
  errorMessage: string | null
  entries: { entity: Entity; values: { key: string; value: number }[] }[] | null
}
interface Altered {
  entries: { errorCode: number; errorMessage: string | null; entity: Entity }[]
}

let cluster: ClusterTarget
const clients: WireClient[] = []

async function clientOf(id: number): Promise<WireClient> {
  const [host, port] = cluster.brokers.get(id)!.address.split(':')
  const c = await WireClient.connect(host!, Number(port))
  clients.push(c)
  return c
}

beforeAll(async () => {
  cluster = await startCluster({ brokers: 3 })
}, 300_000)

afterAll(async () => {
  for (const c of clients) c.close()
  await cluster?.stop()
})

const alter = (c: WireClient, entries: { entity: Entity; ops: { key: string; value: number; remove: boolean }[] }[], validateOnly = false) =>
  c.request<Altered>(ALTER, 1, { entries, validateOnly })
const describeQuotas = (c: WireClient, components: { entityType: string; matchType: number; match: string | null }[], strict: boolean) =>
  c.request<Described>(DESCRIBE, 1, { components, strict })

/** Entities as comparable strings, sorted. */
const names = (d: Described) =>
  (d.entries ?? [])
    .map((e) =>
      e.entity
        .map((c) => `${c.entityType}=${c.entityName ?? '<default>'}`)
        .sort()
        .join(','),
    )
    .sort()

describe('client quotas across the brokers of a cluster', () => {
  const user = uniqueTopic('u')
  const client = uniqueTopic('c')

  it('validate_only writes nothing; a real alteration reaches every broker', async () => {
    const first = await clientOf([...cluster.brokers.keys()][0]!)
    const dry = await alter(
      first,
      [{ entity: [{ entityType: 'client-id', entityName: client }], ops: [{ key: 'producer_byte_rate', value: 2048, remove: false }] }],
      true,
    )
    expect(dry.entries.map((e) => e.errorCode)).toEqual([0])
    const exact = [{ entityType: 'client-id', matchType: 0, match: client }]
    expect(names(await describeQuotas(first, exact, true))).toEqual([])

    const res = await alter(first, [
      { entity: [{ entityType: 'client-id', entityName: client }], ops: [{ key: 'producer_byte_rate', value: 2048, remove: false }] },
      { entity: [{ entityType: 'user', entityName: user }], ops: [{ key: 'consumer_byte_rate', value: 4096, remove: false }] },
      {
        entity: [
          { entityType: 'user', entityName: user },
          { entityType: 'client-id', entityName: null },
        ],
        ops: [{ key: 'request_percentage', value: 50, remove: false }],
      },
    ])
    expect(res.entries.map((e) => e.errorCode)).toEqual([0, 0, 0])
    for (const id of cluster.brokers.keys()) {
      const c = await clientOf(id)
      const d = await eventually(async () => {
        const x = await describeQuotas(c, exact, true)
        if (names(x).length === 0) throw new Error(`broker ${id} has no quota yet`)
        return x
      }, 30_000)
      expect(d.entries).toEqual([{ entity: [{ entityType: 'client-id', entityName: client }], values: [{ key: 'producer_byte_rate', value: 2048 }] }])
    }
  }, 120_000)

  it("selects entities with the filter's exact, default and any components, strict or not", async () => {
    const c = await clientOf([...cluster.brokers.keys()][1]!)
    const u = { entityType: 'user', matchType: 0, match: user }
    // Not strict: every entity with that user, alone or with a client id.
    expect(names(await describeQuotas(c, [u], false))).toEqual([`client-id=<default>,user=${user}`, `user=${user}`])
    // Strict: only the entity made of that user alone.
    expect(names(await describeQuotas(c, [u], true))).toEqual([`user=${user}`])
    const both = await describeQuotas(c, [u, { entityType: 'client-id', matchType: 1, match: null }], true)
    expect(names(both)).toEqual([`client-id=<default>,user=${user}`])
    expect(both.entries?.[0]?.values).toEqual([{ key: 'request_percentage', value: 50 }])
    // Any client id, strict: entities of the client-id type alone (ours among them, no user pairs).
    const anyClient = names(await describeQuotas(c, [{ entityType: 'client-id', matchType: 2, match: null }], true))
    expect(anyClient).toContain(`client-id=${client}`)
    expect(anyClient.some((n) => n.includes('user='))).toBe(false)
    // A name to match with the default match type is refused.
    const bad = await describeQuotas(c, [{ entityType: 'user', matchType: 1, match: user }], false)
    expect(bad.errorCode).toBe(42) // INVALID_REQUEST
  }, 60_000)

  it('a broker killed and started again still has the quotas', async () => {
    const id = [...cluster.brokers.keys()][2]!
    await cluster.kill(id)
    await cluster.start(id)
    const c = await clientOf(id)
    const d = await eventually(async () => {
      const x = await describeQuotas(c, [{ entityType: 'user', matchType: 0, match: user }], true)
      if (names(x).length === 0) throw new Error(`broker ${id} has no quota yet`)
      return x
    }, 60_000)
    expect(d.entries).toEqual([{ entity: [{ entityType: 'user', entityName: user }], values: [{ key: 'consumer_byte_rate', value: 4096 }] }])
    // And removing a key there removes it everywhere.
    const res = await alter(c, [{ entity: [{ entityType: 'user', entityName: user }], ops: [{ key: 'consumer_byte_rate', value: 0, remove: true }] }])
    expect(res.entries.map((e) => e.errorCode)).toEqual([0])
    for (const other of cluster.brokers.keys()) {
      const oc = await clientOf(other)
      await eventually(async () => {
        const x = await describeQuotas(oc, [{ entityType: 'user', matchType: 0, match: user }], true)
        if (names(x).length !== 0) throw new Error(`broker ${other} still has it`)
      }, 30_000)
    }
  }, 240_000)
})
