// Long operations the user may watch and stop: reading many messages, exporting a selection,
// resetting a group's offsets.
// The caller names the operation (opId); progress goes to the caller's own sink as
// `operation.progress` at most every PROGRESS_MS, and `operations.cancel` stops it at the next
// fetch, answering the call with CANCELLED. Without an opId an operation runs as before.
import { ContractError, type EventSink } from '../ipc/contract'

const PROGRESS_MS = 100

/** Where a named operation (opId) reports progress and is registered for cancel. */
export interface OpContext {
  ops: Operations
  sink: EventSink
}

export interface Operation {
  readonly signal: AbortSignal | undefined
  /** Throws CANCELLED once the operation was cancelled. */
  check(): void
  /** Adds `n` to what is done out of `total` (total may be refined as it becomes known). */
  advance(n: number, total?: number): void
  end(): void
}

/** What runs without an opId: nothing reported, nothing to cancel. */
export const NO_OPERATION: Operation = { signal: undefined, check() {}, advance() {}, end() {} }

export class Operations {
  private running = new Map<string, AbortController>()

  start(opId: string | undefined, sink: EventSink | undefined, total: number): Operation {
    if (!opId) return NO_OPERATION
    if (this.running.has(opId)) throw new ContractError('CONFLICT', `operation ${opId} is already running`, 'opId')
    const ctl = new AbortController()
    this.running.set(opId, ctl)
    let done = 0
    let last = 0
    const emit = (finished: boolean) => sink?.emit('operation.progress', { opId, done, total, finished, cancelled: ctl.signal.aborted })
    emit(false)
    return {
      signal: ctl.signal,
      check() {
        if (ctl.signal.aborted) throw new ContractError('CANCELLED', 'cancelled by the user')
      },
      advance(n, t) {
        done += n
        if (t !== undefined) total = t
        const now = Date.now()
        if (now - last >= PROGRESS_MS) {
          last = now
          emit(false)
        }
      },
      end: () => {
        this.running.delete(opId)
        emit(true)
      },
    }
  }

  cancel(opId: string): boolean {
    const c = this.running.get(opId)
    if (!c) return false
    c.abort()
    return true
  }
}
