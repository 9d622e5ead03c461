// The broker's own ceiling (part of BENCH_ONLY=cluster; alone with BENCH_ONLY=ceiling): how many
// MB/s one embedded broker takes in and serves when the load generator is not the bottleneck.
// The Java perf tool saturates a core of this machine on its own, so the generator here is
// librdkafka: several kcat processes at once, each producing a file of 1 KiB records (read from
// page cache) into its own partition with acks=1, then each reading its partition back from the
// beginning (the log is still in page cache). Printed beside what this machine can do at all:
// its disk's write rate (dd with conv=fdatasync into the data dir's filesystem) and one TCP
// stream over loopback (a node sender and receiver, 1 MiB writes), and the broker's CPU
// during each run: a broker near one full core is the bottleneck, one well below it is not.
// Also the CPU a write into page cache costs here, into memory as the machine has it and again
// into memory just freed: on a VM that hands free memory back to its host the first is several
// times the second (why the cluster runs drop the topic of the run before them, see cluster.ts).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import kafkajs from 'kafkajs'
import { run } from '../interop/target'
import { startBroker } from './broker'
import { cpuSeconds } from './memory'
import { childCpuSeconds } from './producer-perf'
import { num, table, type Row } from './report'

const GENERATORS = Number(process.env.BENCH_CEILING_GENERATORS ?? 4)
const RECORDS_PER_GENERATOR = Number(process.env.BENCH_CEILING_RECORDS ?? 150_000)
/**
 * 1 KiB records as in the rest of the bench, then 64 KiB ones (the same bytes in 1/64 of the
 * records): with small records a generator's per-record cost can bound the run before the broker.
 */
const RECORD_SIZES = [1024, 65536]
const DD_MB = 256
const PAGE_CACHE_MB = 2048
const LOOPBACK_MB = 1024

export interface CeilingRun {
  mbPerSec: number
  seconds: number
  /** The broker process's CPU over the run, as a share of one core. */
  brokerCores: number
}

export interface CeilingSize {
  recordSize: number
  recordsPerGenerator: number
  produce?: CeilingRun
  consume?: CeilingRun
}

export interface CeilingResults {
  settings: { generators: number; bytesPerGenerator: number }
  sizes: CeilingSize[]
  diskWriteMbPerSec?: number
  loopbackMbPerSec?: number
  /** CPU ms per MiB of a write into page cache: first into memory as it is, then into the same amount just freed. */
  pageCacheMsPerMb?: { first: number; reused: number }
  errors: string[]
}

const MB = 2 ** 20
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300)

/** Runs every command at once; resolves with the wall time once all exited 0 (rejects otherwise). */
async function allAtOnce(cmds: string[][]): Promise<number> {
  const t0 = performance.now()
  await Promise.all(
    cmds.map(
      ([cmd, ...args]) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'] })
          let err = ''
          child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-2000)))
          const timer = setTimeout(() => child.kill('SIGKILL'), 300_000)
          child.on('exit', (code, signal) => {
            clearTimeout(timer)
            if (code === 0) resolve()
            else reject(new Error(`${cmd} ${args.slice(0, 6).join(' ')} … exited with ${code ?? signal}: ${err.trim().split('\n').pop() ?? ''}`))
          })
        }),
    ),
  )
  return (performance.now() - t0) / 1000
}

/** Measures `fn` (wall seconds) and the broker's CPU over it. */
async function measured(brokerPid: number, bytes: number, fn: () => Promise<number>): Promise<CeilingRun> {
  const cpu0 = cpuSeconds(brokerPid)
  const seconds = await fn()
  return { mbPerSec: bytes / MB / seconds, seconds, brokerCores: (cpuSeconds(brokerPid) - cpu0) / seconds }
}

