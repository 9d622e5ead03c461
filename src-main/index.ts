// The Electron main process: one secure window, the app menu, the IPC binding, and the
// embedded cluster in a utility process (so brokers never block this event loop; the
// console reaches them over TCP like any other cluster, and per-broker control and client
// activity are calls into that process).
import { app, BrowserWindow, ipcMain, Menu, protocol, safeStorage, screen, session, shell, utilityProcess, dialog } from 'electron'
import type { MenuItemConstructorOptions, Rectangle, UtilityProcess, WebContents } from 'electron'
import { readFile, rename, writeFile, mkdir } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { dirname, extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bindIpc, forwardBroadcast } from './ipc/electron'
import { contentSecurityPolicy } from './ipc/csp'
import { Broadcast } from './ipc/broadcast'
import { openConsole, type ConsoleHandle } from './ipc/host'
import { ContractError, EMBEDDED_CONNECTION_ID, type EmbeddedStatus, type EventName, type Handlers, type ResponseOf } from './ipc/contract'
import type { ClusterMethod } from './cluster-process'
import { encryptingSafeStorage, type SafeStorageLike } from './console/secrets'
import { BrokerRelay } from './console/embedded-spawner'
import { clientConfigLines } from './cli/client-configs'
import { userDataDir } from './cli/data-dir'
import { DataDirBusy, lockDataDir } from './cli/data-dir-lock'

const here = dirname(fileURLToPath(import.meta.url))
/** The renderer is served from this privileged scheme instead of file://. */
export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://kafkadesk`
const rendererDir = join(here, '..', 'renderer')
const preloadPath = join(here, '..', 'preload', 'index.cjs')
const clusterProcessPath = join(here, 'cluster-process.js')
const devServerUrl = process.env.ELECTRON_RENDERER_URL

/** The page's CSP; in development the Vite server and its HMR socket are allowed too. */
export function windowCsp(): string {
  if (!devServerUrl) return contentSecurityPolicy()
  const dev = new URL(devServerUrl)
  return contentSecurityPolicy([dev.origin, `ws://${dev.host}`])
}

/** Only the app's own page may navigate or call IPC. */
export function isAppUrl(url: string): boolean {
  if (url.startsWith(`${APP_ORIGIN}/`)) return true
  return devServerUrl !== undefined && url.startsWith(new URL(devServerUrl).origin + '/')
}

// ---------------------------------------------------------------------------------------------
// Window state

export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

const DEFAULT_STATE: WindowState = { width: 1280, height: 820, maximized: false }

export function windowStatePath(): string {
  return join(app.getPath('userData'), 'window-state.json')
}

/** The saved state, if sane and still on a connected display; else the default size, centred. */
export function loadWindowState(file = windowStatePath()): WindowState {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return { ...DEFAULT_STATE }
  }
  const s = raw as Partial<Record<keyof WindowState, unknown>>
  const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v)
  if (!s || !int(s.width) || !int(s.height)) return { ...DEFAULT_STATE }
  const state: WindowState = {
    width: Math.max(640, Math.min(10_000, s.width as number)),
    height: Math.max(400, Math.min(10_000, s.height as number)),
    maximized: s.maximized === true,
  }
  if (int(s.x) && int(s.y)) {
    const bounds: Rectangle = { x: s.x as number, y: s.y as number, width: state.width, height: state.height }
    const visible = screen.getAllDisplays().some(({ workArea: a }) => bounds.x < a.x + a.width - 50 && bounds.x + bounds.width > a.x + 50 && bounds.y >= a.y - 10 && bounds.y < a.y + a.height - 50)
    if (visible) Object.assign(state, { x: bounds.x, y: bounds.y })
  }
  return state
}

export async function saveWindowState(win: BrowserWindow, file = windowStatePath()): Promise<void> {
  const b = win.getNormalBounds()
  const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() }
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(state, null, 2))
  await rename(tmp, file)
}

// ---------------------------------------------------------------------------------------------
// Security: every web contents, whoever creates it

/** Blocks navigation away from the app, new windows (links open in the browser), webviews and permissions. */
export function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
}

