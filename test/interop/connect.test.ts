// Kafka Connect 4.1 (connect-runtime and connect-file from Maven, scripts/kafka/fetch.sh) on the
// target: FileStreamSource → topic → FileStreamSink, output file checked line for line.
//  - standalone: one worker process with both connectors from properties files;
//  - distributed: a worker whose connectors are created over its REST API, keeping their
//    configs, offsets and status in the three compacted topics Connect creates; the worker is
//    stopped, more lines are written, and a new worker resumes from the stored offsets (no line
//    lost or repeated). Both run the same against the embedded cluster and Apache Kafka 4.1.
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, kafkaTool, kcat, repoRoot, startTarget, uniqueTopic, type Target } from './target.ts'

let target: Target
let dir: string
const workers = new Set<ChildProcess>()

beforeAll(async () => {
  target = await startTarget()
  dir = mkdtempSync(join(tmpdir(), 'kafkadesk-connect-'))
})

afterAll(async () => {
  for (const w of workers) await stopWorker(w)
  await target?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

function props(file: string, values: Record<string, string | number>): string {
  const path = join(dir, file)
  writeFileSync(
    path,
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  )
  return path
}

/** Starts a Connect worker (ConnectStandalone or ConnectDistributed) on Kafka's jars; stderr is kept for failures. */
function startWorker(mainClass: string, args: string[]): ChildProcess & { log: () => string } {
  const child = spawn('bash', [join(repoRoot, 'scripts', 'kafka', 'kafka-run.sh'), mainClass, ...args], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_HEAP_OPTS: '-Xmx256m' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-20000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  workers.add(child)
  return Object.assign(child, { log: () => log })
}

/** SIGTERM (Connect stops its tasks and commits their offsets), SIGKILL after 30 s. */
async function stopWorker(w: ChildProcess): Promise<void> {
  workers.delete(w)
  if (w.exitCode !== null || w.signalCode !== null) return
  const exited = new Promise<void>((r) => w.once('exit', () => r()))
  w.kill('SIGTERM')
  const timer = setTimeout(() => w.kill('SIGKILL'), 30_000)
  await exited
  clearTimeout(timer)
}

const lines = (from: number, to: number, tag: string) => Array.from({ length: to - from }, (_, i) => `${tag} line ${from + i} ${'x'.repeat((from + i) % 17)}`)

function fileLines(path: string): string[] {
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
}

async function untilOutput(path: string, want: string[], worker: { log: () => string }, timeoutMs = 90_000): Promise<void> {
  await eventually(
    async () => {
      const got = fileLines(path)
      if (got.length < want.length) throw new Error(`${got.length} of ${want.length} lines in ${path}\n${worker.log().slice(-3000)}`)
    },
    timeoutMs,
    500,
  )
  expect(fileLines(path)).toEqual(want)
}

const workerBase = () => ({
  'bootstrap.servers': target.bootstrap,
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'offset.flush.interval.ms': 500,
})

describe('Kafka Connect', () => {
  it('standalone: FileStreamSource → topic → FileStreamSink copies a file line for line, also lines appended while it runs', async () => {
    const topic = uniqueTopic('connect-standalone')
    const input = join(dir, 'standalone-in.txt')
    const output = join(dir, 'standalone-out.txt')
    const first = lines(0, 300, 'standalone')
    writeFileSync(input, first.join('\n') + '\n')
    await kafkaTool('kafka-topics', ['--bootstrap-server', target.bootstrap, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
    const worker = startWorker('org.apache.kafka.connect.cli.ConnectStandalone', [
      props('standalone-worker.properties', {
        ...workerBase(),
        'offset.storage.file.filename': join(dir, 'standalone.offsets'),
        listeners: `http://127.0.0.1:${await freePort()}`,
      }),
      props('standalone-source.properties', { name: 'standalone-file-source', 'connector.class': 'FileStreamSource', 'tasks.max': 1, file: input, topic }),
      props('standalone-sink.properties', { name: 'standalone-file-sink', 'connector.class': 'FileStreamSink', 'tasks.max': 1, file: output, topics: topic }),
    ])
    await untilOutput(output, first, worker)
    const more = lines(300, 400, 'standalone')
    appendFileSync(input, more.join('\n') + '\n')
    await untilOutput(output, [...first, ...more], worker)
    // the topic holds each line once, as the source read it
    const read = await kcat(['-b', target.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n'])
    expect(read.stdout.split('\n').filter((l) => l !== '')).toEqual([...first, ...more])
    await stopWorker(worker)
  }, 240_000)

  it('distributed: connectors over REST, state in compacted config/offset/status topics, and a restarted worker resumes from the stored offsets', async () => {
    const id = uniqueTopic('connect')
    const topic = `${id}-data`
    const input = join(dir, 'distributed-in.txt')
    const output = join(dir, 'distributed-out.txt')
    const first = lines(0, 200, 'distributed')
    writeFileSync(input, first.join('\n') + '\n')
    await kafkaTool('kafka-topics', ['--bootstrap-server', target.bootstrap, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])
    const internal = { config: `${id}-configs`, offset: `${id}-offsets`, status: `${id}-status` }
    const port = await freePort()
    const workerProps = props('distributed-worker.properties', {
      ...workerBase(),
      'group.id': `${id}-cluster`,
      'config.storage.topic': internal.config,
      'offset.storage.topic': internal.offset,
      'status.storage.topic': internal.status,
      'config.storage.replication.factor': 1,
      'offset.storage.replication.factor': 1,
      'status.storage.replication.factor': 1,
      listeners: `http://127.0.0.1:${port}`,
    })
    const rest = `http://127.0.0.1:${port}`
    const start = async () => {
      const w = startWorker('org.apache.kafka.connect.cli.ConnectDistributed', [workerProps])
      await eventually(
        async () => {
          const r = await fetch(`${rest}/connectors`).catch((e: Error) => {
            throw new Error(`worker REST not up: ${e.message}\n${w.log().slice(-2000)}`)
          })
          if (!r.ok) throw new Error(`GET /connectors: ${r.status}`)
        },
        120_000,
        500,
      )
      return w
    }
    let worker = await start()
    const create = async (name: string, config: Record<string, string>) => {
      const r = await fetch(`${rest}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, config }) })
      expect(r.status, await r.text()).toBe(201)
    }
    await create('file-source', { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic })
    await create('file-sink', { 'connector.class': 'FileStreamSink', 'tasks.max': '1', file: output, topics: topic })
    await untilOutput(output, first, worker)
    for (const name of ['file-source', 'file-sink']) {
      const s = (await (await fetch(`${rest}/connectors/${name}/status`)).json()) as { connector: { state: string }; tasks: Array<{ state: string }> }
      expect(s.connector.state).toBe('RUNNING')
      expect(s.tasks.map((t) => t.state)).toEqual(['RUNNING'])
    }
    // Connect made its three internal topics compacted (it checks that itself at start-up)
    for (const t of Object.values(internal)) {
      const d = await kafkaTool('kafka-configs', ['--bootstrap-server', target.bootstrap, '--describe', '--entity-type', 'topics', '--entity-name', t])
      expect(d.stdout, t).toMatch(/cleanup\.policy=compact/)
    }
    // the source's position in the file is in the offsets topic once flushed
    await eventually(
      async () => {
        const r = await kcat(['-b', target.bootstrap, '-C', '-t', internal.offset, '-o', 'beginning', '-e', '-q', '-f', '%k %s\n'])
        expect(r.stdout).toMatch(/"file-source".*"position":\d+/)
      },
      30_000,
      500,
    )
    await stopWorker(worker)

    // while no worker runs, the file grows; the next worker must resume where the first stopped
    const more = lines(200, 320, 'distributed')
    appendFileSync(input, more.join('\n') + '\n')
    worker = await start()
    await untilOutput(output, [...first, ...more], worker)
    const read = await kcat(['-b', target.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n'])
    expect(read.stdout.split('\n').filter((l) => l !== '')).toEqual([...first, ...more]) // nothing read twice by the source
    await stopWorker(worker)
  }, 300_000)
})
