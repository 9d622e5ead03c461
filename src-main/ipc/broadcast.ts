// Events for every client (cluster status, lag samples): the console emits them into one
// sink before any window or socket exists; each binding subscribes its clients.
import type { EventName, EventOf, EventSink } from './contract'

export type EventListener = (event: EventName, payload: unknown) => void

export class Broadcast implements EventSink {
  private readonly listeners = new Set<EventListener>()

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const fn of this.listeners) {
      try {
        fn(event, payload)
      } catch {
        /* one failing client does not stop the others */
      }
    }
  }

  subscribe(fn: EventListener): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }
}
