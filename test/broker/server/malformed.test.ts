// Bad input at the socket: the broker answers with an error or closes that one connection,
// logs why, and keeps serving everyone else without losing data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { codecFor } from '../../../src-main/broker/protocol/codecs'
import { Writer } from '../../../src-main/broker/protocol/writer'
import { Reader } from '../../../src-main/broker/protocol/reader'
import { writeRequestHeader } from '../../../src-main/broker/protocol/header'
import { buildBatch } from '../../../src-main/broker/records/record'
import { startEmbedded, type EmbeddedProcess } from '../../helpers/embedded'
import { runOk } from '../../interop/target'

let broker: EmbeddedProcess
let host = ''
let port = 0
const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-malformed-'))

beforeAll(async () => {
  broker = await startEmbedded(dir)
  ;({ host, port } = broker)
})

afterAll(async () => {
  await broker.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** Sends raw bytes; resolves with what came back and whether the broker closed the socket. */
function exchange(bytes: Buffer, waitMs = 1500): Promise<{ closed: boolean; data: Buffer }> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, host)
    const chunks: Buffer[] = []
    let closed = false
    s.on('data', (d) => chunks.push(d))
    s.on('close', () => {
      closed = true
      clearTimeout(timer)
      resolve({ closed, data: Buffer.concat(chunks) })
    })
    s.on('error', () => {})
    const timer = setTimeout(() => {
      s.destroy()
      resolve({ closed: false, data: Buffer.concat(chunks) })
    }, waitMs)
    s.write(bytes)
  })
}

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length)
  return Buffer.concat([size, body])
}

function request(apiKey: number, apiVersion: number, body: unknown, headerVersion = 1): Buffer {
  const w = new Writer()
  writeRequestHeader(w, { apiKey, apiVersion, correlationId: 7, clientId: 'malformed-test' }, headerVersion)
  codecFor(apiKey).request.at(apiVersion).encode(w, body)
  return frame(w.toBuffer())
}

const topic = 'survivors'

describe('malformed input', () => {
  const kafka = () => new Kafka({ clientId: 'good-client', brokers: [`${host}:${port}`], logLevel: logLevel.NOTHING })

  it('keeps serving a well-behaved client while others send garbage', async () => {
    const admin = kafka().admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
    await admin.disconnect()
    const producer = kafka().producer()
    await producer.connect()
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `before-${i}` })) })

    // Frame size larger than socket.request.max.bytes (100 MiB): closed before anything is buffered.
    const huge = Buffer.alloc(4)
    huge.writeInt32BE(200 * 1024 * 1024)
    expect((await exchange(huge)).closed).toBe(true)
    // Negative frame size.
    expect((await exchange(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).closed).toBe(true)
    // A frame whose content ends inside the request header.
    expect((await exchange(frame(Buffer.from([0, 3, 0])))).closed).toBe(true)
    // Unknown API key.
    const unknown = Buffer.alloc(10)
    unknown.writeInt16BE(999, 0)
    unknown.writeInt16BE(0, 2)
    unknown.writeInt32BE(1, 4)
    unknown.writeInt16BE(-1, 8)
    expect((await exchange(frame(unknown))).closed).toBe(true)
    // Unsupported version of a known API.
    const md = Buffer.from(unknown)
    md.writeInt16BE(3, 0)
    md.writeInt16BE(99, 2)
    expect((await exchange(frame(md))).closed).toBe(true)
    // Random garbage.
    const garbage = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 0xff))
    expect((await exchange(garbage)).closed).toBe(true)
    // A Metadata v1 request whose topic array claims far more entries than the frame holds.
    const lying = request(3, 1, { topics: [] })
    lying.writeInt32BE(1_000_000, lying.length - 4)
    expect((await exchange(lying)).closed).toBe(true)

    // Produce with a bad CRC: answered with CORRUPT_MESSAGE, nothing appended, connection stays usable.
    const batch = buildBatch({ records: [{ key: Buffer.from('x'), value: Buffer.from('corrupt') }] })
    batch[batch.length - 1] ^= 0xff
    const produce = request(0, 7, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
    })
    const res = await exchange(produce)
    expect(res.closed).toBe(false)
    const r = new Reader(res.data, 4)
    expect(r.int32()).toBe(7) // correlation id
    const body = codecFor(0).response.decode(r, 7)
    expect(body.responses[0].partitionResponses[0].errorCode).toBe(2) // CORRUPT_MESSAGE

    // A too-new ApiVersions gets the v0-format UNSUPPORTED_VERSION answer listing what is supported.
    const tooNew = Buffer.from(unknown)
    tooNew.writeInt16BE(18, 0)
    tooNew.writeInt16BE(42, 2)
    const answer = await exchange(frame(tooNew))
    const ar = new Reader(answer.data, 4)
    expect(ar.int32()).toBe(1)
    const versions = codecFor(18).response.decode(ar, 0)
    expect(versions.errorCode).toBe(35) // UNSUPPORTED_VERSION
    expect(versions.apiKeys.find((k: any) => k.apiKey === 18)).toMatchObject({ minVersion: 0, maxVersion: 4 })

    // The good client never noticed.
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `after-${i}` })) })
    await producer.disconnect()
    const read = await runOk('kcat', ['-b', `${host}:${port}`, '-C', '-t', topic, '-e', '-o', 'beginning', '-q', '-f', '%s\\n'], { timeoutMs: 30_000 })
    const seen = read.stdout.split('\n').filter(Boolean)
    expect(seen).toEqual([...Array.from({ length: 10 }, (_, i) => `before-${i}`), ...Array.from({ length: 10 }, (_, i) => `after-${i}`)])

    // Every closed connection was logged with its reason.
    expect(broker.stderr()).toMatch(/larger than socket.request.max.bytes/)
    expect(broker.stderr()).toMatch(/unknown API key 999/)
    expect(broker.stderr()).toMatch(/Metadata v99 is not supported/)
    expect(broker.stderr()).toMatch(/frame truncated|malformed request/)
  })
})
