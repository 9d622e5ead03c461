import { describe, expect, it } from 'vitest'
import { compile } from '../../../src-main/broker/protocol/codec'
import { ProtocolError } from '../../../src-main/broker/protocol/reader'
import { Writer } from '../../../src-main/broker/protocol/writer'
import { type FieldSpec, type MessageSpec, inRange, parseVersions } from '../../../src-main/broker/protocol/schema'
import { messages } from '../../../src-main/broker/protocol/messages/index'
import * as consumerProtocol from '../../../src-main/broker/protocol/messages/consumer-protocol'
import * as consumerOffsets from '../../../src-main/broker/protocol/messages/consumer-offsets'

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex')
const enc = (spec: MessageSpec, value: unknown, v: number) => compile(spec).encode(value, v).toBuffer()
const dec = (spec: MessageSpec, bytes: Buffer, v: number) => compile(spec).decode(bytes, v)

const m = messages

// Bytes below are derived by hand from the protocol specs, field by field.
describe('known byte vectors', () => {
  it('ApiVersions v0 request is empty, v0 response is errorCode + int32-counted array', () => {
    expect(enc(m[18].request, {}, 0)).toEqual(Buffer.alloc(0))
    const bytes = hex('0000 00000001 0012 0000 0004')
    const value = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] }
    expect(enc(m[18].response, value, 0)).toEqual(bytes)
    expect(dec(m[18].response, bytes, 0)).toMatchObject(value)
  })

  it('ApiVersions v3 request uses compact strings and a tag section', () => {
    const bytes = hex('03 6b64 02 31 00') // "kd" (len+1=3), "1" (len+1=2), no tagged fields
    expect(enc(m[18].request, { clientSoftwareName: 'kd', clientSoftwareVersion: '1' }, 3)).toEqual(bytes)
    expect(dec(m[18].request, bytes, 3)).toEqual({ clientSoftwareName: 'kd', clientSoftwareVersion: '1' })
  })

  it('Metadata v0 response', () => {
    const value = {
      brokers: [{ nodeId: 1, host: 'h', port: 9092 }],
      topics: [{ errorCode: 0, name: 't', partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }] }],
    }
    const bytes = hex(`
      00000001 00000001 0001 68 00002384
      00000001 0000 0001 74
        00000001 0000 00000000 00000001 00000001 00000001 00000001 00000001`)
    expect(enc(m[3].response, value, 0)).toEqual(bytes)
    const back = dec(m[3].response, bytes, 0)
    expect(back).toMatchObject(value)
    // Fields v0 lacks come back with their defaults.
    expect(back.controllerId).toBe(-1)
    expect(back.clusterId).toBe(null)
    expect(back.brokers[0].rack).toBe(null)
  })

  it('Produce v9 request: compact nullable string, compact arrays and bytes, tag sections', () => {
    const value = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from([1, 2, 3]) }] }],
    }
    const bytes = hex('00 ffff 000003e8 02 0274 02 00000000 04010203 00 00 00')
    expect(enc(m[0].request, value, 9)).toEqual(bytes)
    expect(dec(m[0].request, bytes, 9)).toMatchObject(value)
  })

  it('Produce v0 request (an old version we declare for old clients)', () => {
    const value = { acks: 1, timeoutMs: 1500, topicData: [{ name: 't', partitionData: [{ index: 2, records: Buffer.from([9]) }] }] }
    const bytes = hex('0001 000005dc 00000001 0001 74 00000001 00000002 00000001 09')
    expect(enc(m[0].request, value, 0)).toEqual(bytes)
    expect(dec(m[0].request, bytes, 0)).toMatchObject(value)
  })

  it('ApiVersions v3 response writes tagged fields only when set, sorted by tag', () => {
    const value = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0, finalizedFeaturesEpoch: 5 }
    const bytes = hex('0000 02 0012 0000 0004 00 00000000 01 01 08 0000000000000005')
    expect(enc(m[18].response, value, 3)).toEqual(bytes)
    const back = dec(m[18].response, bytes, 3)
    expect(back.finalizedFeaturesEpoch).toBe(5)
    expect(back.zkMigrationReady).toBe(false)
    expect(back.supportedFeatures).toEqual([])
    // At its default the tagged field is not written at all.
    expect(enc(m[18].response, { ...value, finalizedFeaturesEpoch: -1 }, 3)).toEqual(hex('0000 02 0012 0000 0004 00 00000000 00'))
  })
})

