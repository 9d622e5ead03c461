// Topics, messages and produce through the console's handlers, on the embedded cluster (in
// process) or real Kafka (KAFKADESK_TARGET=kafka); results checked against Kafka's CLI tools
// when they are available (real Kafka runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch, type HandlerContext } from '../../src-main/ipc/contract'
import { lazyColumns } from '../../src-renderer/src/stores/messages'
import { kafkaTool } from '../interop/target'
import { startHarness, uniqueName, waitFor, type Harness } from './setup'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.stop()
})

describe('topics', () => {
  it('creates, lists, describes, adds partitions and deletes', async () => {
    const topic = uniqueName('t-admin')
    const created = await h.call('topics.create', {
      connectionId: h.connectionId,
      topic,
      partitions: 3,
      replicationFactor: 1,
      configs: { 'retention.ms': '3600000' },
    })
    expect(created.created).toBe(true)
    const dup = await h.tryCall('topics.create', { connectionId: h.connectionId, topic, partitions: 3, replicationFactor: 1 })
    expect(dup.ok).toBe(false)
    if (!dup.ok) expect(dup.error.code).toBe('KAFKA_TOPIC_ALREADY_EXISTS')

    const list = await h.call('topics.list', { connectionId: h.connectionId, search: topic.slice(0, 12) })
    expect(list.topics.find((t) => t.name === topic)).toMatchObject({ partitions: 3, replicationFactor: 1, internal: false })

    await h.call('produce.send', {
      connectionId: h.connectionId,
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: { format: 'string' as const, data: `v${i}` }, partition: i % 3 })),
    })
    const d = await h.call('topics.describe', { connectionId: h.connectionId, topic })
    expect(d.partitions.map((p) => p.partition)).toEqual([0, 1, 2])
    expect(d.partitions.map((p) => p.latestOffset)).toEqual([4, 3, 3])
    expect(d.partitions.every((p) => p.earliestOffset === 0 && p.isr.includes(p.leader) && p.replicas.length === 1)).toBe(true)
    expect(d.totalMessages).toBe(10)
    expect(d.totalSizeBytes).toBeGreaterThan(0)

    const preview = await h.call('topics.addPartitions', { connectionId: h.connectionId, topic, totalCount: 5, validateOnly: true })
    expect(preview).toMatchObject({ previousCount: 3, newCount: 5, applied: false })
    expect(preview.warning).toMatch(/partition/)
    const shrink = await h.tryCall('topics.addPartitions', { connectionId: h.connectionId, topic, totalCount: 2 })
    expect(shrink.ok === false && shrink.error.field).toBe('totalCount')
    await h.call('topics.addPartitions', { connectionId: h.connectionId, topic, totalCount: 5 })
    await waitFor(
      async () => (await h.call('topics.describe', { connectionId: h.connectionId, topic, withSizes: false })).partitions.length === 5,
      10_000,
      '5 partitions',
    )

    if (h.kind === 'kafka') {
      const cli = await kafkaTool('kafka-topics', ['--bootstrap-server', h.bootstrap, '--describe', '--topic', topic])
      expect(cli.stdout).toMatch(/PartitionCount:\s*5/)
      const d2 = await h.call('topics.describe', { connectionId: h.connectionId, topic })
      for (const p of d2.partitions) {
        const line = cli.stdout.split('\n').find((l) => new RegExp(`Partition:\\s*${p.partition}\\s`).test(l))!
        expect(line).toMatch(new RegExp(`Leader:\\s*${p.leader}\\s`))
        expect(line).toMatch(new RegExp(`Replicas:\\s*${p.replicas.join(',')}\\s`))
      }
      const offs = await kafkaTool('kafka-get-offsets', ['--bootstrap-server', h.bootstrap, '--topic', topic])
      for (const p of d2.partitions) expect(offs.stdout).toContain(`${topic}:${p.partition}:${p.latestOffset}`)
    }

    await h.call('topics.delete', { connectionId: h.connectionId, topics: [topic] })
    await waitFor(async () => !(await h.call('topics.list', { connectionId: h.connectionId })).topics.some((t) => t.name === topic), 10_000, 'topic gone')
    const missing = await h.tryCall('topics.describe', { connectionId: h.connectionId, topic: uniqueName('nope') })
    expect(missing.ok).toBe(false)
    if (!missing.ok) expect(missing.error.code).toMatch(/NOT_FOUND|KAFKA_UNKNOWN_TOPIC_OR_PARTITION/)
  })

  it('reports the cluster overview', async () => {
    const topic = uniqueName('t-overview')
    await h.call('topics.create', { connectionId: h.connectionId, topic, partitions: 2, replicationFactor: 1 })
    const o = await h.call('cluster.overview', { connectionId: h.connectionId })
    expect(o.brokers.length).toBeGreaterThanOrEqual(1)
    expect(o.topicCount).toBeGreaterThanOrEqual(1)
    expect(o.partitionCount).toBeGreaterThanOrEqual(2)
    expect(o.brokers.reduce((n, b) => n + b.leaders, 0)).toBe(o.partitionCount - o.offlinePartitions.length)
    expect(o.offlinePartitions).toEqual([])
  })
})

