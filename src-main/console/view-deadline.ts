// A view's refresh answers in bounded time. Some views go through kafkajs (the group list and a
// group's lag), whose request timeouts and retries against a broker that holds requests
// unanswered (a long GC pause, a network partition, the embedded cluster's pause fault) add up
// to minutes; meanwhile the screen cannot say whether its numbers are still true. Past the
// deadline the call fails, naming the brokers that do not answer a trivial request, so the UI
// keeps its last figures marked stale with their time. The abandoned work ends on its own.
import { ContractError } from '../ipc/contract'
import type { Session } from './connections'
import { ApiKey } from './raw-client'

/** How long a view's refresh may take (a healthy cluster answers in well under a second). */
export const VIEW_DEADLINE_MS = 10_000
/** How long each broker gets to answer ApiVersions when the deadline has passed. */
const PROBE_MS = 1_500

const LATE = Symbol('late')

export async function withinDeadline<T>(s: Session, what: string, work: Promise<T>, ms = VIEW_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), ms)
  })
  try {
    const r = await Promise.race([work, late])
    if (r !== LATE) return r as T
  } finally {
    clearTimeout(timer)
  }
  work.catch(() => {}) // abandoned: its eventual failure is nobody's
  const silent = await silentBrokers(s)
  const who = silent.length ? `${silent.join(', ')} did not answer` : 'every broker answered a simple request, so the cluster is slow rather than silent'
  throw new ContractError('TIMEOUT', `${what} did not come back within ${ms / 1000} s: ${who}`)
}

/** The brokers (by name) that do not answer ApiVersions within PROBE_MS. */
async function silentBrokers(s: Session): Promise<string[]> {
  // The broker list as last seen: asking for fresh metadata could itself go unanswered.
  let brokers: Map<number, string>
  try {
    brokers = (
      await Promise.race([s.cluster(Number.MAX_SAFE_INTEGER), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no metadata')), PROBE_MS))])
    ).brokers
  } catch {
    return ['the brokers (their list could not be read either)']
  }
  const ids = [...brokers.keys()].sort((a, b) => a - b)
  const answers = await Promise.allSettled(ids.map((id) => probe(s, brokers.get(id)!)))
  return ids.filter((_, i) => answers[i]!.status === 'rejected').map((id) => `broker ${id}`)
}

/** ApiVersions to one address, given up after PROBE_MS (connecting included). */
async function probe(s: Session, address: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('silent')), PROBE_MS)
  })
  try {
    await Promise.race([s.raw.get(address).then((c) => c.request(ApiKey.ApiVersions, 0, {}, PROBE_MS)), silence])
  } finally {
    clearTimeout(timer)
  }
}
