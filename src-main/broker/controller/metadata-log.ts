// The controller's durable metadata log: one JSON record a line in <dataDir>/__cluster_metadata,
// with a snapshot (the records that rebuild the image) written when the log has outgrown the last
// one, after which the log restarts empty. Appends go straight to the file (page cache), so a
// kill -9 of the process that owns the controller loses nothing already answered.
//
// A commit's records are written as one batch, all or nothing: its first line carries the
// batch's record count, so a batch torn by a crash mid-write is dropped whole at the next start
// (a topic never comes back without some of its partitions), and a write that fails (a full
// disk) is cut back at once and reported as a StorageError, so nothing half-written stays behind
// a later record. Lines without a count (logs written before batches were marked) are single
// records.
import { chmodSync, closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileIo, writeFully } from '../storage/file-io'
import { toStorageError } from '../storage/storage-error'
import type { LoggedRecord, MetadataRecord } from './records'
import type { PartitionAssignment, TopicMetadata } from './metadata-image'

/** Records appended after the last snapshot before a new one may be taken. */
export const SNAPSHOT_EVERY = 2000

/** As the partition logs' (storage/partition-log.ts): the cluster's metadata is its user's alone. */
export const METADATA_DIR_MODE = 0o700
export const METADATA_FILE_MODE = 0o600

interface SnapshotFile {
  /** Offset of the last record the snapshot covers. */
  offset: number
  records: MetadataRecord[]
}

/** A line of log.jsonl: a record at its offset; the first line of a batch of several says how many. */
interface LogLine extends LoggedRecord {
  batch?: number
}

export class MetadataLog {
  readonly dir: string
  private readonly logFile: string
  private readonly snapshotFile: string
  private fd = -1
  /** Bytes of whole batches in the log file: where the next batch goes, and where a failed one is cut back to. */
  private size = 0
  /** A failed batch could not be cut back (the cut failed too): the next append retries the cut first. */
  private torn = false
  /** Records in the log file since the snapshot. */
  sinceSnapshot = 0
  /** Bytes in the log file since the snapshot, and the snapshot's own size. */
  private bytesSinceSnapshot = 0
  private snapshotBytes = 0
  /** After a snapshot failed (a full disk), the next try waits for this many records since the snapshot. */
  private snapshotRetryAt = SNAPSHOT_EVERY
  nextOffset = 0
  private loaded = false

  constructor(dataDir: string) {
    this.dir = join(dataDir, '__cluster_metadata')
    mkdirSync(dataDir, { recursive: true, mode: METADATA_DIR_MODE })
    mkdirSync(this.dir, { recursive: true, mode: METADATA_DIR_MODE })
    // Directories made by earlier versions (or by hand) were world-readable.
    for (const d of [dataDir, this.dir]) restrict(d, METADATA_DIR_MODE)
    this.logFile = join(this.dir, 'log.jsonl')
    this.snapshotFile = join(this.dir, 'snapshot.json')
  }

  /** Everything persisted, in order: the snapshot's records (all at the snapshot's offset) then the log's. A torn last batch is cut off the file. */
  load(): LoggedRecord[] {
    const out: LoggedRecord[] = []
    let snapOffset = -1
    if (existsSync(this.snapshotFile)) {
      restrict(this.snapshotFile, METADATA_FILE_MODE)
      const text = readFileSync(this.snapshotFile, 'utf8')
      const snap = JSON.parse(text) as SnapshotFile
      snapOffset = snap.offset
      this.snapshotBytes = Buffer.byteLength(text)
      for (const record of snap.records) out.push({ offset: snap.offset, record })
    }
    this.nextOffset = snapOffset + 1
    this.sinceSnapshot = 0
    this.bytesSinceSnapshot = 0
    if (!existsSync(this.logFile)) {
      this.loaded = true
      return out
    }
    restrict(this.logFile, METADATA_FILE_MODE)
    const buf = readFileSync(this.logFile)
    let pos = 0
    while (pos < buf.length) {
      const batch = readBatch(buf, pos)
      if (!batch) break // torn by a crash mid-write: nothing from here on was acknowledged
      pos = batch.end
      for (const e of batch.entries) {
        if (e.offset <= snapOffset) continue // already in the snapshot (crash between snapshot and truncation)
        out.push(e)
        this.nextOffset = e.offset + 1
        this.sinceSnapshot++
      }
    }
    this.size = pos
    this.loaded = true
    this.bytesSinceSnapshot = pos
    // Cut the torn tail now, so the next batch is not written after it (where a later start would stop reading).
    if (pos < buf.length) this.cut()
    return out
  }

