// AlterClientQuotas and DescribeClientQuotas refuse what Kafka 4.1 refuses, with its error codes
// and messages (exact requests, validate_only, so nothing is written), on both targets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WireClient } from '../broker/fuzz/wire-client.ts'
import { startTarget, type Target } from './target.ts'

let target: Target
let client: WireClient

beforeAll(async () => {
  target = await startTarget()
  const [host, port] = target.bootstrap.split(':')
  client = await WireClient.connect(host!, Number(port))
}, 180_000)

afterAll(async () => {
  client?.close()
  await target?.stop()
})

type Entity = { entityType: string; entityName: string | null }[]
const user = (n: string | null): Entity => [{ entityType: 'user', entityName: n }]
const clientId = (n: string | null): Entity => [{ entityType: 'client-id', entityName: n }]
const op = (key: string, value: number) => ({ key, value, remove: false })

async function alterOne(entity: Entity, ops: { key: string; value: number; remove: boolean }[]): Promise<string> {
  const r = await client.request<{ entries: { errorCode: number; errorMessage: string | null }[] }>(49, 1, { entries: [{ entity, ops }], validateOnly: true })
  expect(r.entries).toHaveLength(1)
  return `${r.entries[0]!.errorCode} ${r.entries[0]!.errorMessage}`
}

describe('quota validation as Kafka 4.1 does it', () => {
  it('AlterClientQuotas', async () => {
    const cases: [Entity, ReturnType<typeof op>[], string][] = [
      [clientId('a'), [op('producer_byte_rate', 1.5)], '42 producer_byte_rate cannot be a fractional value.'],
      [clientId('a'), [op('producer_byte_rate', 0)], '42 Quota producer_byte_rate must be greater than 0'],
      [clientId('a'), [op('producer_byte_rate', -5)], '42 Quota producer_byte_rate must be greater than 0'],
      [clientId('a'), [op('request_percentage', -1)], '42 Quota request_percentage must be greater than 0'],
      [clientId('a'), [op('producer_byte_rate', 1e30)], '42 Proposed value for producer_byte_rate is too large for a LONG.'],
      [[], [op('producer_byte_rate', 1)], '42 Invalid empty client quota entity'],
      [[{ entityType: 'group', entityName: 'g' }], [op('producer_byte_rate', 1)], '42 Unhandled client quota entity type: group'],
      [user('a'), [op('nope', 1)], '42 Invalid configuration key nope'],
      [user(''), [op('producer_byte_rate', 1)], '42 Empty user not supported'],
      [user('a'), [op('producer_byte_rate', 1), op('producer_byte_rate', 2)], '42 Ignoring duplicate entity ClientQuotaEntity(entries={user=a})'],
      [[{ entityType: 'ip', entityName: '1.2.3.4' }], [op('producer_byte_rate', 1)], '42 Invalid configuration key producer_byte_rate'],
      [[{ entityType: 'ip', entityName: '1.2.3.4' }], [op('connection_creation_rate', 1)], '0 null'],
      [[...user('a'), ...user('b')], [op('producer_byte_rate', 1)], '0 null'],
      [user('never-set'), [{ key: 'producer_byte_rate', value: 0, remove: true }], '0 null'],
      [[...user(null), ...clientId('c')], [op('request_percentage', 12.5), op('consumer_byte_rate', 1024)], '0 null'],
    ]
    for (const [entity, ops, expected] of cases) expect(await alterOne(entity, ops), JSON.stringify({ entity, ops })).toBe(expected)
  }, 60_000)

  it('DescribeClientQuotas filters', async () => {
    const cases: [{ entityType: string; matchType: number; match: string | null }[], string][] = [
      [[{ entityType: 'group', matchType: 0, match: 'g' }], '35 Unsupported entity type group'],
      [
        [
          { entityType: 'user', matchType: 2, match: null },
          { entityType: 'user', matchType: 2, match: null },
        ],
        '42 Entity type user cannot appear more than once in the filter.',
      ],
      [[{ entityType: 'user', matchType: 0, match: null }], '42 Request specified MATCH_TYPE_EXACT, but set match string to null.'],
      [[{ entityType: 'user', matchType: 2, match: 'x' }], '42 Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.'],
      [[{ entityType: 'user', matchType: 7, match: null }], '42 Unknown match type 7'],
      [[{ entityType: 'client-id', matchType: 2, match: null }], '0 '],
    ]
    for (const [components, expected] of cases) {
      const r = await client.request<{ errorCode: number; errorMessage: string | null }>(48, 1, { components, strict: false })
      expect(`${r.errorCode} ${r.errorMessage}`, JSON.stringify(components)).toBe(expected)
    }
  }, 60_000)
})