function secureSession(): void {
  const ses = session.defaultSession
  const csp = windowCsp()
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) }
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k]
    headers['Content-Security-Policy'] = [csp]
    callback({ responseHeaders: headers })
  })
  // Nothing but writing to the clipboard (the copy buttons), and only for the app's own page.
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => callback(permission === 'clipboard-sanitized-write' && isAppUrl(details?.requestingUrl ?? '')))
  ses.setPermissionCheckHandler(() => false)
}

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
}

/** app://kafkadesk/… serves out/renderer, with the CSP on every response. */
function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    let file: string
    try {
      const { pathname } = new URL(request.url)
      file = join(rendererDir, normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)))
    } catch {
      return new Response('bad request', { status: 400 })
    }
    if (!file.startsWith(rendererDir + sep)) return new Response('forbidden', { status: 403 })
    try {
      const body = await readFile(file)
      return new Response(body, {
        headers: { 'Content-Type': mimeTypes[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': windowCsp() },
      })
    } catch {
      return new Response('not found', { status: 404 })
    }
  })
}

// ---------------------------------------------------------------------------------------------
// The window

let mainWindow: BrowserWindow | null = null

export function createWindow(): BrowserWindow {
  const state = loadWindowState()
  const win = new BrowserWindow({
    ...state,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Kafkadesk',
    backgroundColor: '#0d1b36',
    icon: app.isPackaged ? join(process.resourcesPath, 'icon.png') : join(here, '..', '..', 'resources', 'icon.png'),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
    },
  })
  if (state.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())

  let saveTimer: ReturnType<typeof setTimeout> | undefined
  const saveSoon = () => {
    clearTimeout(saveTimer)
    saveTimer = setTimeout(() => void saveWindowState(win).catch(() => {}), 500)
  }
  win.on('resize', saveSoon)
  win.on('move', saveSoon)
  win.on('maximize', saveSoon)
  win.on('unmaximize', saveSoon)
  win.on('close', () => {
    clearTimeout(saveTimer)
    void saveWindowState(win).catch(() => {})
  })
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })

  if (devServerUrl) void win.loadURL(devServerUrl)
  else void win.loadURL(`${APP_ORIGIN}/index.html`)
  mainWindow = win
  return win
}

function focusWindow(): void {
  const win = mainWindow ?? createWindow()
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
}

// ---------------------------------------------------------------------------------------------
// Menu

export function menuTemplate(): MenuItemConstructorOptions[] {
  const mac = process.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = []
  if (mac) template.push({ role: 'appMenu' })
  template.push(
    {
      label: 'File',
      submenu: [{ label: 'Open Data Folder', click: () => void shell.openPath(app.getPath('userData')) }, { type: 'separator' }, mac ? { role: 'close' } : { role: 'quit' }],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'About Kafkadesk',
          click: () =>
            void dialog.showMessageBox({
              type: 'info',
              title: 'About Kafkadesk',
              message: `Kafkadesk ${app.getVersion()}`,
              detail: `Kafka admin and monitoring console with an embedded Kafka-compatible cluster.\nElectron ${process.versions.electron ?? '?'} · Node ${process.versions.node}`,
            }),
        },
        { label: 'Kafka Documentation', click: () => void shell.openExternal('https://kafka.apache.org/documentation/') },
      ],
    },
  )
  return template
}

// ---------------------------------------------------------------------------------------------
// The embedded cluster, in a utility process (src-main/cluster-process.ts)

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void }

/** The utility process running the embedded cluster, and calls into it. */
export class ClusterProcess {
  private child: UtilityProcess | null = null
  private nextId = 1
  private pending = new Map<number, Pending>()
  private exited: Promise<void> = Promise.resolve()
  private status: EmbeddedStatus | null = null

  constructor(
    private readonly options: { brokers: number; dataDir: string; log: (line: string) => void; onEvent: (event: string, payload: unknown) => void },
  ) {}

