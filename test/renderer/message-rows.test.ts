// Big reads travel as tuples (asRows); the page turns them back into the messages the table and
// detail pane show, and gives the detail its parsed JSON back (omitJson). A row made on the
// server from a message comes back as the same message.
import { describe, expect, it } from 'vitest'
import { recordsToColumns, toMessage, toRow } from '../../src-main/console/messages/message'
import type { Session } from '../../src-main/console/connections'
import type { RawRecord } from '../../src-main/console/records'
import type { Message } from '../../src-main/ipc/contract'
import { fromRows, lazyColumns, lazyRows, withParsedJson } from '../../src-renderer/src/stores/messages'

const messages: Message[] = [
  {
    topic: 't',
    partition: 2,
    offset: 7,
    timestamp: 1700000000000,
    key: { format: 'string', text: 'car-1', size: 5 },
    value: { format: 'json', text: '{"lat":52.5}', size: 12 },
    headers: [
      { key: 'trace', value: 'abc' },
      { key: 'empty', value: null },
    ],
  },
  { topic: 't', partition: 0, offset: 0, timestamp: 1, key: null, value: { format: 'hex', text: '00ff', size: 2, error: 'not JSON: x' }, headers: [] },
  { topic: 't', partition: 1, offset: 3, timestamp: 2, key: null, value: { format: 'avro', text: '{"a":1}', size: 9, schemaId: 42 }, headers: [] },
]

describe('message rows', () => {
  it('round-trips messages through the compact rows', () => {
    const rows = JSON.parse(JSON.stringify(messages.map(toRow)))
    expect(fromRows('t', rows)).toEqual(messages)
    // Tuples are smaller than the objects they stand for.
    expect(JSON.stringify(rows).length).toBeLessThan(JSON.stringify(messages).length * 0.7)
  })

  it('reads rows lazily into the same messages, field by field and as JSON', () => {
    const rows = JSON.parse(JSON.stringify(messages.map(toRow)))
    const lazy = lazyRows('t', rows)
    lazy.forEach((m, i) => {
      const want = messages[i]!
      expect([m.topic, m.partition, m.offset, m.timestamp]).toEqual([want.topic, want.partition, want.offset, want.timestamp])
      expect(m.key).toEqual(want.key)
      expect(m.value).toEqual(want.value)
      expect(m.headers).toEqual(want.headers)
      // Looked at twice, the same object (the table re-renders rows in view).
      expect(m.value).toBe(m.value)
    })
    expect(JSON.parse(JSON.stringify(lazy))).toEqual(messages)
    // The detail pane's copy with parsed JSON keeps the getters' fields.
    const shown = withParsedJson(lazy[0]!)
    expect(shown.value!.json).toEqual({ lat: 52.5 })
    expect(shown.headers).toEqual(messages[0]!.headers)
    expect(shown.key).toEqual(messages[0]!.key)
  })

  it('sends records as columns that the page reads back as the same messages', () => {
    // No schema registry or .proto files are involved: a session without a registry will do.
    const session = { registry: undefined } as unknown as Session
    const records: { partition: number; rec: RawRecord }[] = [
      {
        partition: 1,
        rec: {
          offset: 10,
          timestamp: 1700000000000,
          key: Buffer.from('car-1'),
          value: Buffer.from('{"lat":52.5}'),
          headers: [
            { key: 'trace', value: Buffer.from('abc') },
            { key: 'empty', value: null },
          ],
        },
      },
      { partition: 0, rec: { offset: 3, timestamp: 1700000000001, key: null, value: Buffer.from('not json'), headers: [] } },
      { partition: 1, rec: { offset: 11, timestamp: 1700000000002, key: Buffer.from([0, 1, 2]), value: null, headers: [] } },
    ]
    for (const decoding of ['auto', 'json'] as const) {
      const o = { keyDecoding: 'auto' as const, valueDecoding: decoding, omitJson: true }
      const want = records.map((r) => JSON.parse(JSON.stringify(toMessage(session, 't', r.partition, r.rec, o))))
      const cols = JSON.parse(JSON.stringify(recordsToColumns(session, records, o)))
      const got = lazyColumns('t', cols)
      expect(JSON.parse(JSON.stringify(got))).toEqual(want)
      got.forEach((m, i) => {
        expect(m.value).toEqual(want[i].value)
        expect(m.headers).toEqual(want[i].headers)
      })
      // The 'json' decoding of a text that is not JSON carries its error.
      if (decoding === 'json') expect(got[1]!.value!.error).toMatch(/not JSON/)
    }
  })

  it('parses the JSON text of the message shown in detail', () => {
    expect(withParsedJson(messages[0]!).value!.json).toEqual({ lat: 52.5 })
    expect(withParsedJson(messages[2]!).value!.json).toEqual({ a: 1 })
    expect(withParsedJson(messages[1]!)).toBe(messages[1])
  })
})
