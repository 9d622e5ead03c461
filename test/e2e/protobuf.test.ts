// End-to-end: a .proto file is added from disk in the Messages tab (a broken one is refused with
// the parser's message), its message type is chosen, and a topic's Protobuf values are listed as
// JSON and shown as a tree in the detail pane; MessagePack values are read the same way.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encode as encodeMsgpack } from '@msgpack/msgpack'
import kafkajs from 'kafkajs'
import protobuf from 'protobufjs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { go, startE2E, type E2E } from './harness'

const { Kafka, logLevel } = kafkajs
const PROTO = `syntax = "proto3";
package fleet.v1;
message GpsFix { string car = 1; double lat = 2; double lon = 3; int64 at_ms = 4; }
`
const TOPIC = 'fixes-proto'
const MSGPACK = 'fixes-msgpack'

describe('Protobuf and MessagePack values in the message browser', () => {
  let e: E2E
  let dir: string

  beforeAll(async () => {
    e = await startE2E()
    dir = mkdtempSync(join(tmpdir(), 'kafkadesk-proto-'))
    writeFileSync(join(dir, 'gps.proto'), PROTO)
    writeFileSync(join(dir, 'broken.proto'), 'syntax = "proto3"; message { }')
    const T = protobuf.parse(PROTO, { keepCase: true }).root.lookupType('fleet.v1.GpsFix')
    const kafka = new Kafka({ clientId: 'e2e-proto', brokers: [e.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        { topic: TOPIC, numPartitions: 1 },
        { topic: MSGPACK, numPartitions: 1 },
      ],
      waitForLeaders: true,
    })
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic: TOPIC,
      messages: [0, 1, 2].map((i) => ({
        key: `car-${i}`,
        value: Buffer.from(T.encode(T.fromObject({ car: `car-${i}`, lat: 52.5 + i, lon: 13.4, at_ms: String(1767323045000 + i) })).finish()),
      })),
    })
    await producer.send({ topic: MSGPACK, messages: [{ key: 'car-9', value: Buffer.from(encodeMsgpack({ car: 'car-9', speed: 88 })) }] })
    await producer.disconnect()
  }, 120_000)

  afterEach(async (c) => {
    if (c.task.result?.state === 'fail' && e) await e.shot(`failed-${c.task.name.replace(/\W+/g, '-')}`).catch(() => {})
  })

  afterAll(async () => {
    await e?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const values = () => e.page.getByTestId('messages-table').locator('tbody tr.clickable td:nth-child(6)').allTextContents()

  it('refuses a broken .proto, adds a good one and reads values as its message type', async () => {
    await go(e.page, `/topics/${TOPIC}/messages`)
    await e.page.getByTestId('messages-table').waitFor()
    await e.page.getByTestId('value-format').selectOption('protobuf')
    await e.page.getByTestId('protobuf-file').setInputFiles(join(dir, 'broken.proto'))
    await expect.poll(() => e.page.getByTestId('protobuf-error').textContent()).toMatch(/broken\.proto/)
    await e.page.getByTestId('protobuf-file').setInputFiles(join(dir, 'gps.proto'))
    await expect.poll(() => e.page.getByTestId('protobuf-type').inputValue()).toBe('fleet.v1.GpsFix')
    expect(await e.page.getByTestId('protobuf-error').count()).toBe(0)
    await e.page.getByTestId('read-messages').click()
    await expect.poll(values).toEqual([2, 1, 0].map((i) => JSON.stringify({ car: `car-${i}`, lat: 52.5 + i, lon: 13.4, at_ms: String(1767323045000 + i) })))
    await e.page.getByTestId('messages-table').locator('tbody tr.clickable').first().click()
    await e.page.getByTestId('value-tree').waitFor()
    expect(await e.page.getByTestId('value-tree').textContent()).toContain('car-2')
    await e.shot('messages-protobuf')
  })

  it('reads MessagePack values as JSON', async () => {
    await go(e.page, `/topics/${MSGPACK}/messages`)
    await e.page.getByTestId('messages-table').waitFor()
    await e.page.getByTestId('value-format').selectOption('msgpack')
    await e.page.getByTestId('read-messages').click()
    await expect.poll(values).toEqual([JSON.stringify({ car: 'car-9', speed: 88 })])
  })

  it('raised no page errors', () => {
    expect(e.pageErrors).toEqual([])
  })
})