describe('tagged fields', () => {
  it('skips unknown tagged fields, at top level and inside structs', () => {
    const bytes = hex('0000 02 0012 0000 0004 01 05 02 abcd 00000000 02 01 08 0000000000000007 09 01 ff')
    const back = dec(m[18].response, bytes, 3)
    expect(back.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }])
    expect(back.finalizedFeaturesEpoch).toBe(7)
  })

  it('rejects a tagged field longer than the frame', () => {
    const bytes = hex('0000 01 00000000 01 01 20 00000000')
    expect(() => dec(m[18].response, bytes, 3)).toThrow(ProtocolError)
  })
})

describe('nullable strings, arrays and structs', () => {
  it('Metadata topics: null is int32 -1 in v1, compact 0 in v9', () => {
    expect(enc(m[3].request, { topics: null }, 1)).toEqual(hex('ffffffff'))
    expect(dec(m[3].request, hex('ffffffff'), 1).topics).toBe(null)
    expect(enc(m[3].request, { topics: null }, 9)).toEqual(hex('00 01 00 00 00')) // allowAutoTopicCreation defaults to true
    expect(dec(m[3].request, hex('00 01 00 00 00'), 9).topics).toBe(null)
    expect(dec(m[3].request, hex('01 00 00 00 00'), 9).topics).toEqual([])
  })

  it('a non-nullable array or string refuses null on the wire', () => {
    expect(() => dec(m[3].request, hex('ffffffff'), 0)).toThrow(ProtocolError)
    // Produce v3: transactionalId null is fine, a null topic name is not.
    expect(() => dec(m[0].request, hex('ffff 0001 00000000 00000001 ffff 00000000'), 3)).toThrow(ProtocolError)
    expect(() => enc(m[0].request, { acks: 1, timeoutMs: 0, topicData: [{ name: null, partitionData: [] }] }, 3)).toThrow(ProtocolError)
    expect(dec(m[0].request, hex('ffff 0001 00000000 00000001 0001 74 00000000'), 3)).toMatchObject({ transactionalId: null, topicData: [{ name: 't' }] })
  })

  it('nullable structs carry a presence byte', () => {
    const req = m[75].request
    expect(enc(req, { topics: [], cursor: null }, 0)).toEqual(hex('01 000007d0 ff 00'))
    expect(dec(req, hex('01 000007d0 ff 00'), 0)).toEqual({ topics: [], responsePartitionLimit: 2000, cursor: null })
    const withCursor = hex('01 000007d0 01 0274 00000003 00 00')
    expect(enc(req, { topics: [], cursor: { topicName: 't', partitionIndex: 3 } }, 0)).toEqual(withCursor)
    expect(dec(req, withCursor, 0).cursor).toEqual({ topicName: 't', partitionIndex: 3 })
  })
})