  private open(): number {
    if (this.fd < 0) {
      try {
        this.fd = openSync(this.logFile, constants.O_RDWR | constants.O_CREAT, METADATA_FILE_MODE)
        // without a load() first, the next batch goes after what the file holds
        const onDisk = fstatSync(this.fd).size
        this.size = this.loaded ? Math.min(this.size, onDisk) : onDisk
      } catch (e) {
        throw toStorageError(e, this.logFile, 'open')
      }
    }
    return this.fd
  }

  /** Cuts the file back to its whole batches; remembers a failed cut for the next append. */
  private cut(): void {
    try {
      fileIo().truncate(this.open(), this.size)
      this.torn = false
    } catch {
      this.torn = true
    }
  }

  /**
   * Appends records, each at the next offset, as one batch; returns them with their offsets.
   * Throws a StorageError (and leaves the file and offsets as they were) when the batch could
   * not be written whole.
   */
  append(records: MetadataRecord[]): LoggedRecord[] {
    if (records.length === 0) return []
    const fd = this.open()
    if (this.torn) {
      this.cut()
      if (this.torn) throw toStorageError(Object.assign(new Error('the metadata log could not be cut back'), { code: 'EIO' }), this.logFile, 'truncate')
    }
    const out = records.map((record, i) => ({ offset: this.nextOffset + i, record }))
    const lines = out.map((e, i) => JSON.stringify(i === 0 && out.length > 1 ? ({ ...e, batch: out.length } satisfies LogLine) : e))
    const body = Buffer.from(`${lines.join('\n')}\n`)
    try {
      writeFully(fd, body, this.size, this.logFile)
    } catch (e) {
      this.cut()
      throw toStorageError(e, this.logFile, 'append')
    }
    this.size += body.length
    this.nextOffset += out.length
    this.sinceSnapshot += out.length
    this.bytesSinceSnapshot += body.length
    return out
  }

  /**
   * Whether the log has grown enough for a snapshot: SNAPSHOT_EVERY records and at least the
   * snapshot's own size, so the cost of snapshots stays proportional to what is appended
   * (Kafka bounds it by bytes too: metadata.log.max.record.bytes.between.snapshots).
   */
  wantsSnapshot(): boolean {
    return this.sinceSnapshot >= this.snapshotRetryAt && this.bytesSinceSnapshot >= this.snapshotBytes
  }

  /**
   * Writes a snapshot of the image at `offset` and starts an empty log after it. A snapshot that
   * cannot be written (a full disk) changes nothing: the log still holds every record, and the
   * next try waits for SNAPSHOT_EVERY more. Returns the error, if any.
   */
  snapshot(offset: number, records: MetadataRecord[]): Error | null {
    const tmp = `${this.snapshotFile}.tmp`
    const body = Buffer.from(JSON.stringify({ offset, records } satisfies SnapshotFile))
    try {
      const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, METADATA_FILE_MODE)
      try {
        writeFully(fd, body, 0, tmp)
      } finally {
        closeSync(fd)
      }
      renameSync(tmp, this.snapshotFile)
    } catch (e) {
      rmSync(tmp, { force: true }) // give back what a full disk took
      this.snapshotRetryAt = this.sinceSnapshot + SNAPSHOT_EVERY
      return toStorageError(e, tmp, 'snapshot')
    }
    this.snapshotBytes = body.length
    this.sinceSnapshot = 0
    this.bytesSinceSnapshot = 0
    this.snapshotRetryAt = SNAPSHOT_EVERY
    // Records the snapshot covers are skipped at load, so a failed cut here loses nothing.
    this.size = 0
    this.cut()
    return null
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd)
    this.fd = -1
  }
}

