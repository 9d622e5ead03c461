// SCRAM users: their mechanisms and iteration counts (DescribeUserScramCredentials), a password
// set for one mechanism (AlterUserScramCredentials upsertion) and mechanisms removed (deletion).
// As Kafka's admin client does, the password is salted here with PBKDF2 (RFC 5802 Hi(), RFC 7677
// for SHA-256) and only the salt, the iteration count and the salted password go to the broker.
import { randomBytes } from 'node:crypto'
import { SCRAM_MECHANISM_IDS, saltedPassword, scramMechanismById } from '../../broker/security/scram'
import { ContractError, type RequestOf, type ScramUser } from '../../ipc/contract'
import type { Session } from '../connections'
import { ApiKey, checkError, type RawClient } from '../raw-client'

async function client(s: Session): Promise<RawClient> {
  return s.raw.get((await s.anyBroker()).address)
}

export async function listScramUsers(s: Session): Promise<{ users: ScramUser[] }> {
  const c = await client(s)
  // An empty list asks for every user, as null does; Kafka 4.1 answers a principal without
  // DESCRIBE on the cluster only for a list (with null its error path fails and the request is
  // never answered, which also stalls the connection's later requests).
  const r = await c.request(ApiKey.DescribeUserScramCredentials, 0, { users: [] })
  checkError(r.errorCode, r.errorMessage, 'DescribeUserScramCredentials')
  const users: ScramUser[] = []
  for (const u of r.results) {
    // With no user named, a user's own error (none is expected) would hide only that user.
    if (u.errorCode) continue
    const credentials = u.credentialInfos.flatMap((ci) => {
      const mechanism = scramMechanismById(ci.mechanism)
      return mechanism ? [{ mechanism, iterations: ci.iterations }] : []
    })
    users.push({ user: u.user, credentials: credentials.sort((a, b) => a.mechanism.localeCompare(b.mechanism)) })
  }
  return { users: users.sort((a, b) => a.user.localeCompare(b.user)) }
}

export async function upsertScramUser(s: Session, req: RequestOf<'security.users.upsert'>): Promise<{ user: string }> {
  // The salt is as long as the mechanism's hash, as RFC 5802 suggests; the broker keeps it beside the keys.
  const salt = randomBytes(req.mechanism === 'SCRAM-SHA-256' ? 32 : 64)
  const salted = saltedPassword(req.mechanism, req.password, salt, req.iterations)
  const c = await client(s)
  const r = await c.request(ApiKey.AlterUserScramCredentials, 0, {
    deletions: [],
    upsertions: [{ name: req.user, mechanism: SCRAM_MECHANISM_IDS[req.mechanism], iterations: req.iterations, salt, saltedPassword: salted }],
  })
  resultOf(r.results, req.user)
  return { user: req.user }
}

export async function deleteScramUser(s: Session, req: RequestOf<'security.users.delete'>): Promise<{ user: string }> {
  const c = await client(s)
  const r = await c.request(ApiKey.AlterUserScramCredentials, 0, {
    deletions: [...new Set(req.mechanisms)].map((m) => ({ name: req.user, mechanism: SCRAM_MECHANISM_IDS[m] })),
    upsertions: [],
  })
  resultOf(r.results, req.user)
  return { user: req.user }
}

function resultOf(results: { user: string; errorCode: number; errorMessage: string | null }[], user: string): void {
  const r = results.find((x) => x.user === user)
  if (!r) throw new ContractError('INTERNAL', `AlterUserScramCredentials did not answer for user ${user}`)
  checkError(r.errorCode, r.errorMessage, `user ${user}`)
}
