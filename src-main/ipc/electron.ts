// The Electron binding of the IPC contract: every channel on ipcMain.handle, served by the
// contract's dispatch() (the same validation and handlers as web mode), and events sent to
// the calling window on one channel that the preload fans out.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import type { Broadcast } from './broadcast'
import { channelNames, dispatch, type EventSink, type Handlers } from './contract'

/** The one Electron channel that carries events: (eventName, payload). */
export const EVENT_CHANNEL = 'kafkadesk:event'

/** What a renderer gets back from invoke: the result, or the error shape (never a thrown Error, which Electron would flatten to a string). */
export type Envelope = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; field?: string } }

export interface ElectronBindingOptions {
  handlers: Handlers
  /** Only frames whose URL passes may call (the app's own page). */
  isTrustedSender: (url: string) => boolean
  /** A window went away: the services end its tails and searches. */
  onClientGone?: (clientId: string) => void
}

/** Sends broadcast events to every live window. */
export function forwardBroadcast(broadcast: Broadcast, windows: () => { webContents: WebContents }[]): () => void {
  return broadcast.subscribe((event, payload) => {
    for (const w of windows()) if (!w.webContents.isDestroyed()) w.webContents.send(EVENT_CHANNEL, event, payload)
  })
}

/** Binds every contract channel; returns a function that removes the bindings. */
export function bindIpc(ipcMain: IpcMain, options: ElectronBindingOptions): () => void {
  const { handlers, isTrustedSender } = options
  const watched = new Set<number>()

  const clientOf = (sender: WebContents): { clientId: string; sink: EventSink } => {
    const clientId = `window-${sender.id}`
    if (!watched.has(sender.id)) {
      watched.add(sender.id)
      sender.once('destroyed', () => {
        watched.delete(sender.id)
        options.onClientGone?.(clientId)
      })
    }
    const sink: EventSink = {
      emit: (event, payload) => {
        if (!sender.isDestroyed()) sender.send(EVENT_CHANNEL, event, payload)
      },
    }
    return { clientId, sink }
  }

  for (const channel of channelNames) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown): Promise<Envelope> => {
      const url = event.senderFrame?.url ?? ''
      if (!isTrustedSender(url)) {
        return { ok: false, error: { code: 'REFUSED', message: `IPC from an untrusted page is refused (${url || 'unknown frame'})` } }
      }
      const ctx = clientOf(event.sender)
      const r = await dispatch(handlers, channel, payload, ctx)
      return r.ok ? { ok: true, result: r.value } : { ok: false, error: r.error }
    })
  }
  return () => {
    for (const channel of channelNames) ipcMain.removeHandler(channel)
  }
}
