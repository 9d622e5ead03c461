// The Electron main process: one secure window, the app menu, the IPC binding, and the
// embedded cluster in a utility process (so brokers never block this event loop; the
// console reaches them over TCP like any other cluster).
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

const here = dirname(fileURLToPath(import.meta.url))
/** The renderer is served from this privileged scheme instead of file://. */
export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://kafkadesk`
const rendererDir = join(here, '..', 'renderer')
const preloadPath = join(here, '..', 'preload', 'index.cjs')
const cliPath = join(here, '..', 'cli', 'kafkadesk.js')
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
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
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
    const { pathname } = new URL(request.url)
    const rel = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname))
    const file = join(rendererDir, rel)
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
    icon: join(here, '..', '..', 'resources', 'icon.png'),
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
      submenu: [
        { label: 'New Window', accelerator: 'CmdOrCtrl+N', click: () => focusWindow() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
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
        { label: 'Open Data Folder', click: () => void shell.openPath(app.getPath('userData')) },
      ],
    },
  )
  return template
}

// ---------------------------------------------------------------------------------------------
// The embedded cluster, in a utility process running `kafkadesk cluster`

export interface ClusterProcess {
  bootstrap: string
  child: UtilityProcess
  stop(): Promise<void>
}

/** Forks the CLI's `cluster` command and resolves with its bootstrap once it prints `ready`. */
export function startClusterProcess(options: { brokers: number; port: number; dataDir: string; log: (line: string) => void }): Promise<ClusterProcess> {
  return new Promise((resolve, reject) => {
    const args = ['cluster', '--brokers', String(options.brokers), '--port', String(options.port), '--data-dir', options.dataDir]
    const child = utilityProcess.fork(cliPath, args, { stdio: 'pipe', serviceName: 'Kafkadesk cluster' })
    let out = ''
    let ready = false
    let exited = false
    const exitedPromise = new Promise<void>((r) =>
      child.once('exit', (code) => {
        exited = true
        r()
        if (!ready) reject(new Error(`the cluster process exited with code ${code} before it was ready`))
        else options.log(`cluster process exited with code ${code}`)
      }),
    )
    child.stderr?.on('data', (d: Buffer) => options.log(d.toString().trimEnd()))
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /^ready bootstrap=(\S+)$/m.exec(out)
      if (m && !ready) {
        ready = true
        resolve({
          bootstrap: m[1],
          child,
          async stop() {
            if (exited) return
            child.kill()
            await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 10_000))])
          },
        })
      }
    })
  })
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

let consoleHost: ConsoleHandle | null = null
let cluster: ClusterProcess | null = null
let unbind: (() => void) | null = null

async function startCluster(log: (line: string) => void): Promise<ClusterProcess> {
  const dataDir = join(app.getPath('userData'), 'cluster')
  try {
    return await startClusterProcess({ brokers: 3, port: 9092, dataDir, log })
  } catch (e) {
    log(`cluster on port 9092 failed (${(e as Error).message}); trying free ports`)
    return startClusterProcess({ brokers: 3, port: 0, dataDir, log })
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
    safeStorage: safeStorage.isEncryptionAvailable() ? safeStorage : undefined,
  })
  consoleHost = host
  unbind = bindIpc(ipcMain, { handlers: host.handlers, isTrustedSender: isAppUrl, onClientGone: (id) => host.clientGone(id) })
  createWindow()
  // The window shows at once; the cluster joins as the built-in connection when it is up.
  startCluster(log)
    .then(async (c) => {
      cluster = c
      log(`embedded cluster ready at ${c.bootstrap}`)
      await host.attachEmbedded(c.bootstrap)
    })
    .catch((e: Error) => log(`embedded cluster failed to start: ${e.message}`))
}

let quitting = false
async function shutdown(): Promise<void> {
  unbind?.()
  await consoleHost?.close().catch(() => {})
  await cluster?.stop().catch(() => {})
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
