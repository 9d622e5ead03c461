/**
 * Compares every declaration with Kafka's own JSON message specs, read at test time from the
 * Kafka jars (scripts/kafka/fetch.sh). For every version Kafka's spec lists: field names,
 * order, types, presence, nullability, tagged-ness and tags, defaults, struct nesting and the
 * flexible versions must agree. Old versions we declare beyond Kafka 4.x's range (for old
 * clients) are not in Kafka's current specs and are exempt.
 */
import { describe, expect, it } from 'vitest'
import { type FieldSpec, type MessageSpec, inRange, parseVersions } from '../../../src-main/broker/protocol/schema'
import { messages } from '../../../src-main/broker/protocol/messages/index'
import * as consumerProtocol from '../../../src-main/broker/protocol/messages/consumer-protocol'
import * as consumerOffsets from '../../../src-main/broker/protocol/messages/consumer-offsets'
import { type KafkaField, type KafkaSpec, requireJar, specsOf } from './kafka-specs'

const lowerFirst = (s: string) => s[0].toLowerCase() + s.slice(1)

function kafkaDefault(f: KafkaField): unknown {
  if (!('default' in f)) return undefined
  const d = f.default
  if (typeof d !== 'string') return d
  if (f.type === 'bool') return d === 'true'
  if (/^(u?int\d+|float64)$/.test(f.type)) return Number(d)
  if (f.type === 'string') return d === 'null' ? null : d
  if ((f.type === 'bytes' || f.type === 'records') && d === 'null') return null
  return undefined // uuid and struct defaults: the codec's own zero values
}

function normalDefault(f: { type: string }, d: unknown): unknown {
  // An explicit 0/false/'' is what the codec uses anyway when no default is declared.
  if (d === 0 && /^(u?int\d+|float64)$/.test(f.type)) return undefined
  if (d === false && f.type === 'bool') return undefined
  if (d === '' && f.type === 'string') return undefined
  return d
}

function compareFields(
  ours: readonly FieldSpec[],
  theirs: KafkaField[],
  v: number,
  flexible: boolean,
  where: string,
  errors: string[],
  versionsOf: (s: string) => string = (s) => s,
): void {
  const present = <T extends { versions: string }>(fs: readonly T[], map: (s: string) => string) => fs.filter((f) => inRange(parseVersions(map(f.versions)), v))
  const o = present(ours, (s) => s)
  const t = present(theirs, versionsOf)
  const isTagged = (f: { tag?: number; taggedVersions?: string }, map: (s: string) => string) =>
    flexible && f.tag !== undefined && inRange(parseVersions(f.taggedVersions && map(f.taggedVersions)), v)
  const oNames = o.filter((f) => !isTagged(f, (s) => s)).map((f) => f.name)
  const tNames = t.filter((f) => !isTagged(f, versionsOf)).map((f) => lowerFirst(f.name))
  if (oNames.join() !== tNames.join()) errors.push(`${where} v${v}: fields [${oNames}] but Kafka has [${tNames}]`)
  for (const tf of t) {
    const name = lowerFirst(tf.name)
    const of = o.find((f) => f.name === name)
    const at = `${where}.${name} v${v}`
    if (!of) {
      if (isTagged(tf, versionsOf)) errors.push(`${at}: missing tagged field (tag ${tf.tag})`)
      continue
    }
    if (of.type !== tf.type) errors.push(`${at}: type ${of.type}, Kafka ${tf.type}`)
    const oNull = inRange(parseVersions(of.nullableVersions), v)
    const tNull = inRange(parseVersions(tf.nullableVersions && versionsOf(tf.nullableVersions)), v)
    if (oNull !== tNull) errors.push(`${at}: nullable ${oNull}, Kafka ${tNull}`)
    const oTag = isTagged(of, (s) => s)
    const tTag = isTagged(tf, versionsOf)
    if (oTag !== tTag) errors.push(`${at}: tagged ${oTag}, Kafka ${tTag}`)
    else if (oTag && of.tag !== tf.tag) errors.push(`${at}: tag ${of.tag}, Kafka ${tf.tag}`)
    const od = normalDefault(of, of.default)
    const td = normalDefault(tf, kafkaDefault(tf))
    if (od !== td) errors.push(`${at}: default ${String(od)}, Kafka ${String(td)}`)
    if (!!of.fields !== !!tf.fields) errors.push(`${at}: struct nesting differs`)
    else if (of.fields && tf.fields) compareFields(of.fields, tf.fields, v, flexible, `${where}.${name}`, errors, versionsOf)
  }
  for (const of of o) {
    if (!t.some((tf) => lowerFirst(tf.name) === of.name)) errors.push(`${where}.${of.name} v${v}: not in Kafka's spec`)
  }
}

