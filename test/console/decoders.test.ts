// Key/value decoders and produce encoders, Avro in the schema-registry wire format included.
import { describe, expect, it } from 'vitest'
import { decode, encode } from '../../src-main/console/decoders'
import { decodeAvro } from '../../src-main/console/avro'
import { exportMessages } from '../../src-main/console/messages/export'
import { fillTemplate } from '../../src-main/console/produce'
import { parseDuration, parseResetCsv } from '../../src-main/console/offsets'
import { readRecordSet } from '../../src-main/console/records'
import { buildBatchForTest } from './batch-fixture'

/** zigzag varint (Avro long). */
function zz(n: number): Buffer {
  let v = BigInt(n)
  v = v < 0n ? (-v << 1n) - 1n : v << 1n
  const out: number[] = []
  do {
    let b = Number(v & 0x7fn)
    v >>= 7n
    if (v) b |= 0x80
    out.push(b)
  } while (v)
  return Buffer.from(out)
}
const str = (s: string) => Buffer.concat([zz(Buffer.byteLength(s)), Buffer.from(s)])

describe('decoders', () => {
  it('decodes string, json, hex, base64, number and auto', () => {
    const b = Buffer.from('{"a":1}')
    expect(decode(b, 'string', undefined)).toMatchObject({ format: 'string', text: '{"a":1}', size: 7 })
    expect(decode(b, 'json', undefined)).toMatchObject({ format: 'json', json: { a: 1 } })
    expect(decode(b, 'auto', undefined)).toMatchObject({ format: 'json', json: { a: 1 } })
    expect(decode(Buffer.from('plain'), 'auto', undefined)).toMatchObject({ format: 'string', text: 'plain' })
    expect(decode(Buffer.from([0, 1, 2, 255]), 'auto', undefined)).toMatchObject({ format: 'hex', text: '000102ff' })
    expect(decode(Buffer.from('hi'), 'base64', undefined)!.text).toBe('aGk=')
    const long = Buffer.alloc(8)
    long.writeBigInt64BE(-42n)
    expect(decode(long, 'number', undefined)!.text).toBe('-42')
    expect(decode(Buffer.from('nope{'), 'json', undefined)).toMatchObject({ format: 'json', error: expect.stringMatching(/not JSON/) })
    expect(decode(null, 'string', undefined)).toBeNull()
  })

  it('decodes Avro in the Confluent wire format with a registry schema', () => {
    const schema = {
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'customer', type: 'string' },
        { name: 'note', type: ['null', 'string'] },
        { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
        { name: 'tags', type: { type: 'array', items: 'string' } },
        { name: 'attrs', type: { type: 'map', values: 'int' } },
        { name: 'price', type: 'double' },
        { name: 'ok', type: 'boolean' },
        { name: 'next', type: ['null', 'shop.Order'] },
      ],
    }
    const price = Buffer.alloc(8)
    price.writeDoubleLE(9.5)
    const body = Buffer.concat([
      zz(1234567890123),
      str('ada'),
      zz(1),
      str('fragile'),
      zz(1),
      zz(2),
      str('a'),
      str('b'),
      zz(0),
      zz(1),
      str('qty'),
      zz(3),
      zz(0),
      price,
      Buffer.from([1]),
      zz(0),
    ])
    const header = Buffer.alloc(5)
    header.writeInt32BE(7, 1)
    const msg = Buffer.concat([header, body])
    const d = decode(msg, 'avro', (id) => (id === 7 ? schema : undefined))!
    expect(d).toMatchObject({ format: 'avro', schemaId: 7 })
    expect(d.json).toEqual({
      id: 1234567890123,
      customer: 'ada',
      note: 'fragile',
      status: 'PAID',
      tags: ['a', 'b'],
      attrs: { qty: 3 },
      price: 9.5,
      ok: true,
      next: null,
    })
    expect(decode(msg, 'auto', (id) => (id === 7 ? schema : undefined))!.format).toBe('avro')
    expect(decode(msg, 'avro', () => undefined)!.error).toMatch(/schema 7 not found/)
    expect(decode(msg, 'avro', undefined)!.error).toMatch(/no schema registry/)
    expect(() => decodeAvro('int', Buffer.from([0x80]))).toThrow(/truncated/)
  })

  it('encodes produce payloads and names the field on bad input', () => {
    expect(encode({ format: 'json', data: '{ "a" : 1 }' }, 'value')!.toString()).toBe('{"a":1}')
    expect(encode({ format: 'hex', data: '00 ff' }, 'key')).toEqual(Buffer.from([0, 255]))
    expect(encode({ format: 'number', data: '7' }, 'key')!.readBigInt64BE(0)).toBe(7n)
    expect(() => encode({ format: 'hex', data: 'xyz' }, 'messages.0.key')).toThrow(expect.objectContaining({ code: 'VALIDATION', field: 'messages.0.key' }))
    expect(encode(null, 'value')).toBeNull()
  })
})

describe('helpers', () => {
  it('fills templates', () => {
    expect(fillTemplate('k-{{i}}', 5)).toBe('k-5')
    expect(fillTemplate('{{uuid}}', 0)).toMatch(/^[0-9a-f-]{36}$/)
    expect(fillTemplate('{{randomKey:3}}', 0)).toMatch(/^key-[0-2]$/)
  })

  it('parses durations and reset CSV like kafka-consumer-groups', () => {
    expect(parseDuration('PT10M')).toBe(600_000)
    expect(parseDuration('P1DT2H')).toBe(26 * 3600_000)
    expect(parseDuration('PT1.5S')).toBe(1500)
    expect(parseResetCsv('t,0,5\nt,1,6\n', 'g')).toEqual([
      { topic: 't', partition: 0, offset: 5 },
      { topic: 't', partition: 1, offset: 6 },
    ])
    expect(() => parseResetCsv('t,zero,5', 'g')).toThrow(expect.objectContaining({ field: 'reset.csv' }))
  })

  it('exports CSV with quoting', () => {
    const m = {
      topic: 't',
      partition: 0,
      offset: 1,
      timestamp: 0,
      key: { format: 'string' as const, text: 'a,b', size: 3 },
      value: { format: 'string' as const, text: 'say "hi"\nbye', size: 12 },
      headers: [],
    }
    const out = exportMessages([m], 'csv')
    expect(out.content).toBe('topic,partition,offset,timestamp,key,value,headers\r\nt,0,1,1970-01-01T00:00:00.000Z,"a,b","say ""hi""\nbye",\r\n')
  })

  it('reads record batches, skipping records before the start offset and partial batches', () => {
    const set = buildBatchForTest(10, [
      { key: Buffer.from('a'), value: Buffer.from('1'), headers: [{ key: 'h', value: Buffer.from('v') }] },
      { key: null, value: Buffer.from('2'), headers: [] },
      { key: Buffer.from('c'), value: null, headers: [] },
    ])
    const seen: number[] = []
    const next = readRecordSet(Buffer.concat([set, set.subarray(0, 30)]), 11, (r) => void seen.push(r.offset))
    expect(seen).toEqual([11, 12])
    expect(next).toBe(13)
    const all: unknown[] = []
    readRecordSet(set, 0, (r) => void all.push({ o: r.offset, k: r.key?.toString() ?? null, v: r.value?.toString() ?? null, h: r.headers.map((x) => x.key) }))
    expect(all).toEqual([
      { o: 10, k: 'a', v: '1', h: ['h'] },
      { o: 11, k: null, v: '2', h: [] },
      { o: 12, k: 'c', v: null, h: [] },
    ])
  })
})
