// Asking one broker something, bounded in time, with the broker named when it does not answer.
// In an incident the first question is "which broker?": an error that says only "timed out"
// (or names whichever broker happened to be asked next) sends the on-call engineer the wrong way.
import { ContractError, type BrokerUnavailable } from '../ipc/contract'
import type { Session } from './connections'
import { brokerName } from './metadata'
import type { RawClient } from './raw-client'

/** How long a per-broker part of a view (sizes, offsets, log dirs) may take before it is given up. */
export const BROKER_ANSWER_MS = 5_000

export class BrokerCallError extends ContractError {
  constructor(
    code: string,
    message: string,
    readonly unavailable: BrokerUnavailable,
  ) {
    super(code, message)
  }
}

/** Runs `fn` on broker `nodeId`'s connection; failures and silence become errors naming the broker. */
export async function askBroker<T>(s: Session, nodeId: number, fn: (c: RawClient) => Promise<T>, timeoutMs = BROKER_ANSWER_MS): Promise<T> {
  const address = await s.brokerAddress(nodeId)
  const name = brokerName(s, address, nodeId)
  let timer: NodeJS.Timeout | undefined
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = `did not answer within ${Math.round(timeoutMs / 100) / 10} s`
      reject(new BrokerCallError('TIMEOUT', `${name} ${reason}`, { nodeId, address, reason }))
    }, timeoutMs)
  })
  try {
    return await Promise.race([s.raw.get(address).then(fn), silence])
  } catch (e) {
    if (e instanceof BrokerCallError) throw e
    const reason = (e as Error).message
    throw new BrokerCallError(e instanceof ContractError ? e.code : 'CONNECTION', `${name}: ${reason}`, { nodeId, address, reason })
  } finally {
    clearTimeout(timer)
  }
}

/** The unavailable-broker entry of an error thrown by askBroker (or a generic one). */
export function unavailableOf(e: unknown, nodeId: number): BrokerUnavailable {
  if (e instanceof BrokerCallError) return e.unavailable
  return { nodeId, address: '', reason: (e as Error)?.message ?? String(e) }
}