describe('messages', () => {
  const topic = uniqueName('t-msgs')
  const base = Date.now() - 60_000
  beforeAll(async () => {
    await h.call('topics.create', { connectionId: h.connectionId, topic, partitions: 3, replicationFactor: 1 })
    // 30 messages, timestamps 1 s apart, partitions round the clock, mixed encodings.
    await h.call('produce.send', {
      connectionId: h.connectionId,
      topic,
      compression: 'gzip',
      messages: Array.from({ length: 30 }, (_, i) => ({
        key: { format: 'string' as const, data: `k${i % 5}` },
        value: { format: 'json' as const, data: JSON.stringify({ i, user: { id: `u${i % 4}` }, text: i % 7 === 0 ? 'needle here' : 'hay' }) },
        headers: [{ key: 'source', value: i % 2 ? 'odd' : 'even' }],
        partition: i % 3,
        timestamp: base + i * 1000,
      })),
    })
  })

  it('reads by partition and offset, latest N, earliest and from a timestamp (merged by time)', async () => {
    const byOffset = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type: 'offset', partition: 1, offset: 3 }, limit: 4 })
    expect(byOffset.messages.map((m) => m.offset)).toEqual([3, 4, 5, 6])
    expect(byOffset.messages[0]!.value).toMatchObject({ format: 'json', json: { i: 10 } })
    expect(byOffset.messages[0]!.key).toMatchObject({ format: 'string', text: 'k0' })
    expect(byOffset.messages[0]!.headers).toEqual([{ key: 'source', value: 'even' }])
    expect(byOffset.partitions[0]).toMatchObject({ partition: 1, nextOffset: 7, latestOffset: 10 })

    const latest = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type: 'latest' }, limit: 5 })
    expect(latest.messages.map((m) => (m.value!.json as { i: number }).i)).toEqual([25, 26, 27, 28, 29])

    const earliest = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type: 'earliest' }, limit: 4 })
    expect(earliest.messages.map((m) => (m.value!.json as { i: number }).i)).toEqual([0, 1, 2, 3])

    const fromTs = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type: 'timestamp', timestamp: base + 12_500 }, limit: 6 })
    expect(fromTs.messages.map((m) => (m.value!.json as { i: number }).i)).toEqual([13, 14, 15, 16, 17, 18])
    for (let i = 1; i < fromTs.messages.length; i++) expect(fromTs.messages[i]!.timestamp).toBeGreaterThanOrEqual(fromTs.messages[i - 1]!.timestamp)

    const hex = await h.call('messages.read', {
      connectionId: h.connectionId,
      topic,
      position: { type: 'offset', partition: 0, offset: 0 },
      limit: 1,
      keyDecoding: 'hex',
      valueDecoding: 'base64',
    })
    expect(hex.messages[0]!.key!.text).toBe(Buffer.from('k0').toString('hex'))
    expect(JSON.parse(Buffer.from(hex.messages[0]!.value!.text, 'base64').toString())).toMatchObject({ i: 0 })
  })

  it('searches with a filter, reports progress, and can be cancelled', async () => {
    const r = await h.call('messages.search', { connectionId: h.connectionId, topic, start: { type: 'earliest' }, filter: { value: 'NEEDLE' }, searchId: 's1' })
    expect(r.matches.map((m) => (m.value!.json as { i: number }).i)).toEqual([0, 7, 14, 21, 28])
    expect(r.scanned).toBe(30)
    const prog = h.events.of('search.progress').filter((p) => p.searchId === 's1')
    expect(prog.at(-1)).toMatchObject({ done: true, scanned: 30, matched: 5, total: 30 })

    const json = await h.call('messages.search', {
      connectionId: h.connectionId,
      topic,
      start: { type: 'earliest' },
      filter: { jsonPath: 'user.id', jsonEquals: 'u1', headerKey: 'source', headerValue: 'odd' },
    })
    expect(json.matches.map((m) => (m.value!.json as { i: number }).i)).toEqual([1, 5, 9, 13, 17, 21, 25, 29])

    const bounded = await h.call('messages.search', {
      connectionId: h.connectionId,
      topic,
      start: { type: 'earliest' },
      filter: { key: '^k[12]$', regex: true },
      maxResults: 3,
    })
    expect(bounded.matches).toHaveLength(3)
    expect(bounded.truncated).toBe(true)

    const p = h.call('messages.search', { connectionId: h.connectionId, topic, start: { type: 'earliest' }, filter: { value: 'zzz' }, searchId: 's-cancel' })
    await h.call('messages.searchCancel', { searchId: 's-cancel' })
    const cancelled = await p
    expect(cancelled.searchId).toBe('s-cancel')
  })

  it('tails new messages as events', async () => {
    const { tailId } = await h.call('messages.tailStart', { connectionId: h.connectionId, topic, intervalMs: 50 })
    await new Promise((r) => setTimeout(r, 300))
    await h.call('produce.send', {
      connectionId: h.connectionId,
      topic,
      messages: [{ key: { format: 'string', data: 'tail-key' }, value: { format: 'string', data: 'live!' } }],
    })
    const got = await waitFor(
      () =>
        h.events
          .of('tail.messages')
          .filter((e) => e.tailId === tailId)
          .flatMap((e) => e.messages)
          .find((m) => m.value?.text === 'live!'),
      15_000,
      'tail message',
    )
    expect(got.key?.text).toBe('tail-key')
    expect(await h.call('messages.tailStop', { tailId })).toEqual({ stopped: true })
    await waitFor(() => h.events.of('tail.status').some((s) => s.tailId === tailId && s.state === 'stopped'), 5_000, 'tail stopped')
  })

  it('exports a selection as JSON Lines and CSV', async () => {
    const sel = {
      type: 'selection' as const,
      connectionId: h.connectionId,
      topic,
      items: [
        { partition: 0, offset: 0 },
        { partition: 2, offset: 1 },
      ],
    }
    const jl = await h.call('messages.export', { format: 'jsonl', source: sel })
    const lines = jl.content
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ partition: 0, offset: 0, key: 'k0', value: { i: 0 } })
    expect(lines[1]).toMatchObject({ partition: 2, offset: 1, value: { i: 5 } })
    expect(jl.fileName).toMatch(/\.jsonl$/)
    const csv = await h.call('messages.export', { format: 'csv', source: sel })
    const rows = csv.content.trim().split('\r\n')
    expect(rows[0]).toBe('topic,partition,offset,timestamp,key,value,headers')
    expect(rows[1]).toContain(`${topic},0,0,`)
    expect(rows[1]).toContain('"{""i"":0')
  })
})