/** The batch starting at `pos`: its entries and where it ends, or undefined when it is torn. */
function readBatch(buf: Buffer, pos: number): { entries: LoggedRecord[]; end: number } | undefined {
  const entries: LoggedRecord[] = []
  let want = 1
  while (entries.length < want) {
    const nl = buf.indexOf(10, pos)
    if (nl < 0) return undefined // no newline: the write stopped inside this line
    if (nl === pos && entries.length === 0) {
      pos++ // an empty line between batches carries nothing
      continue
    }
    let e: LogLine
    try {
      e = JSON.parse(buf.toString('utf8', pos, nl)) as LogLine
    } catch {
      return undefined
    }
    if (typeof e?.offset !== 'number' || !e.record) return undefined
    if (entries.length === 0 && typeof e.batch === 'number' && e.batch > 1) want = e.batch
    entries.push({ offset: e.offset, record: e.record })
    pos = nl + 1
  }
  return { entries, end: pos }
}

/** Narrows a file's or directory's mode; a path we do not own keeps its own. */
function restrict(path: string, mode: number): void {
  try {
    chmodSync(path, mode)
  } catch {
    // not ours to change (another user's directory): the files we create are still private
  }
}

/** The single JSON file of metadata that clusters before the metadata log kept. */
interface LegacyMetadataFile {
  clusterId: string
  topics: (Omit<TopicMetadata, 'partitions'> & { partitions: (Omit<PartitionAssignment, 'partitionEpoch'> & { partitionEpoch?: number })[] })[]
  brokerConfigs: Record<string, string>
  producerIdBlockEnd?: number
  brokerNodeConfigs?: Record<string, Record<string, string>>
}

export const LEGACY_METADATA_FILE = 'cluster-metadata.json'

/** Records equivalent to a legacy cluster-metadata.json, or undefined when there is none. */
export function legacyRecords(dataDir: string): MetadataRecord[] | undefined {
  const file = join(dataDir, LEGACY_METADATA_FILE)
  if (!existsSync(file)) return undefined
  const data = JSON.parse(readFileSync(file, 'utf8')) as LegacyMetadataFile
  const out: MetadataRecord[] = [{ type: 'Cluster', clusterId: data.clusterId }]
  for (const t of data.topics) {
    out.push({ type: 'Topic', name: t.name, topicId: t.topicId, internal: t.internal })
    for (const p of t.partitions) {
      out.push({
        type: 'Partition',
        topicId: t.topicId,
        partitionId: p.partition,
        replicas: p.replicas,
        isr: p.isr,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch ?? 0,
      })
    }
    for (const [name, value] of Object.entries(t.configs)) out.push({ type: 'Config', resourceType: 2, resourceName: t.name, name, value })
  }
  for (const [name, value] of Object.entries(data.brokerConfigs ?? {})) out.push({ type: 'Config', resourceType: 4, resourceName: '', name, value })
  for (const [node, cfgs] of Object.entries(data.brokerNodeConfigs ?? {})) {
    for (const [name, value] of Object.entries(cfgs)) out.push({ type: 'Config', resourceType: 4, resourceName: node, name, value })
  }
  out.push({ type: 'ProducerIds', brokerId: -1, brokerEpoch: -1, nextProducerId: data.producerIdBlockEnd ?? 0 })
  return out
}

/** Moves the legacy file aside once its content is in the metadata log, so it is never migrated twice. */
export function retireLegacyFile(dataDir: string): void {
  const file = join(dataDir, LEGACY_METADATA_FILE)
  if (existsSync(file)) renameSync(file, `${file}.migrated`)
}
