/**
 * Faults a developer can inject into one embedded broker to see how clients and the console
 * cope: slow responses, dropped connections, or a broker that stops answering (as during a
 * long GC pause or a network partition) while keeping its connections open.
 */
export interface Faults {
  /** Added to every response, in milliseconds. */
  latencyMs: number
  /** Share of requests (0..1) answered by closing the connection instead. */
  dropRate: number
  /** While true, requests are held unanswered; they are served when it is cleared. */
  paused: boolean
}

export const noFaults: Readonly<Faults> = Object.freeze({ latencyMs: 0, dropRate: 0, paused: false })

export function validateFaults(f: Faults): void {
  if (!Number.isFinite(f.latencyMs) || f.latencyMs < 0 || f.latencyMs > 60_000) throw new RangeError('latencyMs must be between 0 and 60000')
  if (!Number.isFinite(f.dropRate) || f.dropRate < 0 || f.dropRate > 1) throw new RangeError('dropRate must be between 0 and 1')
}

/**
 * The replication side of the network-partition fault (`kafkadesk broker isolate`): which peers'
 * follower fetches this broker refuses. The isolated broker refuses every peer (so followers of
 * its partitions stop fetching from it) and each peer refuses the isolated one (so its own
 * follower fetches fail); clients are served as before. A refused fetch closes the connection,
 * as an unreachable host would, and the partitions fall out of the ISR after replica.lag.time.max.ms.
 */
export class ReplicationCut {
  private all = false
  private readonly peers = new Set<number>()

  /** Cuts (or restores) every peer: this broker is the isolated one. */
  isolate(on: boolean): void {
    this.all = on
  }

  /** Cuts (or restores) one peer that is isolated. */
  cut(peer: number, on: boolean): void {
    if (on) this.peers.add(peer)
    else this.peers.delete(peer)
  }

  /** True when a Fetch request (its decoded body) is a follower fetch from a peer cut off from this broker. */
  refuses(fetch: { replicaId?: number; replicaState?: { replicaId?: number } }): boolean {
    // Fetch v15+ carries the follower's id in ReplicaState, older versions in ReplicaId; consumers send -1.
    const id = fetch.replicaState?.replicaId !== undefined && fetch.replicaState.replicaId >= 0 ? fetch.replicaState.replicaId : (fetch.replicaId ?? -1)
    if (id < 0) return false
    return this.all || this.peers.has(id)
  }
}