  /** Forks the process; resolves with the cluster's status once its brokers listen. */
  start(port: number, brokers = this.options.brokers): Promise<EmbeddedStatus> {
    return new Promise((resolve, reject) => {
      const args = ['--brokers', String(brokers), '--port', String(port), '--data-dir', this.options.dataDir]
      const child = utilityProcess.fork(clusterProcessPath, args, { stdio: 'pipe', serviceName: 'Kafkadesk cluster' })
      this.child = child
      // Its broker processes: only this process may start utility processes (console/embedded-spawner.ts).
      const relay = new BrokerRelay((p, a, o) => utilityProcess.fork(p, a, o), clusterProcessPath)
      let settled = false
      this.exited = new Promise((done) =>
        child.once('exit', (code: number) => {
          relay.killAll()
          if (this.child === child) this.child = null
          for (const p of this.pending.values()) p.reject(new ContractError('INTERNAL', `the cluster process exited (code ${code})`))
          this.pending.clear()
          if (!settled) reject(new Error(`the cluster process exited with code ${code} before it was ready`))
          else this.options.log(`cluster process exited with code ${code}`)
          settled = true
          done()
        }),
      )
      child.stderr?.on('data', (d: Buffer) => this.options.log(d.toString().trimEnd()))
      child.stdout?.on('data', (d: Buffer) => this.options.log(d.toString().trimEnd()))
      child.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: { code: string; message: string; field?: string }; event?: string; payload?: unknown; ready?: EmbeddedStatus; failed?: string; broker?: Parameters<BrokerRelay['handle']>[0] }) => {
        if (m.broker) relay.handle(m.broker, child)
        else if (m.ready && !settled) {
          settled = true
          this.status = m.ready
          resolve(m.ready)
        } else if (m.failed !== undefined && !settled) {
          settled = true
          reject(new Error(m.failed))
        } else if (typeof m.event === 'string') {
          if (m.event === 'cluster.event' && (m.payload as { type?: string })?.type === 'embedded') this.status = (m.payload as { status: EmbeddedStatus }).status
          this.options.onEvent(m.event, m.payload)
        } else if (typeof m.id === 'number') {
          const p = this.pending.get(m.id)
          this.pending.delete(m.id)
          if (!p) return
          if (m.ok) p.resolve(m.result)
          else p.reject(new ContractError(m.error?.code ?? 'INTERNAL', m.error?.message ?? 'cluster process error', m.error?.field))
        }
      })
    })
  }

  get running(): boolean {
    return this.child !== null
  }

  call<T>(method: ClusterMethod, ...args: unknown[]): Promise<T> {
    const child = this.child
    if (!child) return Promise.reject(new ContractError('CONFLICT', 'the embedded cluster is not running'))
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      child.postMessage({ id, method, args })
    })
  }

  lastStatus(): EmbeddedStatus | null {
    return this.status
  }

  /** Stops the brokers (logs flushed), then ends the process. */
  async stop(): Promise<void> {
    const child = this.child
    if (!child) return
    await Promise.race([this.call('stop').catch(() => {}), new Promise((r) => setTimeout(r, 10_000))])
    child.kill()
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5_000))])
  }
}

