// The controller's metadata log on a failing disk (an injected fs layer, storage/file-io.ts):
// a short write or ENOSPC at a random point of a commit answers KAFKA_STORAGE_ERROR and changes
// nothing, every acknowledged command is there after a restart and nothing refused is; a batch
// torn by a crash is dropped whole at start-up and the log goes on after it; a broker whose
// process exits while the disk is full is fenced once space returns; files are private.
import { afterEach, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync, writeSync, ftruncateSync, fsyncSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QuorumController } from '../../../src-main/broker/controller/quorum-controller'
import { localMetadataView } from '../../../src-main/broker/controller/local-channel'
import { setFileIo, type FileIo } from '../../../src-main/broker/storage/file-io'
import { KafkaError } from '../../../src-main/broker/errors'
import type { PartitionAssignment } from '../../../src-main/broker/controller/metadata'
import { errno, prng } from '../../helpers/seeded'

const dirs: string[] = []
const controllers: QuorumController[] = []
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'kafkadesk-mdlog-'))
  dirs.push(d)
  return d
}
function open(dir: string) {
  const c = new QuorumController({ dataDir: dir })
  controllers.push(c)
  return { c, view: localMetadataView(c) }
}
function closeAll(): void {
  for (const c of controllers.splice(0)) c.close()
}
const logFile = (dir: string) => join(dir, '__cluster_metadata', 'log.jsonl')
const part = (partition: number, replicas: number[]): PartitionAssignment => ({
  partition,
  leader: replicas[0]!,
  leaderEpoch: 0,
  partitionEpoch: 0,
  replicas,
  isr: replicas.slice(0, 1),
})

