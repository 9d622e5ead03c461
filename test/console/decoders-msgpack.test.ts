// MessagePack values: decoded for display as JSON (64-bit integers kept exact, binary as hex,
// timestamps as dates), never guessed by 'auto', and read through the console's handlers from
// a topic on the embedded cluster (or real Kafka with KAFKADESK_TARGET=kafka).
import { encode as encodeMsgpack } from '@msgpack/msgpack'
import { beforeAll, describe, expect, it } from 'vitest'
import { decode } from '../../src-main/console/decoders'
import { fromRows, withParsedJson } from '../../src-renderer/src/stores/messages'
import { createTopic, useHarness } from './fixtures'
import { uniqueName } from './setup'

const fix = {
  car: 'car-17',
  lat: 52.52,
  lon: 13.405,
  big: 2n ** 60n,
  raw: new Uint8Array([0xde, 0xad]),
  at: new Date('2026-01-02T03:04:05.000Z'),
  tags: ['gps', 'fix'],
}
const bytes = Buffer.from(encodeMsgpack(fix, { useBigInt64: true }))
const expected = { car: 'car-17', lat: 52.52, lon: 13.405, big: (2n ** 60n).toString(), raw: 'dead', at: '2026-01-02T03:04:05.000Z', tags: ['gps', 'fix'] }

describe('MessagePack decoding', () => {
  it('shows a MessagePack map as JSON', () => {
    const d = decode(bytes, 'msgpack')!
    expect(d.format).toBe('msgpack')
    expect(d.json).toEqual(expected)
    expect(JSON.parse(d.text)).toEqual(expected)
    expect(d.size).toBe(bytes.length)
  })

  it('says so when the bytes are not MessagePack, and auto never guesses it', () => {
    const bad = decode(Buffer.from([0xc1]), 'msgpack')!
    expect(bad.error).toMatch(/not MessagePack/)
    expect(bad.text).toBe('c1')
    expect(decode(bytes, 'auto')!.format).toBe('hex')
  })
})

describe('MessagePack through the console', () => {
  const h = useHarness()
  const topic = uniqueName('msgpack')
  beforeAll(async () => {
    await createTopic(h, topic, 1)
    await h.call('produce.send', {
      connectionId: h.connectionId,
      topic,
      messages: [{ key: { format: 'string', data: 'car-17' }, value: { format: 'hex', data: bytes.toString('hex') } }],
    })
  }, 60_000)

  it('reads a MessagePack value as JSON, also in the compact rows the table asks for', async () => {
    const full = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type: 'earliest' }, valueDecoding: 'msgpack' })
    expect(full.messages[0]!.value).toMatchObject({ format: 'msgpack', json: expected, size: bytes.length })
    const rows = await h.call('messages.read', {
      connectionId: h.connectionId,
      topic,
      position: { type: 'earliest' },
      valueDecoding: 'msgpack',
      omitJson: true,
      asRows: true,
    })
    const [m] = fromRows(topic, rows.rows!)
    expect(m!.value!.json).toBeUndefined()
    expect(withParsedJson(m!).value!.json).toEqual(expected)
  })
})