describe('big reads as columns (the messages table)', () => {
  const topic = uniqueName('t-columns')
  const PARTITIONS = 8
  const TOTAL = 24_000
  // Values of every kind the column reader tells apart: ASCII JSON (left to the page to parse),
  // text that starts like JSON but is not, plain text, UTF-8 beyond ASCII, binary, null.
  const value = (i: number) => {
    switch (i % 7) {
      case 0:
        return { format: 'string' as const, data: `{not json ${i}` }
      case 1:
        return { format: 'string' as const, data: `Grüße {"n":${i}}` }
      case 2:
        return { format: 'json' as const, data: JSON.stringify({ n: i, städte: ['Köln'] }) }
      case 3:
        return { format: 'hex' as const, data: `00ff10${(i % 256).toString(16).padStart(2, '0')}` }
      case 4:
        return null
      case 5:
        return { format: 'string' as const, data: `  [${i}, 1]` }
      default:
        return { format: 'json' as const, data: JSON.stringify({ n: i, car: `car-${i % 100}`, lat: 52.5 + i / 1e5 }) }
    }
  }
  beforeAll(async () => {
    await h.call('topics.create', { connectionId: h.connectionId, topic, partitions: PARTITIONS, replicationFactor: 1 })
    const base = Date.now() - 3_600_000
    for (let b = 0; b < TOTAL; b += 6000)
      await h.call('produce.send', {
        connectionId: h.connectionId,
        topic,
        compression: b % 12_000 ? 'none' : 'gzip',
        messages: Array.from({ length: 6000 }, (_, j) => {
          const i = b + j
          return {
            key: i % 11 === 0 ? null : { format: 'string' as const, data: `car-${i % 1000}` },
            value: value(i),
            headers: i % 500 === 0 ? [{ key: 'trace', value: `t${i}` }] : [],
            partition: i % PARTITIONS,
            // Not rising within a partition everywhere: the merge must sort, not just interleave.
            timestamp: base + i * 10 + (i % 13 === 0 ? 5000 : 0),
          }
        }),
      })
  }, 240_000)

  it('lists every record of every partition once, merged by time, newest N and oldest N', async () => {
    for (const type of ['latest', 'earliest'] as const) {
      const r = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type }, limit: 100_000, omitJson: true, asColumns: true })
      const c = r.columns!
      expect(c.offset).toHaveLength(TOTAL)
      const seen = new Set(c.offset.map((o, i) => `${c.partition[i]}:${o}`))
      expect(seen.size).toBe(TOTAL)
      for (let p = 0; p < PARTITIONS; p++) {
        const offs = c.offset.filter((_, i) => c.partition[i] === p).sort((a, b) => a - b)
        expect(offs).toEqual(Array.from({ length: TOTAL / PARTITIONS }, (_, k) => k))
      }
      for (let i = 1; i < TOTAL; i++) {
        const a = [c.timestamp[i - 1]!, c.partition[i - 1]!, c.offset[i - 1]!]
        const b = [c.timestamp[i]!, c.partition[i]!, c.offset[i]!]
        expect(a[0]! < b[0]! || (a[0] === b[0] && (a[1]! < b[1]! || (a[1] === b[1] && a[2]! < b[2]!)))).toBe(true)
      }
      expect(r.partitions.map((p) => p.nextOffset)).toEqual(Array(PARTITIONS).fill(TOTAL / PARTITIONS))
    }
    // A cut: the newest 1,000 of the merge, and the oldest 1,000.
    const all = await h.call('messages.read', {
      connectionId: h.connectionId,
      topic,
      position: { type: 'earliest' },
      limit: 100_000,
      omitJson: true,
      asColumns: true,
    })
    const key = (c: NonNullable<typeof all.columns>, i: number) => `${c.partition[i]}:${c.offset[i]}`
    const newest = await h.call('messages.read', {
      connectionId: h.connectionId,
      topic,
      position: { type: 'latest' },
      limit: 1000,
      omitJson: true,
      asColumns: true,
    })
    expect(newest.columns!.offset.map((_, i) => key(newest.columns!, i))).toEqual(
      all.columns!.offset.slice(TOTAL - 1000).map((_, i) => key(all.columns!, TOTAL - 1000 + i)),
    )
    const oldest = await h.call('messages.read', {
      connectionId: h.connectionId,
      topic,
      position: { type: 'earliest' },
      limit: 1000,
      omitJson: true,
      asColumns: true,
    })
    expect(oldest.columns!.offset.map((_, i) => key(oldest.columns!, i))).toEqual(all.columns!.offset.slice(0, 1000).map((_, i) => key(all.columns!, i)))
  }, 120_000)

  it('shows the same messages as the full answer, for auto, json and string decodings', async () => {
    for (const valueDecoding of ['auto', 'json', 'string', 'hex'] as const) {
      const req = {
        connectionId: h.connectionId,
        topic,
        position: { type: 'offset' as const, partition: 3, offset: 10 },
        limit: 700,
        valueDecoding,
        omitJson: true,
      }
      const full = await h.call('messages.read', req)
      const cols = await h.call('messages.read', { ...req, asColumns: true })
      // As the page gets it: through JSON text, read back lazily.
      const shown = lazyColumns(topic, JSON.parse(JSON.stringify(cols.columns)))
      expect(shown).toHaveLength(700)
      expect(JSON.parse(JSON.stringify(shown))).toEqual(JSON.parse(JSON.stringify(full.messages)))
      const formats = new Set(shown.map((m) => m.value?.format))
      if (valueDecoding === 'auto') expect([...formats].sort()).toEqual(['hex', 'json', 'string', undefined].sort())
      if (valueDecoding === 'json') expect(shown.some((m) => m.value?.error?.startsWith('not JSON'))).toBe(true)
    }
  }, 120_000)

  it('reads only the partitions asked for, and stops when cancelled', async () => {
    const some = await h.call('messages.read', {
      connectionId: h.connectionId,
      topic,
      position: { type: 'earliest' },
      partitions: [1, 6],
      limit: 100_000,
      asColumns: true,
    })
    expect(some.columns!.offset).toHaveLength((2 * TOTAL) / PARTITIONS)
    expect(new Set(some.columns!.partition)).toEqual(new Set([1, 6]))
    // Cancelled the moment the read reports its start (its first fetch then in flight).
    const opId = uniqueName('op')
    let cancel: Promise<unknown> | undefined
    const ctx: HandlerContext = {
      clientId: 'columns-cancel',
      sink: {
        emit: (event, p) => {
          if (event === 'operation.progress' && (p as { opId: string }).opId === opId && !cancel)
            cancel = dispatch(h.app.handlers, 'operations.cancel', { opId }, ctx)
        },
      },
    }
    const r = await dispatch(
      h.app.handlers,
      'messages.read',
      { connectionId: h.connectionId, topic, position: { type: 'earliest' }, limit: 100_000, asColumns: true, opId },
      ctx,
    )
    expect(await cancel).toEqual({ ok: true, value: { cancelled: true } })
    expect(r.ok === false && r.error.code).toBe('CANCELLED')
  }, 120_000)
})

