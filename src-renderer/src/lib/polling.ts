// How views refresh on a timer, in one place. A poller calls `refresh` every `intervalMs`:
// - never while the previous call is still running: against a slow or paused cluster, calls
//   would otherwise pile up, each waiting out its own timeout;
// - not while the page is hidden (a tab in the background asks the cluster nothing), and once
//   at once when it is shown again, so what comes into view is current;
// - not after the view is gone.
import { onBeforeUnmount, onMounted } from 'vue'

/** The part of `document` a poller watches (a stand-in in tests). */
export interface Visibility {
  readonly hidden: boolean
  addEventListener(type: 'visibilitychange', fn: () => void): void
  removeEventListener(type: 'visibilitychange', fn: () => void): void
}

export interface PollOptions {
  /** Call once when started (default true). */
  immediate?: boolean
  visibility?: Visibility
}

export interface Poller {
  stop(): void
}

export function startPolling(refresh: () => unknown, intervalMs: number, opts: PollOptions = {}): Poller {
  const visibility = opts.visibility ?? (typeof document !== 'undefined' ? document : undefined)
  let busy = false
  let stopped = false
  const tick = async () => {
    if (busy || stopped || visibility?.hidden) return
    busy = true
    try {
      await refresh()
    } catch {
      /* the view shows its own errors; the next tick tries again */
    } finally {
      busy = false
    }
  }
  const timer = setInterval(() => void tick(), intervalMs)
  const onVisible = () => {
    if (!visibility?.hidden) void tick()
  }
  visibility?.addEventListener('visibilitychange', onVisible)
  if (opts.immediate ?? true) void tick()
  return {
    stop() {
      stopped = true
      clearInterval(timer)
      visibility?.removeEventListener('visibilitychange', onVisible)
    },
  }
}

/** A poller for the lifetime of the calling component: started when mounted, stopped when unmounted. */
export function usePolling(refresh: () => unknown, intervalMs: number, opts: PollOptions = {}): void {
  let poller: Poller | undefined
  onMounted(() => {
    poller = startPolling(refresh, intervalMs, opts)
  })
  onBeforeUnmount(() => poller?.stop())
}
