// The preload of the sandboxed window: exposes `window.kafkadesk = { invoke, on, off }` and
// nothing else. Only the contract's channels and events pass; ipcRenderer itself never
// reaches the page. Bundled to one CommonJS file (a sandboxed preload can only require
// 'electron'), so the allow-lists are compiled in from the contract.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { channelNames, eventNames } from './ipc/contract'
import { EVENT_CHANNEL } from './ipc/electron'

type Listener = (payload: unknown) => void

const allowedChannels = new Set<string>(channelNames)
const allowedEvents = new Set<string>(eventNames)
const listeners = new Map<string, Set<Listener>>()

ipcRenderer.on(EVENT_CHANNEL, (_e: IpcRendererEvent, event: unknown, payload: unknown) => {
  if (typeof event !== 'string') return
  for (const fn of listeners.get(event) ?? []) {
    try {
      fn(payload)
    } catch (err) {
      console.error(`kafkadesk: listener for ${event} failed`, err)
    }
  }
})

function off(event: string, fn: Listener): void {
  listeners.get(event)?.delete(fn)
}

const api = {
  /** Calls a contract channel; resolves to {ok, result} or {ok: false, error: {code, message, field}}. */
  invoke(channel: string, request: unknown): Promise<unknown> {
    if (typeof channel !== 'string' || !allowedChannels.has(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'VALIDATION', message: `unknown channel ${String(channel)}`, field: 'channel' } })
    }
    return ipcRenderer.invoke(channel, request)
  },
  /** Subscribes to a contract event; returns a function that unsubscribes. */
  on(event: string, fn: Listener): () => void {
    if (typeof event !== 'string' || !allowedEvents.has(event)) throw new Error(`unknown event ${String(event)}`)
    if (typeof fn !== 'function') throw new Error('listener must be a function')
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    set.add(fn)
    return () => off(event, fn)
  },
  off,
}

contextBridge.exposeInMainWorld('kafkadesk', api)
