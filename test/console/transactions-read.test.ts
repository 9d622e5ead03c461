// The message browser's reading options for transactional data: read_committed shows only the
// committed transaction's records, read_uncommitted shows the aborted one's too, and the
// COMMIT/ABORT markers (control records) appear only when asked for, with their producer.
// Through the console's handlers on the embedded cluster, or real Kafka with KAFKADESK_TARGET=kafka.
import { beforeAll, describe, expect, it } from 'vitest'
import type { Message, RequestInputOf } from '../../src-main/ipc/contract'
import { createTopic, partitionEnds, transactionalProducer, useHarness } from './fixtures'
import { uniqueName } from './setup'

const h = useHarness()
const topic = uniqueName('txn-read')
beforeAll(async () => {
  await createTopic(h, topic, 1)
  await h.call('produce.send', { connectionId: h.connectionId, topic, messages: [{ value: { format: 'string' as const, data: 'plain' } }] })
  const producer = transactionalProducer(h, 'txn-read-test', uniqueName('txn-read-id'))
  await producer.connect()
  try {
    const committed = await producer.transaction()
    await committed.send({ topic, messages: [{ value: 'committed-0' }, { value: 'committed-1' }] })
    await committed.commit()
    const aborted = await producer.transaction()
    await aborted.send({ topic, messages: [{ value: 'aborted-0' }, { value: 'aborted-1' }] })
    await aborted.abort()
  } finally {
    await producer.disconnect()
  }
  // Kafka answers EndTxn once the abort is decided and writes its marker after: wait for the
  // marker (offset 6, so the log ends at 7 and nothing is unstable) before the next record.
  for (let waited = 0; ; waited += 100) {
    const e = await partitionEnds(h, topic)
    if (e.latest === 7 && e.stable === 7) break
    if (waited > 15_000) throw new Error(`the abort marker did not arrive: ${JSON.stringify(e)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  await h.call('produce.send', { connectionId: h.connectionId, topic, messages: [{ value: { format: 'string' as const, data: 'after' } }] })
}, 120_000)

type ReadOptions = Pick<RequestInputOf<'messages.read'>, 'isolationLevel' | 'showControlRecords' | 'asColumns'>

async function read(opts: ReadOptions): Promise<Message[]> {
  const r = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type: 'earliest' }, limit: 100, valueDecoding: 'string', ...opts })
  if (!opts.asColumns) return r.messages
  // The table's form: control markers listed by row.
  const cols = r.columns!
  const controls = new Map(cols.controls ?? [])
  return cols.offset.map((offset, i) => {
    const m: Message = { topic, partition: cols.partition[i]!, offset, timestamp: cols.timestamp[i]!, key: null, value: null, headers: [] }
    const f = cols.value.format[i]!
    if (f >= 0) m.value = { format: cols.value.formats[f]!, text: cols.value.text[i]!, size: cols.value.size[i]! }
    const c = controls.get(i)
    if (c) m.control = c
    return m
  })
}

const values = (ms: Message[]) => ms.filter((m) => !m.control).map((m) => m.value?.text)

describe('reading transactional data', () => {
  it('read_uncommitted (the default) shows every data record and no markers', async () => {
    const ms = await read({})
    expect(values(ms)).toEqual(['plain', 'committed-0', 'committed-1', 'aborted-0', 'aborted-1', 'after'])
    expect(ms.some((m) => m.control)).toBe(false)
    // Offsets skip the markers: plain 0, committed 1-2, COMMIT 3, aborted 4-5, ABORT 6, after 7.
    expect(ms.map((m) => m.offset)).toEqual([0, 1, 2, 4, 5, 7])
  })

  it('read_committed leaves the aborted transaction out', async () => {
    for (const asColumns of [false, true]) {
      const ms = await read({ isolationLevel: 'read_committed', asColumns })
      expect(values(ms)).toEqual(['plain', 'committed-0', 'committed-1', 'after'])
      expect(ms.some((m) => m.control)).toBe(false)
    }
  })

  it('shows the COMMIT and ABORT markers with their producer only when asked', async () => {
    for (const asColumns of [false, true]) {
      const ms = await read({ showControlRecords: true, asColumns })
      const markers = ms.filter((m) => m.control)
      expect(markers.map((m) => [m.offset, m.control!.type])).toEqual([
        [3, 'COMMIT'],
        [6, 'ABORT'],
      ])
      const producerIds = new Set(markers.map((m) => m.control!.producerId))
      expect(producerIds.size).toBe(1)
      expect([...producerIds][0]).toBeGreaterThanOrEqual(0)
      expect(markers.every((m) => m.control!.producerEpoch >= 0)).toBe(true)
      expect(values(ms)).toEqual(['plain', 'committed-0', 'committed-1', 'aborted-0', 'aborted-1', 'after'])

      const committed = await read({ isolationLevel: 'read_committed', showControlRecords: true, asColumns })
      expect(committed.filter((m) => m.control).map((m) => m.control!.type)).toEqual(['COMMIT', 'ABORT'])
      expect(values(committed)).toEqual(['plain', 'committed-0', 'committed-1', 'after'])
    }
  })

  it('read_committed "latest N" ends at the last stable offset while a transaction is open', async () => {
    const t = uniqueName('txn-read-open')
    await createTopic(h, t, 1)
    await h.call('produce.send', {
      connectionId: h.connectionId,
      topic: t,
      messages: ['stable-0', 'stable-1'].map((data) => ({ value: { format: 'string' as const, data } })),
    })
    const producer = transactionalProducer(h, 'txn-read-open-test', uniqueName('txn-read-open-id'))
    await producer.connect()
    try {
      const tx = await producer.transaction()
      await tx.send({ topic: t, messages: [{ value: 'open-0' }, { value: 'open-1' }] })
      const latest = async (isolationLevel: 'read_committed' | 'read_uncommitted') =>
        (
          await h.call('messages.read', {
            connectionId: h.connectionId,
            topic: t,
            position: { type: 'latest' },
            limit: 2,
            valueDecoding: 'string',
            isolationLevel,
          })
        ).messages.map((m) => m.value?.text)
      expect(await latest('read_uncommitted')).toEqual(['open-0', 'open-1'])
      expect(await latest('read_committed')).toEqual(['stable-0', 'stable-1'])
      await tx.abort()
    } finally {
      await producer.disconnect()
    }
  })
})
