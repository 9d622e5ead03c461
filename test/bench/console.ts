// The console's own targets (issue 4), measured through its services the way the UI calls
// them: a console built by createConsole(), a saved remote connection to the broker under test
// (the embedded broker runs as a process, so both clusters are reached the same way), and
// every call made with dispatch() on the contract channels.
//  - first page: `messages.read` of 500 messages at an offset of a 1,000,000-record partition;
//    cold = the first read of the connection (offset 0), warm = median of reads spread over
//    the partition afterwards.
//  - table: `messages.read` of the latest 100,000 as the messages table asks (asColumns), and as
//    tuples (asRows) for comparison: handler time, answer size, JSON stringify and parse.
//  - filter: `messages.search` over the whole partition with a value filter (substring, the
//    common case) and a JSON-path filter (parses every value); records/s = scanned ÷ the
//    search's own durationMs. Both filters match 1 record in 10,000, so the scan runs to the end.
//  - lag: 100 groups with committed offsets for all 100 partitions of a topic (raw OffsetCommit,
//    no consumers), then `groups.list` with lag — the refresh of the groups view, which computes
//    every group's lag — cold (first) and warm (median of 3).
// Data is loaded with kcat -P (librdkafka) from a generated file of small JSON records.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { dispatch, EMBEDDED_CONNECTION_ID, type ChannelName, type EventSink, type RequestOf, type ResponseOf } from '../../src-main/ipc/contract'
import { createConsole, type ConsoleApp } from '../../src-main/console/handlers'
import { ApiKey, RawClient } from '../../src-main/console/raw-client'
import { runOk } from '../interop/target'

export const CONSOLE_RECORDS = Number(process.env.BENCH_CONSOLE_RECORDS ?? 1_000_000)
export const PAGE = 500
/** Rows of the messages table's big read (its limit is 100,000). */
export const TABLE_ROWS = 100_000
export const LAG_GROUPS = 100
export const LAG_PARTITIONS = 100
/** Records spread over the lag topic so that log end offsets (and lag) are not all 0. */
const LAG_TOPIC_RECORDS = 20_000
const WARM_READS = 9
const WARM_LAG_REFRESHES = 3
/** One record in RARE is a "platinum" user: what both filters look for. */
const RARE = 10_000

export const TARGETS = { firstPageMs: 150, filterRecordsPerSec: 200_000, lagRefreshMs: 1000, tableListMs: 1000 } as const

export interface FilterResult {
  label: string
  scanned: number
  matched: number
  durationMs: number
  recordsPerSec: number
}

export interface ConsoleResults {
  records: number
  avgRecordBytes: number
  /** kcat -P of the records into one partition. */
  loadSec?: number
  firstPage?: { offset: number; coldMs: number; warmMedianMs: number; warmMs: number[]; messages: number }
  /** The messages table's big read (latest TABLE_ROWS), per answer form: the handler, then the answer as JSON text and back. */
  table?: { rows: number; forms: { form: string; handlerMs: number; stringifyMs: number; parseMs: number; answerMB: number }[] }
  filters: FilterResult[]
  lag?: { groups: number; partitions: number; coldMs: number; warmMedianMs: number; warmMs: number[]; totalLag: number; describeMs: number }
  errors: string[]
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
/** A figure against its target (lower is better): "612 ms = 0.61 × the 1000 ms target". */
const ratio = (ms: number, target: number): string => `${ms.toFixed(0)} ms = ${(ms / target).toFixed(2)} × the ${target} ms target`
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300)

let payload: { dir: string; file: string; avgBytes: number } | undefined

/** One JSON record per line, ~150 bytes, generated once per bench run (shared by both brokers). */
function payloadFile(records: number): { file: string; avgBytes: number } {
  if (payload) return payload
  const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-bench-console-'))
  const file = join(dir, 'records.jsonl')
  const countries = ['DE', 'FR', 'NO', 'US', 'BR', 'JP', 'IN', 'ZA']
  const events = ['view', 'click', 'add_to_cart', 'checkout', 'refund']
  const chunks: string[] = []
  let bytes = 0
  let lines: string[] = []
  const t = Date.UTC(2025, 0, 1)
  for (let i = 0; i < records; i++) {
    const tier = i % RARE === RARE - 1 ? 'platinum' : i % 3 ? 'silver' : 'gold'
    const line = `{"id":${i},"ts":${t + i * 10},"user":{"id":"u-${String(i % 99_991).padStart(5, '0')}","tier":"${tier}"},"event":"${events[i % 5]}","country":"${countries[i % 8]}","amount":${((i * 37) % 100_000) / 100},"session":"${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}"}`
    bytes += line.length
    lines.push(line)
    if (lines.length === 50_000) {
      chunks.push(lines.join('\n'))
      lines = []
    }
  }
  if (lines.length) chunks.push(lines.join('\n'))
  writeFileSync(file, chunks.join('\n') + '\n')
  payload = { dir, file, avgBytes: bytes / records }
  process.once('exit', cleanupConsoleBench) // ~140 MB: not left behind by a crashed bench
  return payload
}

