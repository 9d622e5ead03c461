// The users' SCRAM credentials and the ACLs as replayed from the metadata log: one copy in the
// controller (to decide) and one in every broker (to authenticate and authorize).
import type { AclBinding } from './acl'
import type { ScramCredential } from './scram'
import type { SecurityRecord } from './security-records'

export interface StoredAcl extends AclBinding {
  id: string
}

export class SecurityImage {
  /** user → mechanism id → credential */
  readonly scram = new Map<string, Map<number, ScramCredential>>()
  readonly acls = new Map<string, StoredAcl>()
  /** Bumped on every ACL change, so an authorizer can rebuild its index lazily. */
  aclVersion = 0

  apply(r: SecurityRecord): void {
    switch (r.type) {
      case 'UserScramCredential': {
        let byMech = this.scram.get(r.name)
        if (!byMech) this.scram.set(r.name, (byMech = new Map()))
        byMech.set(r.mechanism, {
          salt: Buffer.from(r.salt, 'base64'),
          storedKey: Buffer.from(r.storedKey, 'base64'),
          serverKey: Buffer.from(r.serverKey, 'base64'),
          iterations: r.iterations,
        })
        return
      }
      case 'RemoveUserScramCredential': {
        const byMech = this.scram.get(r.name)
        byMech?.delete(r.mechanism)
        if (byMech && byMech.size === 0) this.scram.delete(r.name)
        return
      }
      case 'AccessControlEntry': {
        const { type: _type, ...acl } = r
        this.acls.set(r.id, acl)
        this.aclVersion++
        return
      }
      case 'RemoveAccessControlEntry':
        this.acls.delete(r.id)
        this.aclVersion++
        return
    }
  }

  toRecords(): SecurityRecord[] {
    const out: SecurityRecord[] = []
    for (const [name, byMech] of this.scram) {
      for (const [mechanism, c] of byMech) {
        out.push({
          type: 'UserScramCredential',
          name,
          mechanism,
          salt: c.salt.toString('base64'),
          storedKey: c.storedKey.toString('base64'),
          serverKey: c.serverKey.toString('base64'),
          iterations: c.iterations,
        })
      }
    }
    for (const acl of this.acls.values()) out.push({ type: 'AccessControlEntry', ...acl })
    return out
  }
}