describe('truncated frames', () => {
  const cases: [string, MessageSpec, Buffer, number][] = [
    [
      'Metadata v0 response',
      m[3].response,
      enc(m[3].response, { brokers: [{ nodeId: 1, host: 'h', port: 1 }], topics: [{ name: 't', partitions: [{ replicaNodes: [1], isrNodes: [1] }] }] }, 0),
      0,
    ],
    ['Produce v9 request', m[0].request, hex('00 ffff 000003e8 02 0274 02 00000000 04010203 00 00 00'), 9],
    ['ApiVersions v3 response', m[18].response, hex('0000 02 0012 0000 0004 00 00000000 01 01 08 0000000000000005'), 3],
  ]
  for (const [name, spec, bytes, v] of cases) {
    it(`${name}: every proper prefix throws ProtocolError`, () => {
      expect(() => dec(spec, bytes, v)).not.toThrow()
      for (let n = 0; n < bytes.length; n++) expect(() => dec(spec, bytes.subarray(0, n), v), `${n} bytes`).toThrow(ProtocolError)
    })
  }

  it('an array count larger than the frame is refused before allocating', () => {
    expect(() => dec(m[3].request, hex('7fffffff'), 1)).toThrow(ProtocolError)
  })

  it('an undeclared version is refused', () => {
    expect(() => dec(m[18].request, Buffer.alloc(0), 99)).toThrow(ProtocolError)
  })
})

/** A value exercising every field present at version v, with non-default values. */
function sample(fields: readonly FieldSpec[], v: number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    if (!inRange(parseVersions(f.versions), v)) continue
    out[f.name] = sampleOf(f, f.type, v, depth)
  }
  return out
}
function sampleOf(f: FieldSpec, type: string, v: number, depth: number): unknown {
  if (type.startsWith('[]')) return [sampleOf(f, type.slice(2), v, depth + 1), sampleOf(f, type.slice(2), v, depth + 1)]
  switch (type) {
    case 'int8':
      return 7
    case 'int16':
      return -300
    case 'uint16':
      return 65000
    case 'int32':
      return 123456
    case 'uint32':
      return 4000000000
    case 'int64':
      return 2 ** 40 + 5
    case 'float64':
      return 1.5
    case 'bool':
      return true
    case 'string':
      return `s${depth}é`
    case 'uuid':
      return Buffer.from('0123456789abcdef0123456789abcdef', 'hex')
    case 'bytes':
    case 'records':
      return Buffer.from([1, 2, 3, depth])
  }
  return sample(f.fields!, v, depth + 1)
}

describe('round trips of every declaration at every version', () => {
  const all: MessageSpec[] = [
    ...Object.values(messages).flatMap((p) => [p.request, p.response]),
    ...Object.values(consumerProtocol),
    ...Object.values(consumerOffsets),
  ]
  for (const spec of all) {
    it(spec.name, () => {
      const range = parseVersions(spec.validVersions)
      const codec = compile(spec)
      for (let v = range.min; v <= range.max; v++) {
        const value = sample(spec.fields, v)
        const bytes = codec.encode(value, v).toBuffer()
        const back = codec.decode(bytes, v)
        expect(back, `${spec.name} v${v}`).toMatchObject(value)
        expect(codec.encode(back, v).toBuffer().equals(bytes), `${spec.name} v${v} re-encodes identically`).toBe(true)
      }
    })
  }

  it('large record blobs are written by reference, not copied', () => {
    const records = Buffer.alloc(4096, 7)
    const w = compile(m[0].request).encode({ acks: 1, timeoutMs: 0, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] }, 7)
    expect(w.finish().some((c) => c.buffer === records.buffer && c.byteOffset === records.byteOffset)).toBe(true)
  })
})

describe('int64 edges', () => {
  it('Long.MAX_VALUE (a spec default, 2^63 as a JS number) saturates on the wire and reads back the same', () => {
    const spec = m[1].request // Fetch v18: the partition's tagged highWatermark defaults to Long.MAX_VALUE
    const codec = compile(spec)
    const value = { topics: [{ topicId: Buffer.alloc(16, 1), partitions: [{ partition: 0, fetchOffset: 5, highWatermark: 2 ** 63 }] }] }
    const back = codec.decode(codec.encode(value, 18).toBuffer(), 18)
    expect(back.topics[0].partitions[0].highWatermark).toBe(2 ** 63)
    const w = new Writer()
    w.int64(2 ** 63)
    w.int64(-1)
    w.int64(-(2 ** 63))
    expect(w.toBuffer()).toEqual(hex('7fffffffffffffff ffffffffffffffff 8000000000000000'))
  })
})
