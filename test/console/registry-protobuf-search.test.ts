// Protobuf values from the schema registry, and MessagePack/Protobuf beyond the browser's read.
//
// Values are framed as the registry's serializers write them (magic byte 0, schema id, message
// indexes, Protobuf bytes) for a schema that imports another registered file and a well-known
// type. The registry is a small HTTP server in this test answering the two documented calls the
// console makes (GET /schemas/ids/{id}, GET /subjects/{subject}/versions/{version}). Records go
// through the console's handlers to the embedded cluster (or real Kafka with
// KAFKADESK_TARGET=kafka); search, tail and export then filter and show decoded values.
import { encode as encodeMsgpack } from '@msgpack/msgpack'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import protobuf from 'protobufjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readIndexes } from '../../src-main/console/registry-protobuf'
import { startHarness, uniqueName, waitFor, type Harness } from './setup'

const COMMON = `syntax = "proto3";
package fleet.v2;
message Position { double lat = 1; double lon = 2; }
`
const FIX = `syntax = "proto3";
package fleet.v2;
import "fleet/v2/common.proto";
import "google/protobuf/timestamp.proto";
message Envelope { string note = 1; }
message Fix {
  string car = 1;
  Position pos = 2;
  google.protobuf.Timestamp at = 3;
  message Alert { string reason = 1; int32 level = 2; }
}
`
const SCHEMA_ID = 7

/** The registry's documented answers for the schema and the file it references. */
function registry(): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' })
      res.end(JSON.stringify(body))
    }
    if (req.url === `/schemas/ids/${SCHEMA_ID}`)
      return send(200, { schemaType: 'PROTOBUF', schema: FIX, references: [{ name: 'fleet/v2/common.proto', subject: 'fleet-common', version: 1 }] })
    if (req.url === '/subjects/fleet-common/versions/1')
      return send(200, { subject: 'fleet-common', version: 1, id: 8, schemaType: 'PROTOBUF', schema: COMMON })
    send(404, { error_code: 40403, message: 'Schema not found' })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

// The same definitions, as a producing service would have them.
const root = new protobuf.Root()
protobuf.parse(COMMON, root, { keepCase: true })
protobuf.parse(FIX.replace('import "fleet/v2/common.proto";\n', '').replace('import "google/protobuf/timestamp.proto";\n', ''), root, { keepCase: true })
protobuf.parse('syntax = "proto3";\npackage google.protobuf;\nmessage Timestamp { int64 seconds = 1; int32 nanos = 2; }\n', root, { keepCase: true })
root.resolveAll()

/** Zigzag varints, as the registry's serializers write message indexes. */
const zigzag = (n: number) => {
  let v = n >= 0 ? n * 2 : -n * 2 - 1
  const out: number[] = []
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return out
}
function framed(typeName: string, indexes: number[], value: Record<string, unknown>): Buffer {
  const t = root.lookupType(typeName)
  const head = Buffer.alloc(5)
  head.writeInt32BE(SCHEMA_ID, 1)
  const idx = indexes.length === 1 && indexes[0] === 0 ? [0] : [...zigzag(indexes.length), ...indexes.flatMap(zigzag)]
  return Buffer.concat([head, Buffer.from(idx), Buffer.from(t.encode(t.fromObject(value)).finish())])
}

const envelope = framed('fleet.v2.Envelope', [0], { note: 'hello' })
const fix = framed('fleet.v2.Fix', [1], { car: 'car-9', pos: { lat: 52.5, lon: 13.4 }, at: { seconds: 1767323045, nanos: 0 } })
const alert = framed('fleet.v2.Fix.Alert', [1, 0], { reason: 'brake', level: 3 })
const packed = Buffer.from(encodeMsgpack({ car: 'car-3', speed: 88 }))

describe('message indexes', () => {
  it("reads the registry serializers' index encoding", () => {
    expect(readIndexes(Buffer.from([0]))).toEqual({ indexes: [0], at: 1 })
    expect(readIndexes(Buffer.from([2, 2]))).toEqual({ indexes: [1], at: 2 })
    expect(readIndexes(Buffer.from([4, 2, 0, 0xff]))).toEqual({ indexes: [1, 0], at: 3 })
    expect(() => readIndexes(Buffer.from([0x80]))).toThrow(/varint/)
  })
})