/** dd of DD_MB MiB of zeros into `dir`, flushed to the device before dd reports (conv=fdatasync). */
async function diskWriteRate(dir: string): Promise<number> {
  const file = join(dir, 'dd-write-test')
  try {
    const r = await run('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${DD_MB}`, 'conv=fdatasync'], { timeoutMs: 300_000 })
    // "268435456 bytes (268 MB, 256 MiB) copied, 1.234 s, 217 MB/s"
    const m = /(\d+) bytes .* copied, ([\d.]+) s/.exec(r.stderr)
    if (r.code !== 0 || !m) throw new Error(`dd failed: ${r.stderr.trim().split('\n').pop()}`)
    return Number(m[1]) / MB / Number(m[2])
  } finally {
    rmSync(file, { force: true })
  }
}

/**
 * CPU ms per MiB of dd writing PAGE_CACHE_MB MiB of zeros into a new file without flushing (the
 * page cache only, as a broker's append), once into memory as the machine has it, then, right
 * after deleting that file, into the memory it freed.
 */
async function pageCacheWriteCost(dir: string): Promise<{ first: number; reused: number }> {
  const one = async (name: string): Promise<number> => {
    const file = join(dir, name)
    const r = await run('bash', ['-c', 'dd if=/dev/zero of="$0" bs=1M count="$1" status=none && times', file, String(PAGE_CACHE_MB)], {
      timeoutMs: 300_000,
    })
    rmSync(file, { force: true })
    const cpuSec = childCpuSeconds(r.stdout)
    if (r.code !== 0 || cpuSec === undefined) throw new Error(`dd failed: ${r.stderr.trim().split('\n').pop()}`)
    return (cpuSec * 1000) / PAGE_CACHE_MB
  }
  const first = await one('page-cache-first')
  return { first, reused: await one('page-cache-reused') }
}

/** One TCP stream over loopback: a receiver in a child node process, 1 MiB writes from here. */
async function loopbackRate(): Promise<number> {
  // The receiver counts bytes and prints the seconds from the first byte to the last.
  const receiver = spawn(process.execPath, [
    '-e',
    `const s = require('node:net').createServer((c) => { let n = 0, t0 = 0; c.on('data', (d) => { if (!t0) t0 = performance.now(); n += d.length }); c.on('end', () => { process.stdout.write(JSON.stringify({ n, s: (performance.now() - t0) / 1000 }) + '\\n'); process.exit(0) }) }); s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'))`,
  ])
  const lines: string[] = []
  let buf = ''
  let exited = false
  let wake: (() => void) | undefined
  receiver.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d
    let i: number
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i))
      buf = buf.slice(i + 1)
    }
    wake?.()
  })
  receiver.once('exit', () => {
    exited = true
    wake?.()
  })
  const next = async (): Promise<string> => {
    while (lines.length === 0) {
      if (exited) throw new Error('the loopback receiver exited')
      await new Promise<void>((r) => (wake = r))
    }
    return lines.shift()!
  }
  try {
    const port = Number(await next())
    const socket = connect({ host: '127.0.0.1', port })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const chunk = Buffer.alloc(MB, 7)
    for (let i = 0; i < LOOPBACK_MB; i++) {
      if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r))
    }
    socket.end()
    const { n, s } = JSON.parse(await next()) as { n: number; s: number }
    return n / MB / s
  } finally {
    receiver.kill()
  }
}

