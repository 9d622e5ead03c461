// The views' poller: calls at once and every interval, never two at a time, none while the page
// is hidden (one as soon as it is shown again), none once stopped; a failed call does not stop it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startPolling, type Visibility } from '../../src-renderer/src/lib/polling'

class Page implements Visibility {
  hidden = false
  private fns = new Set<() => void>()
  addEventListener(_: 'visibilitychange', fn: () => void) {
    this.fns.add(fn)
  }
  removeEventListener(_: 'visibilitychange', fn: () => void) {
    this.fns.delete(fn)
  }
  set(hidden: boolean) {
    this.hidden = hidden
    for (const f of this.fns) f()
  }
  get listeners() {
    return this.fns.size
  }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('startPolling', () => {
  it('calls at once, then every interval, and never while a call is still running', async () => {
    const page = new Page()
    let calls = 0
    let release: (() => void) | undefined
    const p = startPolling(
      () => {
        calls++
        return new Promise<void>((r) => (release = r))
      },
      1000,
      { visibility: page },
    )
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(3500)
    expect(calls).toBe(1) // the first call has not answered: three ticks skipped
    release!()
    await vi.advanceTimersByTimeAsync(500)
    expect(calls).toBe(2)
    release!()
    await vi.advanceTimersByTimeAsync(1000)
    expect(calls).toBe(3)
    release!()
    p.stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(calls).toBe(3)
    expect(page.listeners).toBe(0)
  })

  it('asks nothing while the page is hidden and refreshes when it is shown again', async () => {
    const page = new Page()
    let calls = 0
    const p = startPolling(() => void calls++, 1000, { visibility: page, immediate: false })
    await vi.advanceTimersByTimeAsync(1000)
    expect(calls).toBe(1)
    page.set(true)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(calls).toBe(1)
    page.set(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(calls).toBe(2)
    p.stop()
  })

  it('goes on after a failed call', async () => {
    let calls = 0
    const p = startPolling(
      () => {
        calls++
        throw new Error('cluster down')
      },
      1000,
      { visibility: new Page() },
    )
    await vi.advanceTimersByTimeAsync(2000)
    expect(calls).toBe(3)
    p.stop()
  })
})
