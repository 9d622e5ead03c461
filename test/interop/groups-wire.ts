// Helpers for the group protocol tests, which send exactly the request a case needs with the
// console's raw protocol client and compare error codes with real Kafka.
import { RawClient } from '../../src-main/console/raw-client'

/** A raw connection to the first broker of a bootstrap list. */
export function openWire(bootstrap: string): Promise<RawClient> {
  return RawClient.connect(bootstrap.split(',')[0]!, { clientId: 'groups-wire' })
}

/** Kafka's retriable coordinator errors: not loaded yet, not available, moved. */
export const COORDINATOR_RETRIABLE = new Set([14, 15, 16])

export async function retry<T>(fn: () => Promise<T>, ok: (t: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const r = await fn()
    if (ok(r) || Date.now() > deadline) return r
    await new Promise((res) => setTimeout(res, 200))
  }
}
