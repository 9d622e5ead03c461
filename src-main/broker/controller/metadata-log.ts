// The controller's durable metadata log: one JSON record a line in <dataDir>/__cluster_metadata,
// with a snapshot (the records that rebuild the image) written when the log grows, after which
// the log restarts empty. Appends go straight to the file (page cache), so a kill -9 of the
// process that owns the controller loses nothing already answered; a torn last line is dropped.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { LoggedRecord, MetadataRecord } from './records'
import type { PartitionAssignment, TopicMetadata } from './metadata-image'

/** Records appended after the last snapshot before a new one is taken. */
export const SNAPSHOT_EVERY = 2000

interface SnapshotFile {
  /** Offset of the last record the snapshot covers. */
  offset: number
  records: MetadataRecord[]
}

export class MetadataLog {
  readonly dir: string
  private readonly logFile: string
  private readonly snapshotFile: string
  private fd = -1
  /** Records in the log file since the snapshot. */
  sinceSnapshot = 0
  nextOffset = 0

  constructor(dataDir: string) {
    this.dir = join(dataDir, '__cluster_metadata')
    mkdirSync(this.dir, { recursive: true })
    this.logFile = join(this.dir, 'log.jsonl')
    this.snapshotFile = join(this.dir, 'snapshot.json')
  }

  /** Everything persisted, in order: the snapshot's records (all at the snapshot's offset) then the log's. */
  load(): LoggedRecord[] {
    const out: LoggedRecord[] = []
    let snapOffset = -1
    if (existsSync(this.snapshotFile)) {
      const snap = JSON.parse(readFileSync(this.snapshotFile, 'utf8')) as SnapshotFile
      snapOffset = snap.offset
      for (const record of snap.records) out.push({ offset: snap.offset, record })
    }
    this.nextOffset = snapOffset + 1
    if (existsSync(this.logFile)) {
      const lines = readFileSync(this.logFile, 'utf8').split('\n')
      for (const line of lines) {
        if (!line) continue
        let e: LoggedRecord
        try {
          e = JSON.parse(line) as LoggedRecord
        } catch {
          break // a line torn by a crash mid-write: nothing after it was acknowledged
        }
        if (e.offset <= snapOffset) continue // already in the snapshot (crash between snapshot and truncation)
        out.push(e)
        this.nextOffset = e.offset + 1
        this.sinceSnapshot++
      }
    }
    return out
  }

  /** Appends records, each at the next offset; returns them with their offsets. */
  append(records: MetadataRecord[]): LoggedRecord[] {
    if (this.fd < 0) this.fd = openSync(this.logFile, 'a')
    const out = records.map((record) => ({ offset: this.nextOffset++, record }))
    if (out.length) writeSync(this.fd, out.map((e) => JSON.stringify(e)).join('\n') + '\n')
    this.sinceSnapshot += out.length
    return out
  }

  /** Writes a snapshot of the image at `offset` and starts an empty log after it. */
  snapshot(offset: number, records: MetadataRecord[]): void {
    const tmp = `${this.snapshotFile}.tmp`
    writeFileSync(tmp, JSON.stringify({ offset, records } satisfies SnapshotFile))
    renameSync(tmp, this.snapshotFile)
    this.close()
    writeFileSync(this.logFile, '')
    this.sinceSnapshot = 0
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd)
    this.fd = -1
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
      out.push({ type: 'Partition', topicId: t.topicId, partitionId: p.partition, replicas: p.replicas, isr: p.isr, leader: p.leader, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch ?? 0 })
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