describe('Protobuf from the schema registry, MessagePack and Protobuf in search, tail and export', () => {
  let h: Harness
  let server: Server
  let connectionId: string
  const topic = uniqueName('registry-proto')
  const msgTopic = uniqueName('msgpack-search')

  beforeAll(async () => {
    h = await startHarness()
    server = await registry()
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    connectionId = (await h.call('connections.save', { name: 'with registry', bootstrapServers: h.bootstrap.split(','), schemaRegistry: { url } })).connection
      .id
    await h.call('topics.create', { connectionId, topic, partitions: 1, replicationFactor: 1 })
    await h.call('topics.create', { connectionId, topic: msgTopic, partitions: 1, replicationFactor: 1 })
    await h.call('produce.send', {
      connectionId,
      topic,
      messages: [envelope, fix, alert].map((b, i) => ({
        key: { format: 'string' as const, data: `k${i}` },
        value: { format: 'hex' as const, data: b.toString('hex') },
      })),
    })
    await h.call('produce.send', {
      connectionId,
      topic: msgTopic,
      messages: [
        { value: { format: 'hex', data: packed.toString('hex') } },
        { value: { format: 'hex', data: Buffer.from(encodeMsgpack({ car: 'car-4', speed: 12 })).toString('hex') } },
      ],
    })
  }, 120_000)
  afterAll(async () => {
    await h?.stop()
    await new Promise((r) => server?.close(r))
  })

  const expected = [{ note: 'hello' }, { car: 'car-9', pos: { lat: 52.5, lon: 13.4 }, at: { seconds: '1767323045' } }, { reason: 'brake', level: 3 }]

  it('decodes each value with its registered schema and message indexes, by Protobuf and by auto', async () => {
    for (const valueDecoding of ['protobuf', 'auto'] as const) {
      const r = await h.call('messages.read', { connectionId, topic, position: { type: 'earliest' }, limit: 10, valueDecoding })
      expect(r.messages.map((m) => m.value?.error)).toEqual([undefined, undefined, undefined])
      expect(r.messages.map((m) => [m.value?.format, m.value?.schemaId])).toEqual(expected.map(() => ['protobuf', SCHEMA_ID]))
      expect(r.messages.map((m) => m.value?.json)).toEqual(expected)
    }
    // A value the schema does not describe says so, with its bytes.
    const bad = framed('fleet.v2.Envelope', [5], { note: 'x' })
    const t2 = uniqueName('registry-proto-bad')
    await h.call('topics.create', { connectionId, topic: t2, partitions: 1, replicationFactor: 1 })
    await h.call('produce.send', { connectionId, topic: t2, messages: [{ value: { format: 'hex', data: bad.toString('hex') } }] })
    const r = await h.call('messages.read', { connectionId, topic: t2, position: { type: 'earliest' }, valueDecoding: 'protobuf' })
    expect(r.messages[0]!.value!.error).toMatch(/no message at index path \[5\]/)
  })

  it('search filters on the decoded values: text and JSON path, Protobuf and MessagePack', async () => {
    // '"level":3' is only in the decoded JSON, never in the bytes.
    const byText = await h.call('messages.search', {
      connectionId,
      start: { type: 'earliest' },
      topic,
      filter: { value: '"level":3' },
      valueDecoding: 'protobuf',
    })
    expect(byText.matches.map((m) => m.value?.json)).toEqual([expected[2]])
    const byPath = await h.call('messages.search', {
      connectionId,
      start: { type: 'earliest' },
      topic,
      filter: { jsonPath: 'pos.lat', jsonEquals: '52.5' },
      valueDecoding: 'protobuf',
    })
    expect(byPath.matches.map((m) => m.key?.text)).toEqual(['k1'])
    const packedPath = await h.call('messages.search', {
      connectionId,
      start: { type: 'earliest' },
      topic: msgTopic,
      filter: { jsonPath: 'speed', jsonEquals: '88' },
      valueDecoding: 'msgpack',
    })
    expect(packedPath.matches.map((m) => m.value?.json)).toEqual([{ car: 'car-3', speed: 88 }])
    const packedText = await h.call('messages.search', {
      connectionId,
      start: { type: 'earliest' },
      topic: msgTopic,
      filter: { value: '"speed":12' },
      valueDecoding: 'msgpack',
    })
    expect(packedText.matches.map((m) => (m.value!.json as { car: string }).car)).toEqual(['car-4'])
    // Without decoding, the same text is not there.
    expect(
      (
        await h.call('messages.search', {
          connectionId,
          start: { type: 'earliest' },
          topic: msgTopic,
          filter: { value: '"speed":12' },
          valueDecoding: 'string',
        })
      ).matches,
    ).toEqual([])
  })

  it('search and tail use a message type from the added .proto files too', async () => {
    await h.call('protobuf.add', {
      name: 'standalone.proto',
      content: 'syntax = "proto3";\npackage plain.v1;\nmessage Reading { string sensor = 1; double celsius = 2; }\n',
    })
    const t = protobuf
      .parse('syntax = "proto3"; package plain.v1; message Reading { string sensor = 1; double celsius = 2; }')
      .root.lookupType('plain.v1.Reading')
    const plainTopic = uniqueName('plain-proto')
    await h.call('topics.create', { connectionId, topic: plainTopic, partitions: 1, replicationFactor: 1 })
    const tailId = uniqueName('tail')
    await h.call('messages.tailStart', {
      connectionId,
      topic: plainTopic,
      from: 'latest',
      valueDecoding: 'protobuf',
      valueProtobufType: 'plain.v1.Reading',
      filter: { jsonPath: 'sensor', jsonEquals: 'boiler' },
      intervalMs: 100,
      tailId,
    })
    try {
      await waitFor(() => h.events.of('tail.status').some((s) => s.tailId === tailId && s.state === 'running'), 10_000, 'tail running')
      const readings = [
        { sensor: 'attic', celsius: 18 },
        { sensor: 'boiler', celsius: 71.5 },
      ]
      await h.call('produce.send', {
        connectionId,
        topic: plainTopic,
        messages: readings.map((x) => ({ value: { format: 'hex' as const, data: Buffer.from(t.encode(t.fromObject(x)).finish()).toString('hex') } })),
      })
      const got = await waitFor(
        () => {
          const ms = h.events
            .of('tail.messages')
            .filter((e) => e.tailId === tailId)
            .flatMap((e) => e.messages)
          return ms.length ? ms : undefined
        },
        15_000,
        'tailed message',
      )
      expect(got.map((m) => m.value?.json)).toEqual([{ sensor: 'boiler', celsius: 71.5 }])
      const found = await h.call('messages.search', {
        connectionId,
        start: { type: 'earliest' },
        topic: plainTopic,
        filter: { value: '"celsius":18' },
        valueDecoding: 'protobuf',
        valueProtobufType: 'plain.v1.Reading',
      })
      expect(found.matches.map((m) => m.value?.json)).toEqual([{ sensor: 'attic', celsius: 18 }])
    } finally {
      await h.call('messages.tailStop', { tailId })
    }
  })

  it('exports selected Protobuf (registry) and MessagePack values decoded', async () => {
    const items = [0, 1, 2].map((offset) => ({ partition: 0, offset }))
    const proto = await h.call('messages.export', { format: 'jsonl', source: { type: 'selection', connectionId, topic, items, valueDecoding: 'protobuf' } })
    const lines = proto.content
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { value: unknown; valueFormat: string })
    expect(lines.map((l) => l.value)).toEqual(expected)
    expect(lines.every((l) => l.valueFormat === 'protobuf')).toBe(true)
    const csv = await h.call('messages.export', {
      format: 'csv',
      source: { type: 'selection', connectionId, topic: msgTopic, items: [{ partition: 0, offset: 0 }], valueDecoding: 'msgpack' },
    })
    expect(csv.content).toContain('"{""car"":""car-3"",""speed"":88}"')
  })
})
