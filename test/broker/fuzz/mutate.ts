// Seeded request generation for the wire fuzzer: valid requests of every API the broker lists,
// encoded with the project's codecs, then mutated (bytes, lengths and counts, truncation,
// splices), plus random frames. Everything comes from one seed, so a failure can be replayed.
import { encodeRequest } from './wire-client'
import { buildBatch } from '../../../src-main/broker/records/record'

/** The fuzzer's seeded PRNG. */
export { prng as rng } from '../../helpers/seeded'

export interface ApiRange {
  apiKey: number
  minVersion: number
  maxVersion: number
}

const INTERESTING_INT32 = [0, 1, -1, 0x7fffffff, -0x80000000, 0x10000, 0xffff, 0x7ffffffe, 1 << 24]

/** Request bodies richer than the empty one for the APIs where size and counts matter most. */
function seedBodies(apiKey: number, r: () => number): unknown[] {
  const name = `fz-${Math.floor(r() * 1000)}`
  const batch = (compression: 'none' | 'gzip' | 'zstd') =>
    buildBatch({
      records: [
        { key: 'k', value: 'v'.repeat(1 + Math.floor(r() * 200)) },
        { key: null, value: 'w' },
      ],
      compression,
    })
  switch (apiKey) {
    case 0:
      return [
        {
          transactionalId: null,
          acks: 1,
          timeoutMs: 1000,
          topicData: [{ name, partitionData: [{ index: 0, records: batch(['none', 'gzip', 'zstd'][Math.floor(r() * 3)] as 'none') }] }],
        },
      ]
    case 1:
      return [
        {
          replicaId: -1,
          maxWaitMs: 10,
          minBytes: 1,
          maxBytes: 65536,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [
            {
              topic: name,
              partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 4096, currentLeaderEpoch: -1, logStartOffset: -1, lastFetchedEpoch: -1 }],
            },
          ],
          forgottenTopicsData: [],
          rackId: '',
        },
      ]
    case 3:
      return [{ topics: [{ name, topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }]
    case 19:
      return [
        {
          topics: [{ name, numPartitions: 1 + Math.floor(r() * 3), replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] }],
          timeoutMs: 1000,
          validateOnly: r() < 0.5,
        },
      ]
    case 37:
      return [{ topics: [{ name, count: 2 + Math.floor(r() * 3), assignments: null }], timeoutMs: 1000, validateOnly: r() < 0.5 }]
    default:
      return []
  }
}

/** A valid request frame of a random API and version (as the broker listed them). */
export function validFrame(apis: ApiRange[], r: () => number, correlationId: number): Buffer {
  const api = apis[Math.floor(r() * apis.length)]!
  const version = api.minVersion + Math.floor(r() * (api.maxVersion - api.minVersion + 1))
  const bodies = [{}, ...seedBodies(api.apiKey, r)]
  const body = bodies[Math.floor(r() * bodies.length)]
  try {
    return encodeRequest(api.apiKey, version, body, correlationId, 'fuzz')
  } catch {
    return encodeRequest(api.apiKey, version, {}, correlationId, 'fuzz')
  }
}

/** Mutates a frame's payload (the 4-byte size is rewritten to match unless `lieAboutSize`). */
export function mutate(frame: Buffer, r: () => number): Buffer {
  let body = Buffer.from(frame.subarray(4))
  const edits = 1 + Math.floor(r() * 4)
  for (let e = 0; e < edits && body.length > 0; e++) {
    const at = Math.floor(r() * body.length)
    switch (Math.floor(r() * 7)) {
      case 0: // flip bits
        body[at] ^= 1 << Math.floor(r() * 8)
        break
      case 1: // a length or count replaced by an extreme value
        if (at + 4 <= body.length) body.writeInt32BE(INTERESTING_INT32[Math.floor(r() * INTERESTING_INT32.length)]!, at)
        break
      case 2: // an int16 length (strings, arrays of old versions)
        if (at + 2 <= body.length) body.writeInt16BE([-1, 0, 0x7fff, -0x8000, 1000][Math.floor(r() * 5)]!, at)
        break
      case 3: // an unsigned varint (compact lengths, tagged fields) made huge
        body[at] = 0xff
        if (at + 1 < body.length) body[at + 1] = 0xff
        break
      case 4: // truncate
        body = body.subarray(0, at)
        break
      case 5: // random tail
        body = Buffer.concat([body, randomBytes(r, Math.floor(r() * 64))])
        break
      case 6: // duplicate a slice into another place
        {
          const len = Math.floor(r() * Math.min(32, body.length - at))
          body.copy(body, Math.floor(r() * body.length), at, at + len)
        }
        break
    }
  }
  const head = Buffer.alloc(4)
  head.writeInt32BE(body.length)
  return Buffer.concat([head, body])
}

/** Random bytes behind a plausible header (apiKey from the list or anything), with a matching size. */
export function randomFrame(apis: ApiRange[], r: () => number, correlationId: number): Buffer {
  const body = randomBytes(r, 8 + Math.floor(r() * 512))
  body.writeInt16BE(r() < 0.8 ? apis[Math.floor(r() * apis.length)]!.apiKey : Math.floor(r() * 65536) - 32768, 0)
  body.writeInt16BE(Math.floor(r() * 20), 2)
  body.writeInt32BE(correlationId, 4)
  const head = Buffer.alloc(4)
  head.writeInt32BE(body.length)
  return Buffer.concat([head, body])
}

export function randomBytes(r: () => number, n: number): Buffer {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256)
  return b
}