/** Differences between our declaration and Kafka's spec, over Kafka's versions. */
function compareSpec(ours: MessageSpec, theirs: KafkaSpec, versionsOf?: (s: string) => string, versions?: number[]): string[] {
  const errors: string[] = []
  const kv = parseVersions(theirs.validVersions)
  const ov = parseVersions(ours.validVersions)
  if (!versions) {
    if (theirs.apiKey !== undefined && ours.type !== 'data' && ours.apiKey !== theirs.apiKey) errors.push(`apiKey ${ours.apiKey}, Kafka ${theirs.apiKey}`)
    if (ours.type !== theirs.type) errors.push(`type ${ours.type}, Kafka ${theirs.type}`)
    if (ov.max !== kv.max || ov.min > kv.min) errors.push(`validVersions ${ours.validVersions} do not cover Kafka's ${theirs.validVersions} up to its maximum`)
  }
  const fo = parseVersions(ours.flexibleVersions)
  const ft = parseVersions(theirs.flexibleVersions)
  const list = versions ?? Array.from({ length: kv.max - kv.min + 1 }, (_, i) => kv.min + i)
  for (const v of list) {
    const flexible = inRange(ft, v)
    if (inRange(fo, v) !== flexible) errors.push(`v${v}: flexible ${inRange(fo, v)}, Kafka ${flexible}`)
    compareFields(ours.fields, theirs.fields, v, flexible, ours.name, errors, versionsOf)
  }
  return errors
}

const clientsSpecs = () => specsOf(requireJar('kafka-clients'))
const coordinatorSpecs = () => specsOf(requireJar('kafka-group-coordinator'))

// Every API the broker and console need, by key.
const EXPECTED_KEYS = [
  0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 35, 36, 37, 42, 43, 44, 45, 46, 47, 48, 49,
  50, 51, 55, 60, 61, 65, 66, 68, 69, 75,
]

describe("declarations match Kafka's message specs", () => {
  it('finds the Kafka jars (run scripts/kafka/fetch.sh if this fails)', () => {
    expect(requireJar('kafka-clients')).toMatch(/kafka-clients-.*\.jar$/)
    expect(requireJar('kafka-group-coordinator')).toMatch(/kafka-group-coordinator-.*\.jar$/)
    expect(clientsSpecs().get('ProduceRequest')?.apiKey).toBe(0)
  })

  it('declares every needed API, under its own key', () => {
    expect(
      Object.keys(messages)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(EXPECTED_KEYS)
    for (const [key, pair] of Object.entries(messages)) {
      expect(pair.request.apiKey, pair.request.name).toBe(Number(key))
      expect(pair.response.apiKey, pair.response.name).toBe(Number(key))
      expect(pair.request.type).toBe('request')
      expect(pair.response.type).toBe('response')
      expect(pair.request.validVersions).toBe(pair.response.validVersions)
    }
  })

  for (const pair of Object.values(messages)) {
    for (const spec of [pair.request, pair.response]) {
      it(`${spec.name} (key ${spec.apiKey})`, () => {
        const theirs = clientsSpecs().get(spec.name)
        if (!theirs) throw new Error(`Kafka has no spec named ${spec.name}`)
        expect(compareSpec(spec, theirs)).toEqual([])
      })
    }
  }

  for (const spec of Object.values(consumerProtocol)) {
    it(`${spec.name} (consumer protocol)`, () => {
      const theirs = clientsSpecs().get(spec.name)
      if (!theirs) throw new Error(`Kafka has no spec named ${spec.name}`)
      expect(compareSpec(spec, theirs)).toEqual([])
    })
  }

  it('OffsetCommitValue and GroupMetadataValue (__consumer_offsets values)', () => {
    for (const spec of [consumerOffsets.OffsetCommitValue, consumerOffsets.GroupMetadataValue]) {
      const theirs = coordinatorSpecs().get(spec.name)!
      expect(compareSpec({ ...spec, type: theirs.type as MessageSpec['type'], apiKey: theirs.apiKey! }, theirs)).toEqual([])
    }
  })

  it('OffsetCommitKey and GroupMetadataKey (__consumer_offsets keys)', () => {
    // Kafka 4 numbers keys by record type (its "apiKey") with struct version 0; on disk the
    // leading int16 is that record type, which is how we version the key declarations.
    const keys: [MessageSpec, string][] = [
      [consumerOffsets.OffsetCommitKey, 'LegacyOffsetCommitKey'],
      [consumerOffsets.OffsetCommitKey, 'OffsetCommitKey'],
      [consumerOffsets.GroupMetadataKey, 'GroupMetadataKey'],
    ]
    for (const [spec, kafkaName] of keys) {
      const theirs = coordinatorSpecs().get(kafkaName)!
      const recordType = theirs.apiKey!
      expect(inRange(parseVersions(spec.validVersions), recordType), `${spec.name} v${recordType}`).toBe(true)
      const asRecordType = { ...theirs, type: 'data', validVersions: String(recordType), flexibleVersions: 'none' }
      const errors = compareSpec(spec, asRecordType, () => String(recordType), [recordType])
      expect(errors).toEqual([])
    }
  })
})