export function cleanupConsoleBench(): void {
  if (payload) rmSync(payload.dir, { recursive: true, force: true })
  payload = undefined
}

class Calls {
  readonly events: { event: string; payload: unknown }[] = []
  private readonly sink: EventSink = { emit: (event, p) => void this.events.push({ event, payload: p }) }
  constructor(readonly app: ConsoleApp) {}
  async call<C extends ChannelName>(channel: C, req: Omit<RequestOf<C>, never> | Record<string, unknown>): Promise<ResponseOf<C>> {
    const r = await dispatch(this.app.handlers, channel, req, { sink: this.sink, clientId: 'bench' })
    if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`)
    return r.value as ResponseOf<C>
  }
  async timed<C extends ChannelName>(channel: C, req: Record<string, unknown>): Promise<{ ms: number; value: ResponseOf<C> }> {
    const t = performance.now()
    const value = await this.call(channel, req)
    return { ms: performance.now() - t, value }
  }
}

/** Commits offsets for all partitions of `topic` in `groups` groups (simple commits: no members). */
async function commitGroups(bootstrap: string, topic: string, groups: string[], partitions: number): Promise<void> {
  const c = await RawClient.connect(bootstrap, { clientId: 'kafkadesk-bench-lag', requestTimeoutMs: 60_000 })
  const clients = new Map<string, RawClient>([[bootstrap, c]])
  try {
    // A fresh Kafka creates __consumer_offsets on the first FindCoordinator and answers
    // COORDINATOR_NOT_AVAILABLE / NOT_COORDINATOR / LOAD_IN_PROGRESS until it is loaded.
    const retriable = new Set([14, 15, 16])
    const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms))
    for (const [gi, group] of groups.entries()) {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 300) throw new Error(`${group}: coordinator not available after ${attempt} attempts`)
        const f = await c.request(ApiKey.FindCoordinator, c.version(ApiKey.FindCoordinator, 3), { key: group, keyType: 0 })
        if (f.errorCode) {
          if (!retriable.has(f.errorCode)) throw new Error(`FindCoordinator ${group}: error ${f.errorCode}`)
          await sleep(100)
          continue
        }
        const address = `${f.host}:${f.port}`
        let coord = clients.get(address)
        if (!coord) clients.set(address, (coord = await RawClient.connect(address, { clientId: 'kafkadesk-bench-lag', requestTimeoutMs: 60_000 })))
        // Committed offsets 0..99, different per group and partition: lag = log end − that.
        const r = await coord.request(ApiKey.OffsetCommit, coord.version(ApiKey.OffsetCommit, 8, 2), {
          groupId: group,
          generationIdOrMemberEpoch: -1,
          memberId: '',
          groupInstanceId: null,
          retentionTimeMs: -1,
          topics: [
            {
              name: topic,
              partitions: Array.from({ length: partitions }, (_, p) => ({
                partitionIndex: p,
                committedOffset: (gi + p) % 100,
                committedLeaderEpoch: -1,
                committedMetadata: '',
              })),
            },
          ],
        })
        const codes: number[] = r.topics.flatMap((t: { partitions: { errorCode: number }[] }) => t.partitions.map((p) => p.errorCode))
        const bad = codes.find((x) => x)
        if (bad === undefined) break
        if (!retriable.has(bad)) throw new Error(`OffsetCommit ${group}: error ${bad}`)
        await sleep(100)
      }
    }
  } finally {
    for (const x of clients.values()) x.close()
  }
}

export async function benchConsole(bootstrap: string, log: (s: string) => void): Promise<ConsoleResults> {
  const { file, avgBytes } = payloadFile(CONSOLE_RECORDS)
  const res: ConsoleResults = { records: CONSOLE_RECORDS, avgRecordBytes: Math.round(avgBytes), filters: [], errors: [] }
  const dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-bench-console-data-'))
  const app = createConsole({ dataDir, lagIntervalMs: 0 })
  const c = new Calls(app)
  const stamp = Date.now().toString(36)
  const topic = `bench-console-${stamp}`
  const lagTopic = `bench-console-lag-${stamp}`
  try {
    const { connection } = await c.call('connections.save', { name: 'bench', bootstrapServers: [bootstrap] })
    const connectionId = connection.id
    await c.call('connections.open', { connectionId })
    await c.call('topics.create', { connectionId, topic, partitions: 1, replicationFactor: 1 })
    await c.call('topics.create', { connectionId, topic: lagTopic, partitions: LAG_PARTITIONS, replicationFactor: 1 })

    // Load: one partition, kcat with librdkafka's defaults (acks=all) plus bigger batches.
    log(`console: loading ${CONSOLE_RECORDS} records (~${Math.round(avgBytes)} B JSON) into ${topic}-0 with kcat`)
    const kcatProps = ['-X', 'linger.ms=20', '-X', 'batch.size=1000000', '-X', 'queue.buffering.max.messages=500000']
    let t = performance.now()
    await runOk('kcat', ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-l', ...kcatProps, file], { timeoutMs: 180_000 })
    res.loadSec = (performance.now() - t) / 1000
    log(`console:   loaded in ${res.loadSec.toFixed(1)} s (${Math.round(CONSOLE_RECORDS / res.loadSec)} rec/s)`)

    // First page of 500: cold = the connection's first read; warm = reads spread over the log.
    try {
      const read = (offset: number) => c.timed('messages.read', { connectionId, topic, position: { type: 'offset', partition: 0, offset }, limit: PAGE })
      const cold = await read(0)
      const end = cold.value.partitions[0]?.latestOffset
      if (end !== CONSOLE_RECORDS) throw new Error(`partition 0 ends at ${end}, expected ${CONSOLE_RECORDS}`)
      if (cold.value.messages.length !== PAGE) throw new Error(`first page has ${cold.value.messages.length} messages`)
      const warm: number[] = []
      for (let i = 0; i < WARM_READS; i++) {
        const offset = Math.floor(((i + 0.5) / WARM_READS) * (CONSOLE_RECORDS - PAGE))
        const r = await read(offset)
        if (r.value.messages.length !== PAGE || r.value.messages[0]!.offset !== offset)
          throw new Error(`page at ${offset}: ${r.value.messages.length} messages from ${r.value.messages[0]?.offset}`)
        warm.push(r.ms)
      }
      res.firstPage = { offset: 0, coldMs: cold.ms, warmMedianMs: median(warm), warmMs: warm.map((x) => Math.round(x * 10) / 10), messages: PAGE }
      log(`console:   first page of ${PAGE}: cold ${cold.ms.toFixed(1)} ms, warm median ${median(warm).toFixed(1)} ms`)
    } catch (e) {
      res.errors.push(`first page: ${message(e)}`)
    }

    // The table's big read: the latest TABLE_ROWS as the page asks for them (columns), and as
    // tuples for comparison; the web binding sends the answer as JSON text, which the page parses.
    try {
      const rows = Math.min(TABLE_ROWS, CONSOLE_RECORDS)
      const forms: NonNullable<ConsoleResults['table']>['forms'] = []
      for (const [form, shape] of [
        ['columns', { asColumns: true }],
        ['rows', { asRows: true }],
      ] as const) {
        const r = await c.timed('messages.read', { connectionId, topic, position: { type: 'latest' }, limit: rows, omitJson: true, ...shape })
        const n = r.value.columns?.offset.length ?? r.value.rows?.length ?? 0
        if (n !== rows) throw new Error(`${form}: ${n} rows, expected ${rows}`)
        let t0 = performance.now()
        const text = JSON.stringify({ id: 1, ok: true, result: r.value })
        const stringifyMs = performance.now() - t0
        t0 = performance.now()
        JSON.parse(text)
        const parseMs = performance.now() - t0
        forms.push({
          form,
          handlerMs: Math.round(r.ms),
          stringifyMs: Math.round(stringifyMs),
          parseMs: Math.round(parseMs),
          answerMB: Math.round(text.length / 1e5) / 10,
        })
        log(
          `console:   table read of ${rows} as ${form}: handler ${r.ms.toFixed(0)} ms, stringify ${stringifyMs.toFixed(0)} ms, parse ${parseMs.toFixed(0)} ms, ${(text.length / 1e6).toFixed(1)} MB; handler + stringify + parse ${ratio(r.ms + stringifyMs + parseMs, TARGETS.tableListMs)}`,
        )
      }
      res.table = { rows, forms }
    } catch (e) {
      res.errors.push(`table read: ${message(e)}`)
    }

    // Filters over the whole partition.
    const filters: { label: string; filter: Record<string, unknown> }[] = [
      { label: 'value contains "PLATINUM" (case-insensitive)', filter: { value: 'PLATINUM' } },
      { label: 'JSON path user.tier = "platinum"', filter: { jsonPath: 'user.tier', jsonEquals: 'platinum' } },
    ]
    for (const f of filters) {
      try {
        const r = await c.call('messages.search', {
          connectionId,
          topic,
          start: { type: 'earliest' },
          filter: f.filter,
          maxScan: CONSOLE_RECORDS,
          maxResults: 10_000,
        })
        const expected = Math.floor(CONSOLE_RECORDS / RARE)
        if (r.scanned !== CONSOLE_RECORDS || r.matches.length !== expected)
          throw new Error(`scanned ${r.scanned}, matched ${r.matches.length} (expected ${CONSOLE_RECORDS}, ${expected})`)
        const fr = { label: f.label, scanned: r.scanned, matched: r.matches.length, durationMs: r.durationMs, recordsPerSec: r.scanned / (r.durationMs / 1000) }
        res.filters.push(fr)
        log(`console:   filter ${f.label}: ${Math.round(fr.recordsPerSec)} records/s (${(fr.durationMs / 1000).toFixed(2)} s)`)
      } catch (e) {
        res.errors.push(`filter ${f.label}: ${message(e)}`)
      }
    }

    // Lag of 100 groups × 100 partitions.
    try {
      const lines: string[] = []
      for (let i = 0; i < LAG_TOPIC_RECORDS; i++) lines.push(`{"n":${i}}`)
      const lagFile = join(dataDir, 'lag.jsonl')
      writeFileSync(lagFile, lines.join('\n') + '\n')
      await runOk('kcat', ['-P', '-b', bootstrap, '-t', lagTopic, '-l', lagFile], { timeoutMs: 60_000 })
      const groups = Array.from({ length: LAG_GROUPS }, (_, i) => `bench-lag-${stamp}-${String(i).padStart(3, '0')}`)
      t = performance.now()
      await commitGroups(bootstrap, lagTopic, groups, LAG_PARTITIONS)
      log(`console: ${LAG_GROUPS} groups × ${LAG_PARTITIONS} partitions committed in ${((performance.now() - t) / 1000).toFixed(1)} s`)
      const refresh = async () => {
        const r = await c.timed('groups.list', { connectionId, search: `bench-lag-${stamp}`, withLag: true })
        const gs = r.value.groups
        if (gs.length !== LAG_GROUPS || gs.some((g) => g.totalLag === null))
          throw new Error(`groups.list: ${gs.length} groups, ${gs.filter((g) => g.totalLag === null).length} without lag`)
        return { ms: r.ms, totalLag: gs.reduce((n, g) => n + g.totalLag!, 0) }
      }
      const cold = await refresh()
      const warm: number[] = []
      for (let i = 0; i < WARM_LAG_REFRESHES; i++) warm.push((await refresh()).ms)
      const d = await c.timed('groups.describe', { connectionId, groupId: groups[0]! })
      if (d.value.offsets.length !== LAG_PARTITIONS) throw new Error(`groups.describe: ${d.value.offsets.length} partitions`)
      res.lag = {
        groups: LAG_GROUPS,
        partitions: LAG_PARTITIONS,
        coldMs: cold.ms,
        warmMedianMs: median(warm),
        warmMs: warm.map((x) => Math.round(x)),
        totalLag: cold.totalLag,
        describeMs: d.ms,
      }
      log(
        `console:   lag refresh (groups.list): cold ${cold.ms.toFixed(0)} ms, warm median ${median(warm).toFixed(0)} ms; describe one group ${d.ms.toFixed(0)} ms`,
      )
    } catch (e) {
      res.errors.push(`lag: ${message(e)}`)
    }
  } catch (e) {
    res.errors.push(message(e))
  } finally {
    await app.shutdown().catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
  }
  return res
}

/** The realistic table read: TABLE_ROWS JSON records of ~200 B over TABLE_PARTITIONS partitions of a 3-broker cluster. */
export const TABLE_PARTITIONS = 50
const TABLE_RUNS = 3

export interface TableResults {
  rows: number
  partitions: number
  brokers: number
  loadAvg1m: number[]
  /** Per run: the handler (Fetch, decoding, columns), then the answer as JSON text and back, as the web binding and the page do. */
  runs: { handlerMs: number; stringifyMs: number; parseMs: number; answerMB: number }[]
  medianHandlerMs: number
  medianServerToPageMs: number
}

/**
 * BENCH_ONLY=table: the messages table's read of the latest 100,000 records of a 50-partition
 * topic on the console's own 3-broker embedded cluster, as the page asks for it (asColumns,
 * omitJson), TABLE_RUNS times; prints each figure and the median against the 1 s target of
 * the 100,000-row listing (the page's own share, storing and painting, is measured by
 * test/e2e/messages-scale.test.ts in Chromium).
 */
export async function benchTableMain(log: (s: string) => void): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-bench-table-'))
  const app = createConsole({ dataDir, lagIntervalMs: 0, embedded: { brokers: 3, port: 0 } })
  const c = new Calls(app)
  const connectionId = EMBEDDED_CONNECTION_ID
  const topic = `bench-table-${Date.now().toString(36)}`
  const res: TableResults = { rows: TABLE_ROWS, partitions: TABLE_PARTITIONS, brokers: 3, loadAvg1m: [], runs: [], medianHandlerMs: 0, medianServerToPageMs: 0 }
  try {
    await c.call('embedded.start', { brokers: 3 })
    await c.call('topics.create', { connectionId, topic, partitions: TABLE_PARTITIONS, replicationFactor: 1 })
    log(`table: producing ${TABLE_ROWS} JSON records of ~200 B to ${TABLE_PARTITIONS} partitions on 3 brokers`)
    const t0 = Date.UTC(2026, 0, 1)
    for (let b = 0; b < TABLE_ROWS; b += 10_000)
      await c.call('produce.send', {
        connectionId,
        topic,
        messages: Array.from({ length: 10_000 }, (_, j) => {
          const i = b + j
          const car = `car-${String(i % 1000).padStart(4, '0')}`
          const fix = {
            car,
            n: i,
            ts: t0 + i * 10,
            lat: 52.5 + (i % 997) / 1e4,
            lon: 13.4 + (i % 991) / 1e4,
            speed: i % 130,
            heading: i % 360,
            driver: { id: `d-${i % 777}`, shift: 'early' },
          }
          return {
            key: { format: 'string' as const, data: car },
            value: { format: 'json' as const, data: JSON.stringify(fix) },
            partition: i % TABLE_PARTITIONS,
          }
        }),
      })
    for (let run = 0; run < TABLE_RUNS; run++) {
      res.loadAvg1m.push(Math.round(loadavg()[0]! * 10) / 10)
      const r = await c.timed('messages.read', { connectionId, topic, position: { type: 'latest' }, limit: TABLE_ROWS, omitJson: true, asColumns: true })
      const cols = r.value.columns
      if (cols?.offset.length !== TABLE_ROWS) throw new Error(`run ${run}: ${cols?.offset.length} rows, expected ${TABLE_ROWS}`)
      let t = performance.now()
      const text = JSON.stringify({ id: 1, ok: true, result: r.value })
      const stringifyMs = performance.now() - t
      t = performance.now()
      JSON.parse(text)
      const parseMs = performance.now() - t
      res.runs.push({
        handlerMs: Math.round(r.ms),
        stringifyMs: Math.round(stringifyMs),
        parseMs: Math.round(parseMs),
        answerMB: Math.round(text.length / 1e5) / 10,
      })
      log(
        `table:   run ${run + 1} (load ${res.loadAvg1m[run]}): handler ${r.ms.toFixed(0)} ms, stringify ${stringifyMs.toFixed(0)} ms, parse ${parseMs.toFixed(0)} ms, ${(text.length / 1e6).toFixed(1)} MB`,
      )
    }
    res.medianHandlerMs = median(res.runs.map((x) => x.handlerMs))
    res.medianServerToPageMs = median(res.runs.map((x) => x.handlerMs + x.stringifyMs + x.parseMs))
    log(`table: median handler ${ratio(res.medianHandlerMs, TARGETS.tableListMs)}`)
    log(`table: median handler + stringify + parse ${ratio(res.medianServerToPageMs, TARGETS.tableListMs)} (load ${res.loadAvg1m.join(', ')})`)
    process.stdout.write(`\n${JSON.stringify(res)}\n`)
    return 0
  } catch (e) {
    log(`table: ${message(e)}`)
    return 1
  } finally {
    await app.shutdown().catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
  }
}
