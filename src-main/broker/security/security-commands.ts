// The controller's side of AlterUserScramCredentials, CreateAcls and DeleteAcls: validated against
// its image, written as records (security-records.ts). Results carry Kafka's error names.
import { randomUUID } from 'node:crypto'
import { aclKey, filterMatches, invalidAcl, invalidFilter, type AclBinding, type AclBindingFilter } from './acl'
import { credentialFromSaltedPassword, scramMechanismById, SCRAM_MAX_ITERATIONS, SCRAM_MIN_ITERATIONS } from './scram'
import type { SecurityImage, StoredAcl } from './security-image'
import type { SecurityRecord } from './security-records'

export interface ScramUpsertion {
  name: string
  mechanism: number
  iterations: number
  /** base64 */
  salt: string
  /** base64 */
  saltedPassword: string
}

export type SecurityCommand =
  | { op: 'alterScram'; deletions: { name: string; mechanism: number }[]; upsertions: ScramUpsertion[] }
  | { op: 'createAcls'; acls: AclBinding[] }
  | { op: 'deleteAcls'; filters: AclBindingFilter[] }

export const SECURITY_COMMAND_OPS: ReadonlySet<string> = new Set(['alterScram', 'createAcls', 'deleteAcls'])

export interface CommandError {
  error: string | null
  message: string | null
}

export interface DeleteAclsResult extends CommandError {
  deleted: AclBinding[]
}

/** Runs one security command; `commit` writes records to the metadata log (and may throw KafkaError). */
export function executeSecurityCommand(image: SecurityImage, cmd: SecurityCommand, commit: (recs: SecurityRecord[]) => void): unknown {
  switch (cmd.op) {
    case 'alterScram':
      return alterScram(image, cmd.deletions, cmd.upsertions, commit)
    case 'createAcls': {
      const recs: SecurityRecord[] = []
      const existing = new Set([...image.acls.values()].map((a) => aclKey(a)))
      const results: CommandError[] = cmd.acls.map((a) => {
        const bad = invalidAcl(a)
        if (bad) return { error: 'INVALID_REQUEST', message: bad }
        const key = aclKey(a)
        // Creating an ACL that exists already succeeds without a second copy, as in Kafka.
        if (!existing.has(key)) {
          existing.add(key)
          recs.push({ type: 'AccessControlEntry', id: randomUUID(), ...a })
        }
        return { error: null, message: null }
      })
      commit(recs)
      return results
    }
    case 'deleteAcls': {
      const recs: SecurityRecord[] = []
      const gone = new Set<string>()
      const results: DeleteAclsResult[] = cmd.filters.map((f) => {
        const bad = invalidFilter(f)
        if (bad) return { error: 'INVALID_REQUEST', message: bad, deleted: [] }
        const deleted: StoredAcl[] = []
        for (const a of image.acls.values()) {
          if (!filterMatches(f, a)) continue
          deleted.push(a)
          if (!gone.has(a.id)) {
            gone.add(a.id)
            recs.push({ type: 'RemoveAccessControlEntry', id: a.id })
          }
        }
        return { error: null, message: null, deleted: deleted.map(({ id: _id, ...acl }) => acl) }
      })
      commit(recs)
      return results
    }
  }
}

/** AlterUserScramCredentials, with the checks and messages of Kafka's ScramControlManager. */
function alterScram(
  image: SecurityImage,
  deletions: { name: string; mechanism: number }[],
  upsertions: ScramUpsertion[],
  commit: (recs: SecurityRecord[]) => void,
): { user: string; error: string | null; message: string | null }[] {
  const results = new Map<string, { user: string; error: string | null; message: string | null }>()
  const fail = (user: string, error: string, message: string) => {
    if (!results.get(user)?.error) results.set(user, { user, error, message })
  }
  const users = [...new Set([...deletions.map((d) => d.name), ...upsertions.map((u) => u.name)])]
  // A user may be named once in a request, across both lists and all mechanisms (as Kafka checks).
  const seen = new Map<string, number>()
  for (const x of [...deletions, ...upsertions]) seen.set(x.name, (seen.get(x.name) ?? 0) + 1)
  for (const [user, n] of seen) if (n > 1) fail(user, 'DUPLICATE_RESOURCE', 'A user credential cannot be altered twice in the same request')
  const recs: SecurityRecord[] = []
  const pending: Extract<SecurityRecord, { name: string }>[] = []
  for (const d of deletions) {
    if (d.name === '') fail(d.name, 'UNACCEPTABLE_CREDENTIAL', 'Username must not be empty')
    else if (!scramMechanismById(d.mechanism)) fail(d.name, 'UNSUPPORTED_SASL_MECHANISM', 'Unknown SCRAM mechanism')
    else if (!image.scram.get(d.name)?.has(d.mechanism)) fail(d.name, 'RESOURCE_NOT_FOUND', 'Attempt to delete a user credential that does not exist')
    else pending.push({ type: 'RemoveUserScramCredential', name: d.name, mechanism: d.mechanism })
  }
  for (const u of upsertions) {
    const m = scramMechanismById(u.mechanism)
    if (u.name === '') fail(u.name, 'UNACCEPTABLE_CREDENTIAL', 'Username must not be empty')
    else if (!m) fail(u.name, 'UNSUPPORTED_SASL_MECHANISM', 'Unknown SCRAM mechanism')
    else if (u.iterations < SCRAM_MIN_ITERATIONS) fail(u.name, 'UNACCEPTABLE_CREDENTIAL', 'Too few iterations')
    else if (u.iterations > SCRAM_MAX_ITERATIONS) fail(u.name, 'UNACCEPTABLE_CREDENTIAL', 'Too many iterations')
    else {
      const c = credentialFromSaltedPassword(m, Buffer.from(u.saltedPassword, 'base64'), Buffer.from(u.salt, 'base64'), u.iterations)
      pending.push({
        type: 'UserScramCredential',
        name: u.name,
        mechanism: u.mechanism,
        salt: c.salt.toString('base64'),
        storedKey: c.storedKey.toString('base64'),
        serverKey: c.serverKey.toString('base64'),
        iterations: c.iterations,
      })
    }
  }
  // A user with any failure gets none of its changes, as Kafka applies them per user.
  for (const r of pending) if (!results.get(r.name)?.error) recs.push(r)
  commit(recs)
  return users.map((user) => results.get(user) ?? { user, error: null, message: null })
}
