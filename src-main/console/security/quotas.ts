// Client quotas (KIP-546): every quota entity with its values (DescribeClientQuotas with no
// component and strict=false, which matches every entity, as `kafka-configs --describe
// --entity-type users --entity-type clients` lists them), and quota keys set or removed on one
// entity (AlterClientQuotas). A null entity name is the default entity (`<default>`).
import type { ApiKeyNumber } from '../../broker/protocol/api'
import { ContractError, type RequestOf, type ResponseOf } from '../../ipc/contract'
import type { Session } from '../connections'
import { checkError, type RawClient } from '../raw-client'

// Kafka's API keys of the two requests (declared in the protocol's message table).
const DescribeClientQuotas = 48 satisfies ApiKeyNumber
const AlterClientQuotas = 49 satisfies ApiKeyNumber

type Entry = ResponseOf<'security.quotas.list'>['quotas'][number]

async function client(s: Session): Promise<RawClient> {
  return s.raw.get((await s.anyBroker()).address)
}

export async function listQuotas(s: Session): Promise<ResponseOf<'security.quotas.list'>> {
  const c = await client(s)
  const r = await c.request(DescribeClientQuotas, c.version(DescribeClientQuotas, 1), { components: [], strict: false })
  checkError(r.errorCode, r.errorMessage, 'DescribeClientQuotas')
  const quotas: Entry[] = (r.entries ?? []).map((e) => ({
    entity: e.entity.map((p) => ({ type: p.entityType, name: p.entityName })).sort((a, b) => a.type.localeCompare(b.type)),
    values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
  }))
  return { quotas: quotas.sort((a, b) => entityLabel(a.entity).localeCompare(entityLabel(b.entity))) }
}

export async function alterQuota(s: Session, req: RequestOf<'security.quotas.alter'>): Promise<{ ok: true }> {
  if (!req.set.length && !req.remove.length) throw new ContractError('VALIDATION', 'nothing to set or remove', 'set')
  const c = await client(s)
  const entity = req.entity.map((p) => ({ entityType: p.type, entityName: p.name }))
  const r = await c.request(AlterClientQuotas, c.version(AlterClientQuotas, 1), {
    entries: [
      {
        entity,
        ops: [...req.set.map((o) => ({ key: o.key, value: o.value, remove: false })), ...req.remove.map((key) => ({ key, value: 0, remove: true }))],
      },
    ],
    validateOnly: false,
  })
  const e = r.entries[0]
  if (!e) throw new ContractError('INTERNAL', 'AlterClientQuotas answered no result')
  checkError(e.errorCode, e.errorMessage, 'AlterClientQuotas')
  return { ok: true }
}

/** "user=alice, client-id=<default>": the entity as kafka-configs names it. */
export function entityLabel(entity: { type: string; name: string | null }[]): string {
  return entity.map((p) => `${p.type}=${p.name ?? '<default>'}`).join(', ')
}
