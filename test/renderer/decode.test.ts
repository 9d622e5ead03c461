import { describe, expect, it } from 'vitest'
import { base64ToBytes, bytesToBase64, bytesToHex, bytesToNumber, decodeBytes, encodeText, hexToBytes, sniffFormat } from '../../src-renderer/src/lib/decode'

const utf8 = (s: string) => new TextEncoder().encode(s)

describe('decoders', () => {
  it('round-trips hex and base64', () => {
    const b = new Uint8Array([0, 1, 127, 128, 255])
    expect(bytesToHex(b)).toBe('00 01 7f 80 ff')
    expect(hexToBytes('00017f80ff')).toEqual(b)
    expect(hexToBytes('0g')).toBeNull()
    expect(hexToBytes('abc')).toBeNull()
    expect(base64ToBytes(bytesToBase64(b))).toEqual(b)
  })

  it('reads big-endian numbers as Kafka serializers write them', () => {
    expect(bytesToNumber(new Uint8Array([0xff]))).toBe('-1')
    expect(bytesToNumber(new Uint8Array([0, 0, 1, 0]))).toBe('256')
    expect(bytesToNumber(new Uint8Array([0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBe('9223372036854775807')
    expect(bytesToNumber(new Uint8Array([1, 2, 3]))).toBeNull()
  })

  it('decodes in each format, falling back with a reason', () => {
    expect(decodeBytes(null, 'string')).toEqual({ text: 'null' })
    expect(decodeBytes(utf8('{"a":1}'), 'json').text).toBe('{\n  "a": 1\n}')
    const bad = decodeBytes(utf8('{oops'), 'json')
    expect(bad.error).toMatch(/not JSON/)
    expect(decodeBytes(new Uint8Array([0xc3, 0x28]), 'json')).toEqual({ text: 'c3 28', error: 'not UTF-8' })
    expect(decodeBytes(new Uint8Array([1, 2, 3]), 'number').error).toMatch(/3 bytes/)
  })

  it('guesses a format', () => {
    expect(sniffFormat(utf8('[1,2]'))).toBe('json')
    expect(sniffFormat(utf8('hello'))).toBe('string')
    expect(sniffFormat(new Uint8Array([0, 1, 2]))).toBe('hex')
    expect(sniffFormat(new Uint8Array([0xff, 0xfe]))).toBe('hex')
  })

  it('encodes produce input or explains why not', () => {
    expect(encodeText('hi', 'string')).toEqual(utf8('hi'))
    expect(() => encodeText('{x', 'json')).toThrow()
    expect(() => encodeText('zz', 'hex')).toThrow(/hex/)
    expect(encodeText('-1', 'number')).toEqual(new Uint8Array(8).fill(0xff))
    expect(() => encodeText('1.5', 'number')).toThrow(/integer/)
  })
})