export async function benchCeiling(log: (s: string) => void): Promise<CeilingResults> {
  const res: CeilingResults = { settings: { generators: GENERATORS, bytesPerGenerator: RECORDS_PER_GENERATOR * 1024 }, sizes: [], errors: [] }
  const scratch = mkdtempSync(join(tmpdir(), 'kafkadesk-bench-ceiling-'))
  try {
    try {
      res.diskWriteMbPerSec = await diskWriteRate(tmpdir())
      log(`ceiling: disk write (dd conv=fdatasync, ${DD_MB} MiB) ${res.diskWriteMbPerSec.toFixed(0)} MB/s`)
    } catch (e) {
      res.errors.push(`disk write rate: ${message(e)}`)
    }
    try {
      res.loopbackMbPerSec = await loopbackRate()
      log(`ceiling: loopback TCP, one stream ${res.loopbackMbPerSec.toFixed(0)} MB/s`)
    } catch (e) {
      res.errors.push(`loopback rate: ${message(e)}`)
    }
    try {
      res.pageCacheMsPerMb = await pageCacheWriteCost(scratch)
      const c = res.pageCacheMsPerMb
      log(
        `ceiling: a write into page cache, ${PAGE_CACHE_MB} MiB: ${c.first.toFixed(2)} ms CPU per MiB, again into the memory just freed ${c.reused.toFixed(2)}`,
      )
    } catch (e) {
      res.errors.push(`page cache write cost: ${message(e)}`)
    }
    const broker = await startBroker('embedded')
    try {
      for (const recordSize of RECORD_SIZES) {
        const size: CeilingSize = { recordSize, recordsPerGenerator: Math.round((RECORDS_PER_GENERATOR * 1024) / recordSize) }
        res.sizes.push(size)
        // One file of lines of recordSize bytes with the newline: kcat -l sends each line as a record.
        const file = join(scratch, `records-${recordSize}.txt`)
        writeFileSync(file, `${'k'.repeat(recordSize - 1)}\n`.repeat(size.recordsPerGenerator))
        const bytes = GENERATORS * size.recordsPerGenerator * (recordSize - 1)
        const topic = `bench-ceiling-${recordSize}-${Date.now().toString(36)}`
        const kafka = new kafkajs.Kafka({ clientId: 'kafkadesk-bench', brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING })
        const admin = kafka.admin()
        await admin.connect()
        try {
          await admin.createTopics({ topics: [{ topic, numPartitions: GENERATORS, replicationFactor: 1 }], waitForLeaders: true })
        } finally {
          await admin.disconnect()
        }
        // librdkafka batching for throughput: large batches, a short linger, acks=1, no compression.
        const producerArgs = [
          '-X',
          'acks=1',
          '-X',
          'linger.ms=5',
          '-X',
          'batch.size=1000000',
          '-X',
          'compression.codec=none',
          '-X',
          'queue.buffering.max.kbytes=262144',
        ]
        const producers = Array.from({ length: GENERATORS }, (_, p) => [
          'kcat',
          '-P',
          '-b',
          broker.bootstrap,
          '-t',
          topic,
          '-p',
          String(p),
          '-l',
          ...producerArgs,
          file,
        ])
        log(`ceiling: ${GENERATORS} kcat producers × ${num(size.recordsPerGenerator)} records of ${recordSize} B into one embedded broker`)
        try {
          size.produce = await measured(broker.brokerPid, bytes, () => allAtOnce(producers))
          log(`ceiling:   produce ${size.produce.mbPerSec.toFixed(0)} MB/s, broker ${(size.produce.brokerCores * 100).toFixed(0)}% of a core`)
        } catch (e) {
          res.errors.push(`produce ${recordSize} B: ${message(e)}`)
        }
        const consumers = Array.from({ length: GENERATORS }, (_, p) => [
          'kcat',
          '-C',
          '-b',
          broker.bootstrap,
          '-t',
          topic,
          '-p',
          String(p),
          '-o',
          'beginning',
          '-e',
          '-q',
          '-f',
          '',
          '-X',
          'fetch.max.bytes=52428800',
        ])
        try {
          size.consume = await measured(broker.brokerPid, bytes, () => allAtOnce(consumers))
          log(`ceiling:   consume ${size.consume.mbPerSec.toFixed(0)} MB/s, broker ${(size.consume.brokerCores * 100).toFixed(0)}% of a core`)
        } catch (e) {
          res.errors.push(`consume ${recordSize} B: ${message(e)}`)
        }
        rmSync(file, { force: true })
      }
    } finally {
      await broker.stop()
    }
  } catch (e) {
    res.errors.push(message(e))
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  return res
}

export function renderCeiling(res: CeilingResults): string {
  const s = res.settings
  const rows: Row[] = [['', 'MB/s', 'broker CPU (cores)', '÷ disk write', '÷ loopback']]
  const share = (x: number | undefined, of: number | undefined) => (x !== undefined && of ? `${(x / of).toFixed(2)}×` : '—')
  const runRow = (label: string, r: CeilingRun | undefined) =>
    rows.push([label, num(r?.mbPerSec, 0), num(r?.brokerCores, 2), share(r?.mbPerSec, res.diskWriteMbPerSec), share(r?.mbPerSec, res.loopbackMbPerSec)])
  rows.push([
    `## One embedded broker's ceiling: ${s.generators} kcat (librdkafka) processes at once, ${num(s.bytesPerGenerator / MB)} MiB each, one partition each`,
    '',
    '',
    '',
    '',
  ])
  for (const z of res.sizes) {
    runRow(`  produce, acks=1, ${num(z.recordsPerGenerator)} records of ${num(z.recordSize)} B each`, z.produce)
    runRow(`  consume from page cache, ${num(z.recordSize)} B records`, z.consume)
  }
  rows.push(['## This machine', '', '', '', ''])
  rows.push([`  disk write, dd ${DD_MB} MiB conv=fdatasync (data dir's filesystem)`, num(res.diskWriteMbPerSec, 0), '', '', ''])
  rows.push([`  loopback TCP, one stream of ${LOOPBACK_MB} MiB (node → node)`, num(res.loopbackMbPerSec, 0), '', '', ''])
  const pc = res.pageCacheMsPerMb
  rows.push([`  a write into page cache (dd ${PAGE_CACHE_MB} MiB, no flush), CPU ms per MiB`, num(pc?.first, 2), '', '', ''])
  rows.push(['  … again, into the memory that write just freed', num(pc?.reused, 2), '', '', ''])
  let out = table(rows)
  out += "\nThe generators share the machine's cores with the broker: its CPU column says how close it is to one core, its own ceiling."
  if (res.errors.length) out += `\n\nCould not run:\n${res.errors.map((x) => `  - ceiling: ${x}`).join('\n')}`
  return out
}