describe('produce', () => {
  it('produces a batch from a template with key-based partitioning and compression', async () => {
    const topic = uniqueName('t-batch')
    await h.call('topics.create', { connectionId: h.connectionId, topic, partitions: 4, replicationFactor: 1 })
    for (const compression of ['snappy', 'lz4', 'zstd', 'none'] as const) {
      const r = await h.call('produce.batch', {
        connectionId: h.connectionId,
        topic,
        count: 50,
        compression,
        template: {
          key: { format: 'string', data: 'user-{{i}}' },
          value: { format: 'json', data: '{"n": {{i}}, "id": "{{uuid}}"}' },
          headers: [{ key: 'c', value: compression }],
        },
      })
      expect(r.produced).toBe(50)
      expect(r.partitions.reduce((n, p) => n + p.count, 0)).toBe(50)
    }
    const d = await h.call('topics.describe', { connectionId: h.connectionId, topic })
    expect(d.totalMessages).toBe(200)
    // Same key → same partition, like the Java client (murmur2).
    const all = await h.call('messages.read', { connectionId: h.connectionId, topic, position: { type: 'earliest' }, limit: 1000 })
    expect(all.messages).toHaveLength(200)
    const where = new Map<string, Set<number>>()
    for (const m of all.messages) where.set(m.key!.text, (where.get(m.key!.text) ?? new Set()).add(m.partition))
    expect([...where.values()].every((s) => s.size === 1)).toBe(true)
    expect(new Set(all.messages.map((m) => m.headers[0]!.value))).toEqual(new Set(['snappy', 'lz4', 'zstd', 'none']))
    if (h.kind === 'kafka') {
      // Kafka's own consumer reads what we wrote with every codec.
      const cli = await kafkaTool('kafka-console-consumer', [
        '--bootstrap-server',
        h.bootstrap,
        '--topic',
        topic,
        '--from-beginning',
        '--max-messages',
        '200',
        '--timeout-ms',
        '20000',
      ])
      expect(cli.stdout.trim().split('\n')).toHaveLength(200)
    }
  })

  it('republishes exact messages to another topic', async () => {
    const src = uniqueName('t-src')
    const dst = uniqueName('t-dst')
    await h.call('topics.create', { connectionId: h.connectionId, topic: src, partitions: 2, replicationFactor: 1 })
    await h.call('topics.create', { connectionId: h.connectionId, topic: dst, partitions: 2, replicationFactor: 1 })
    await h.call('produce.send', {
      connectionId: h.connectionId,
      topic: src,
      messages: [
        {
          key: { format: 'hex', data: '00ff10' },
          value: { format: 'number', data: '42' },
          headers: [{ key: 'h', value: 'x' }],
          partition: 1,
          timestamp: 1_700_000_000_000,
        },
        { key: null, value: null, partition: 0 },
      ],
    })
    const r = await h.call('produce.republish', {
      source: {
        connectionId: h.connectionId,
        topic: src,
        items: [
          { partition: 1, offset: 0 },
          { partition: 0, offset: 0 },
        ],
      },
      target: { connectionId: h.connectionId, topic: dst, keepPartition: true },
    })
    expect(r.produced).toBe(2)
    const got = await h.call('messages.read', {
      connectionId: h.connectionId,
      topic: dst,
      position: { type: 'earliest' },
      limit: 10,
      valueDecoding: 'number',
      includeRaw: true,
    })
    const m1 = got.messages.find((m) => m.partition === 1)!
    expect(m1.keyBase64).toBe(Buffer.from('00ff10', 'hex').toString('base64'))
    expect(m1.value!.text).toBe('42')
    expect(m1.timestamp).toBe(1_700_000_000_000)
    expect(m1.headers).toEqual([{ key: 'h', value: 'x' }])
    const m0 = got.messages.find((m) => m.partition === 0)!
    expect(m0.key).toBeNull()
    expect(m0.value).toBeNull()
  })

  it('rejects bad payloads with the field named', async () => {
    const r = await h.tryCall('produce.send', { connectionId: h.connectionId, topic: 'x', messages: [{ value: { format: 'json', data: '{nope' } }] })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatchObject({ code: 'VALIDATION', field: 'messages.0.value' })
  })
})
