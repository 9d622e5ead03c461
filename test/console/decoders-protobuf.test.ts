// Protobuf values decoded with message types from .proto files added to the console: files are
// checked (a bad one is refused with the parser's message), listed with their types, can import
// each other, and a topic's values are read as JSON through the console's handlers on the
// embedded cluster (or real Kafka with KAFKADESK_TARGET=kafka).
import protobuf from 'protobufjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { createTopic, useHarness } from './fixtures'
import { uniqueName } from './setup'

const COMMON = `syntax = "proto3";
package fleet.common;
message Position { double lat = 1; double lon = 2; }
`
const FIX = `syntax = "proto3";
package fleet.v1;
import "common.proto";
message GpsFix {
  string car = 1;
  fleet.common.Position position = 2;
  int64 at_ms = 3;
  enum Source { UNKNOWN = 0; GPS = 1; GLONASS = 2; }
  Source source = 4;
  bytes signature = 5;
}
`

const h = useHarness()
const topic = uniqueName('protobuf')
let encoded: Buffer

beforeAll(async () => {
  // Encoded by protobufjs from the same definitions, as a producer in another service would.
  const root = new protobuf.Root()
  protobuf.parse(COMMON, root, { keepCase: true })
  protobuf.parse(FIX.replace('import "common.proto";', ''), root, { keepCase: true })
  const T = root.lookupType('fleet.v1.GpsFix')
  encoded = Buffer.from(
    T.encode(
      T.fromObject({ car: 'car-17', position: { lat: 52.52, lon: 13.405 }, at_ms: '1767323045000', source: 'GLONASS', signature: Buffer.from([1, 2, 3]) }),
    ).finish(),
  )
  await createTopic(h, topic, 1)
  await h.call('produce.send', {
    connectionId: h.connectionId,
    topic,
    messages: [{ key: { format: 'string', data: 'car-17' }, value: { format: 'hex', data: encoded.toString('hex') } }],
  })
}, 60_000)

describe('Protobuf decoding', () => {
  it('refuses a .proto that does not parse or resolve, naming the problem', async () => {
    const bad = await h.tryCall('protobuf.add', { name: 'broken.proto', content: 'syntax = "proto3"; message X { strin a = 1 }' })
    expect(bad.ok === false && bad.error.code).toBe('VALIDATION')
    const unresolved = await h.tryCall('protobuf.add', { name: 'fix.proto', content: FIX })
    expect(unresolved.ok === false && unresolved.error.message).toMatch(/Position/)
    expect((await h.call('protobuf.list', {})).files).toEqual([])
  })

  it('adds files that import each other and lists their message types', async () => {
    await h.call('protobuf.add', { name: 'common.proto', content: COMMON })
    const r = await h.call('protobuf.add', { name: 'fix.proto', content: FIX })
    expect(r.files).toEqual([
      { name: 'common.proto', types: ['fleet.common.Position'] },
      { name: 'fix.proto', types: ['fleet.v1.GpsFix'] },
    ])
  })

  it("reads a topic's values as the chosen message type", async () => {
    const r = await h.call('messages.read', {
      connectionId: h.connectionId,
      topic,
      position: { type: 'earliest' },
      valueDecoding: 'protobuf',
      valueProtobufType: 'fleet.v1.GpsFix',
    })
    expect(r.messages[0]!.value).toMatchObject({
      format: 'protobuf',
      size: encoded.length,
      json: { car: 'car-17', position: { lat: 52.52, lon: 13.405 }, at_ms: '1767323045000', source: 'GLONASS', signature: 'AQID' },
    })
    expect(r.messages[0]!.value!.error).toBeUndefined()
    const wrongType = await h.call('messages.read', {
      connectionId: h.connectionId,
      topic,
      position: { type: 'earliest' },
      valueDecoding: 'protobuf',
      valueProtobufType: 'fleet.v1.Nope',
    })
    expect(wrongType.messages[0]!.value!.error).toMatch(/fleet\.v1\.Nope/)
    expect(wrongType.messages[0]!.value!.text).toBe(encoded.toString('hex'))
    const noType = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type: 'earliest' }, valueDecoding: 'protobuf' })
    expect(noType.messages[0]!.value!.error).toMatch(/choose the Protobuf message type/)
  })

  it('removes a file', async () => {
    const r = await h.call('protobuf.delete', { name: 'fix.proto' })
    expect(r.files.map((f) => f.name)).toEqual(['common.proto'])
    const gone = await h.tryCall('protobuf.delete', { name: 'fix.proto' })
    expect(gone.ok === false && gone.error.code).toBe('NOT_FOUND')
  })
})
