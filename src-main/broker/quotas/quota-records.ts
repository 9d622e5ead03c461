// The metadata record of a client quota, shaped after KRaft's ClientQuotaRecord: one key of one
// entity set (or removed). It lives in the controller's metadata log beside the SCRAM and ACL
// records, so every broker process enforces the same quotas and they survive restarts.
import type { EntityComponent } from './quota-entity'

export type QuotaRecord = { type: 'ClientQuota'; entity: EntityComponent[]; key: string; value: number; remove: boolean }
