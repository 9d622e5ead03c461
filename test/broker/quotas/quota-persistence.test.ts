// Client quotas are metadata records: a restarted controller replays them from its log and from
// a snapshot, and a removed key stays removed.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QuorumController } from '../../../src-main/broker/controller/quorum-controller'
import { localMetadataView } from '../../../src-main/broker/controller/local-channel'
import { SNAPSHOT_EVERY } from '../../../src-main/broker/controller/metadata-log'

const dirs: string[] = []
const controllers: QuorumController[] = []

function open(dir: string) {
  const c = new QuorumController({ dataDir: dir, configs: {} })
  controllers.push(c)
  return { c, view: localMetadataView(c) }
}

afterEach(() => {
  for (const c of controllers.splice(0)) c.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const client = (name: string | null) => [{ entityType: 'client-id', entityName: name }]
const set = (name: string | null, key: string, value: number) => ({ entity: client(name), ops: [{ key, value, remove: false }] })

describe('client quotas in the metadata log', () => {
  it('survive a restart of the controller, from the log and from a snapshot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-quotas-'))
    dirs.push(dir)
    const a = open(dir)
    const results = a.view.clientQuotaCommand({
      op: 'alterClientQuotas',
      entries: [set('app', 'producer_byte_rate', 1024), set(null, 'consumer_byte_rate', 2048), set('gone', 'producer_byte_rate', 1)],
      validateOnly: false,
    })
    expect(results.every((r) => r.error === null)).toBe(true)
    a.view.clientQuotaCommand({
      op: 'alterClientQuotas',
      entries: [{ entity: client('gone'), ops: [{ key: 'producer_byte_rate', value: 0, remove: true }] }],
      validateOnly: false,
    })
    a.c.close()

    const b = open(dir)
    expect(b.view.quotas.get(client('app'), 'producer_byte_rate')).toBe(1024)
    expect(b.view.quotas.get(client(null), 'consumer_byte_rate')).toBe(2048)
    expect(b.view.quotas.get(client('gone'), 'producer_byte_rate')).toBeUndefined()
    // Enough changes for the log to be compacted into a snapshot, which must carry the quotas.
    for (let i = 0; i <= SNAPSHOT_EVERY; i++)
      b.view.clientQuotaCommand({ op: 'alterClientQuotas', entries: [set('busy', 'request_percentage', i + 1)], validateOnly: false })
    b.c.close()

    const c = open(dir)
    expect(c.view.quotas.get(client('app'), 'producer_byte_rate')).toBe(1024)
    expect(c.view.quotas.get(client('busy'), 'request_percentage')).toBe(SNAPSHOT_EVERY + 1)
    expect(c.view.quotas.get(client('gone'), 'producer_byte_rate')).toBeUndefined()
    expect(c.view.quotas.entries.size).toBe(3)
  })
})