/** The embedded.* channels served by the cluster process instead of an in-process cluster. */
export function embeddedHandlers(cluster: ClusterProcess, attach: (bootstrap: string | null) => Promise<void>, dataDir: string, claim: () => void = () => {}): Partial<Handlers> {
  const stopped = (): EmbeddedStatus => ({ state: 'stopped', connectionId: EMBEDDED_CONNECTION_ID, bootstrap: null, dataDir, brokers: [] })
  const status = async (): Promise<EmbeddedStatus> => (cluster.running ? cluster.call<EmbeddedStatus>('status') : (cluster.lastStatus() ?? stopped()))
  return {
    'embedded.status': () => status(),
    'embedded.start': async (req) => {
      claim()
      if (!cluster.running) await cluster.start(0, req.brokers)
      const s = await cluster.call<EmbeddedStatus>('start', req.brokers)
      await attach(s.bootstrap)
      return s
    },
    'embedded.stop': async () => {
      if (!cluster.running) return status()
      await attach(null)
      return cluster.call<EmbeddedStatus>('stop')
    },
    'embedded.broker.start': (req) => cluster.call<EmbeddedStatus>('startBroker', req.nodeId),
    'embedded.broker.stop': (req) => cluster.call<EmbeddedStatus>('stopBroker', req.nodeId),
    'embedded.broker.kill': (req) => cluster.call<EmbeddedStatus>('killBroker', req.nodeId),
    'embedded.broker.faults': ({ nodeId, ...faults }) => cluster.call<EmbeddedStatus>('setFaults', nodeId, faults),
    'embedded.activity': async (req) => ({ clients: cluster.running ? await cluster.call<ResponseOf<'embedded.activity'>['clients']>('activity', req.nodeId) : [] }),
  }
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

let consoleHost: ConsoleHandle | null = null
let cluster: ClusterProcess | null = null
let unbind: (() => void) | null = null
let releaseDataDir: (() => void) | null = null

/** Kafka's usual port when it is free (so clients find the cluster where they expect it), else free ports. */
async function startCluster(c: ClusterProcess, log: (line: string) => void): Promise<EmbeddedStatus> {
  try {
    return await c.start(9092)
  } catch (e) {
    const message = (e as Error).message
    const taken = /EADDRINUSE|address already in use/i.test(message) ? (/:(\d+)\b/.exec(message)?.[1] ?? '9092') : null
    log(taken ? `port ${taken} is taken: the embedded cluster uses free ports instead` : `embedded cluster on port 9092 failed (${message}); trying free ports`)
    return c.start(0)
  }
}

async function ready(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`)
  secureSession()
  serveRenderer()
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()))
  const broadcast = new Broadcast()
  forwardBroadcast(broadcast, () => BrowserWindow.getAllWindows())
  const host = await openConsole({
    dataDir: app.getPath('userData'),
    broadcast,
    log,
    safeStorage: desktopSafeStorage(log),
  })
  consoleHost = host
  // The same cluster as `kafkadesk cluster` and `kafkadesk serve` (the user's data dir), so
  // `npm start` keeps its topics whichever way it runs. One Kafkadesk at a time may run it.
  const shared = userDataDir()
  const clusterDir = join(shared, 'cluster')
  const claim = () => {
    if (releaseDataDir) return
    try {
      releaseDataDir = lockDataDir(shared)
    } catch (e) {
      throw e instanceof DataDirBusy ? new ContractError('CONFLICT', e.message) : e
    }
  }
  const c = new ClusterProcess({ brokers: 3, dataDir: clusterDir, log, onEvent: (event, payload) => broadcast.emit(event as EventName, payload as never) })
  cluster = c
  const handlers: Handlers = { ...host.handlers, ...embeddedHandlers(c, (b) => host.attachEmbedded(b), clusterDir, claim) }
  unbind = bindIpc(ipcMain, { handlers, isTrustedSender: isAppUrl, onClientGone: (id) => host.clientGone(id) })
  createWindow()
  // The window shows at once; the cluster joins as the built-in connection when it is up.
  Promise.resolve()
    .then(() => {
      claim()
      return startCluster(c, log)
    })
    .then(async (status) => {
      log(`embedded cluster ready at ${status.bootstrap}`)
      if (status.bootstrap) for (const line of clientConfigLines(status.bootstrap)) log(line)
      await host.attachEmbedded(status.bootstrap)
      broadcast.emit('cluster.event', { type: 'embedded', at: Date.now(), status })
    })
    .catch((e: Error) => {
      log(`embedded cluster failed to start: ${e.message}`)
      broadcast.emit('cluster.event', { type: 'embedded', at: Date.now(), status: { state: 'error', connectionId: EMBEDDED_CONNECTION_ID, bootstrap: null, dataDir: clusterDir, brokers: [], error: e.message } })
    })
}

/** Electron's safeStorage when it encrypts with an OS keychain; on Linux without a keyring (basic_text) secrets are kept as in web mode, and say so. */
export function desktopSafeStorage(log: (line: string) => void = () => {}): SafeStorageLike | undefined {
  const safe = encryptingSafeStorage(safeStorage)
  if (!safe) log(`no OS keychain for secrets (safeStorage backend: ${safeStorage.getSelectedStorageBackend?.() ?? 'none'}); they are kept in a 0600 file, not encrypted`)
  return safe
}

let quitting = false
async function shutdown(): Promise<void> {
  unbind?.()
  await consoleHost?.close().catch(() => {})
  await cluster?.stop().catch(() => {})
  releaseDataDir?.()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])
  app.on('second-instance', () => focusWindow())
  app.on('web-contents-created', (_event, contents) => lockDown(contents))
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && app.isReady()) createWindow()
  })
  app.on('before-quit', (event) => {
    if (quitting) return
    quitting = true
    event.preventDefault()
    void shutdown().finally(() => app.quit())
  })
  app.whenReady().then(ready, (e: Error) => {
    process.stderr.write(`kafkadesk: ${e.message}\n`)
    app.exit(1)
  })
}