afterEach(() => {
  setFileIo(null)
  closeAll()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A disk that, while `full`, takes a random part of one write and then refuses with ENOSPC. */
class FullDisk implements FileIo {
  full = false
  shortWrites = 0
  constructor(private readonly rnd: () => number) {}
  write(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
    if (!this.full) return writeSync(fd, buf, offset, length, position)
    const part = Math.floor(this.rnd() * length)
    if (part === 0) throw errno('ENOSPC')
    this.shortWrites++
    return writeSync(fd, buf, offset, part, position)
  }
  truncate(fd: number, length: number): void {
    ftruncateSync(fd, length)
  }
  fsync(fd: number): void {
    fsyncSync(fd)
  }
}

describe('metadata log on a full disk', () => {
  it('acknowledges only commands wholly written, across 30 seeded rounds with restarts', () => {
    let refused = 0
    let acked = 0
    for (let seed = 1; seed <= 30; seed++) {
      const ctx = `seed ${seed}`
      const rnd = prng(seed)
      const disk = new FullDisk(rnd)
      setFileIo(disk)
      const dir = scratch()
      let { c, view } = open(dir)
      view.registerBroker({ nodeId: 1, host: '127.0.0.1', port: 9001, rack: null })
      view.registerBroker({ nodeId: 2, host: '127.0.0.1', port: 9002, rack: null })
      const created = new Map<string, number>()
      const missing = new Set<string>()
      for (let i = 0; i < 12; i++) {
        const name = `t${i}`
        const partitions = 1 + Math.floor(rnd() * 40)
        disk.full = rnd() < 0.5
        const sizeBefore = statSync(logFile(dir)).size
        const offsetBefore = c.image.offset
        try {
          view.createTopic(
            name,
            Array.from({ length: partitions }, (_, p) => part(p, p % 2 ? [2, 1] : [1, 2])),
            { 'retention.ms': String(1000 + i) },
          )
          created.set(name, partitions)
          acked++
        } catch (e) {
          expect(e, ctx).toBeInstanceOf(KafkaError)
          expect((e as KafkaError).errorName, ctx).toBe('KAFKA_STORAGE_ERROR')
          refused++
          missing.add(name)
          // nothing changed: not in the image, not in the view, the file cut back to where it was
          expect(c.image.topics.has(name), ctx).toBe(false)
          expect(view.topics.has(name), ctx).toBe(false)
          expect(c.image.offset, ctx).toBe(offsetBefore)
          expect(statSync(logFile(dir)).size, ctx).toBe(sizeBefore)
        }
        disk.full = false
        // the controller keeps serving after a refusal: a config change on an existing topic goes through
        if (created.size > 0 && rnd() < 0.3) view.setTopicConfigs([...created.keys()][0]!, { 'retention.ms': String(5000 + i) })
      }
      closeAll()
      ;({ c, view } = open(dir))
      for (const [name, n] of created) {
        expect(view.topics.get(name)?.partitions.length, `${ctx} ${name}`).toBe(n)
      }
      for (const name of missing) expect(view.topics.has(name), `${ctx} ${name}`).toBe(false)
      // and the log goes on after a restart
      view.createTopic('after', [part(0, [1, 2])], {})
      closeAll()
      ;({ view } = open(dir))
      expect(view.topics.has('after'), ctx).toBe(true)
      closeAll()
    }
    console.log(`metadata log on a full disk: ${acked} commands acknowledged, ${refused} refused with KAFKA_STORAGE_ERROR, across 30 seeds`)
    expect(refused).toBeGreaterThan(20)
    expect(acked).toBeGreaterThan(20)
  })

  it('fences a broker whose process exits while the disk is full once the log takes the write', async () => {
    const disk = new FullDisk(prng(7))
    setFileIo(disk)
    const { c, view } = open(scratch())
    view.registerBroker({ nodeId: 1, host: '127.0.0.1', port: 9001, rack: null })
    view.registerBroker({ nodeId: 2, host: '127.0.0.1', port: 9002, rack: null })
    view.createTopic('t', [part(0, [1, 2])], {})
    disk.full = true
    // as the supervisor calls it from a child's exit event: it must not throw
    expect(() => c.fence(1, 'process exited')).not.toThrow()
    expect(view.liveBrokerIds()).toEqual([1, 2])
    disk.full = false
    const t0 = Date.now()
    while (view.liveBrokerIds().includes(1) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50))
    expect(view.liveBrokerIds()).toEqual([2])
    expect(view.topics.get('t')!.partitions[0]!.leader).toBe(-1) // its only in-sync replica is gone
  })
})

describe('metadata log after a crash', () => {
  it('drops a batch torn mid-write whole, and keeps appending after it', () => {
    const dir = scratch()
    let { view } = open(dir)
    view.registerBroker({ nodeId: 1, host: '127.0.0.1', port: 9001, rack: null })
    view.createTopic('kept', [part(0, [1])], {})
    closeAll()
    const good = readFileSync(logFile(dir))
    // a crash in the middle of the write of a topic with 3 partitions: its Topic record and one
    // Partition record reached the file, the rest did not
    ;({ view } = open(dir))
    view.createTopic('torn', [part(0, [1]), part(1, [1]), part(2, [1])], {})
    closeAll()
    const whole = readFileSync(logFile(dir))
    const tornBatch = whole.subarray(good.length)
    const lines = tornBatch.toString('utf8').split('\n')
    // the start-up commit of the second open (fencing broker 1) is a batch of its own before the topic's
    const topicLine = lines.findIndex((l) => l.includes('"type":"Topic"'))
    expect(JSON.parse(lines[topicLine]!).batch).toBe(4)
    const cutAt = good.length + Buffer.byteLength(lines.slice(0, topicLine + 2).join('\n')) + 1 + 17
    writeFileSync(logFile(dir), whole.subarray(0, cutAt))

    ;({ view } = open(dir))
    expect(view.topics.has('kept')).toBe(true)
    expect(view.topics.has('torn')).toBe(false)
    // the torn bytes are gone from the file, so what is written next is read back
    view.registerBroker({ nodeId: 1, host: '127.0.0.1', port: 9001, rack: null })
    view.createTopic('next', [part(0, [1]), part(1, [1])], {})
    closeAll()
    ;({ view } = open(dir))
    expect(view.topics.get('next')?.partitions.length).toBe(2)
    expect(view.topics.has('torn')).toBe(false)
  })

  it('reads a log written before batches were marked (one record a line)', () => {
    const dir = scratch()
    mkdirSync(join(dir, '__cluster_metadata'), { recursive: true })
    const topicId = Buffer.alloc(16, 7).toString('base64')
    const old = [
      { offset: 0, record: { type: 'Cluster', clusterId: 'old-cluster' } },
      { offset: 1, record: { type: 'Topic', name: 'legacy', topicId, internal: false } },
      { offset: 2, record: { type: 'Partition', topicId, partitionId: 0, replicas: [1], isr: [1], leader: 1, leaderEpoch: 0, partitionEpoch: 0 } },
    ]
    writeFileSync(logFile(dir), old.map((e) => JSON.stringify(e)).join('\n') + '\n')
    appendFileSync(logFile(dir), '{"offset":3,"rec') // and a torn last line, as the old writer could leave
    const { view } = open(dir)
    expect(view.clusterId).toBe('old-cluster')
    expect(view.topics.get('legacy')?.partitions.length).toBe(1)
  })
})

describe('metadata log files', () => {
  it('are private to their user: directories 0700, files 0600, also when made by an earlier version', () => {
    const dir = scratch()
    chmodSync(dir, 0o755)
    mkdirSync(join(dir, '__cluster_metadata'), { mode: 0o755 })
    writeFileSync(join(dir, '__cluster_metadata', 'log.jsonl'), '', { mode: 0o644 })
    let { view } = open(dir)
    view.registerBroker({ nodeId: 1, host: '127.0.0.1', port: 9001, rack: null })
    // enough records for a snapshot
    view.createTopic(
      'many',
      Array.from({ length: 2100 }, (_, p) => part(p, [1])),
      {},
    )
    closeAll()
    ;({ view } = open(dir))
    expect(view.topics.get('many')?.partitions.length).toBe(2100)
    const mode = (p: string) => statSync(p).mode & 0o777
    expect(mode(dir)).toBe(0o700)
    expect(mode(join(dir, '__cluster_metadata'))).toBe(0o700)
    expect(mode(join(dir, '__cluster_metadata', 'log.jsonl'))).toBe(0o600)
    expect(mode(join(dir, '__cluster_metadata', 'snapshot.json'))).toBe(0o600)
  })
})
