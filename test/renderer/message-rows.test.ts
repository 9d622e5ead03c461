// Big reads travel as tuples (asRows); the page turns them back into the messages the table and
// detail pane show, and gives the detail its parsed JSON back (omitJson). A row made on the
// server from a message comes back as the same message.
import { describe, expect, it } from 'vitest'
import { toRow } from '../../src-main/console/messages/message'
import type { Message } from '../../src-main/ipc/contract'
import { fromRows, withParsedJson } from '../../src-renderer/src/stores/messages'

const messages: Message[] = [
  { topic: 't', partition: 2, offset: 7, timestamp: 1700000000000, key: { format: 'string', text: 'car-1', size: 5 }, value: { format: 'json', text: '{"lat":52.5}', size: 12 }, headers: [{ key: 'trace', value: 'abc' }, { key: 'empty', value: null }] },
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

  it('parses the JSON text of the message shown in detail', () => {
    expect(withParsedJson(messages[0]!).value!.json).toEqual({ lat: 52.5 })
    expect(withParsedJson(messages[2]!).value!.json).toEqual({ a: 1 })
    expect(withParsedJson(messages[1]!)).toBe(messages[1])
  })
})
