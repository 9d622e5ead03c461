// The Electron main process, the app's entry: the only module with side effects at import. It
// wires the parts in src-main/shell/ (the window, the menu, the app:// protocol and CSP, the
// embedded cluster's utility-process client) to the console (ipc/host.ts) through the IPC
// binding. The embedded cluster runs in a utility process so brokers never block this event
// loop; the console reaches it over TCP like any other cluster.
import { app, BrowserWindow, ipcMain } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bindIpc, forwardBroadcast } from './ipc/electron'
import { Broadcast } from './ipc/broadcast'
import { openConsole, type ConsoleHandle } from './ipc/host'
import { ContractError, EMBEDDED_CONNECTION_ID, type EventName, type EventOf, type Handlers } from './ipc/contract'
import { embeddedHandlers } from './ipc/embedded-control'
import { appPageUrl, isAppUrl, registerAppScheme, serveRenderer } from './shell/app-protocol'
import { lockDown, secureSession } from './shell/security'
import { installMenu } from './shell/menu'
import { MainWindow } from './shell/window'
import { ClusterProcess, startOnKafkaPort } from './shell/cluster-client'
import { ClusterProcessControl } from './shell/cluster-control'
import { desktopSafeStorage } from './shell/safe-storage'
import { clientConfigLines } from './cli/client-configs'
import { userDataDir } from './cli/data-dir'
import { DataDirBusy, lockDataDir } from './cli/data-dir-lock'

// What the tests and other entries use from the shell's parts.
export { APP_ORIGIN, APP_SCHEME, isAppUrl, windowCsp } from './shell/app-protocol'
export { lockDown } from './shell/security'
export { menuTemplate } from './shell/menu'
export { loadWindowState, saveWindowState, windowStatePath, type WindowState } from './shell/window'
export { ClusterProcess } from './shell/cluster-client'
export { desktopSafeStorage } from './shell/safe-storage'

// Bundled, this module is out/main/index.js: the preload, the renderer and the cluster's entry sit beside it.
const here = dirname(fileURLToPath(import.meta.url))
const paths = {
  renderer: join(here, '..', 'renderer'),
  preload: join(here, '..', 'preload', 'index.cjs'),
  clusterProcess: join(here, 'cluster-process.js'),
  icon: app.isPackaged ? join(process.resourcesPath, 'icon.png') : join(here, '..', '..', 'resources', 'icon.png'),
}

const mainWindow = new MainWindow({ preload: paths.preload, icon: paths.icon, url: appPageUrl })
let consoleHost: ConsoleHandle | null = null
let cluster: ClusterProcess | null = null
let unbind: (() => void) | null = null
let releaseDataDir: (() => void) | null = null

async function ready(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`)
  secureSession()
  serveRenderer(paths.renderer)
  installMenu()
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
  // The cluster process forwards the contract's events as it emitted them.
  const c = new ClusterProcess({
    entry: paths.clusterProcess,
    brokers: 3,
    dataDir: clusterDir,
    log,
    onEvent: (event, payload) => broadcast.emit(event as EventName, payload as EventOf<EventName>),
  })
  cluster = c
  const control = new ClusterProcessControl(c, { dataDir: clusterDir, attach: (b) => host.attachEmbedded(b), claim })
  const handlers: Handlers = { ...host.handlers, ...embeddedHandlers(control) }
  unbind = bindIpc(ipcMain, { handlers, isTrustedSender: isAppUrl, onClientGone: (id) => host.clientGone(id) })
  mainWindow.open()
  // The window shows at once; the cluster joins as the built-in connection when it is up.
  Promise.resolve()
    .then(() => {
      claim()
      return startOnKafkaPort(c, log)
    })
    .then(async (status) => {
      log(`embedded cluster ready at ${status.bootstrap}`)
      if (status.bootstrap) for (const line of clientConfigLines(status.bootstrap)) log(line)
      await host.attachEmbedded(status.bootstrap)
      broadcast.emit('cluster.event', { type: 'embedded', at: Date.now(), status })
    })
    .catch((e: Error) => {
      log(`embedded cluster failed to start: ${e.message}`)
      broadcast.emit('cluster.event', {
        type: 'embedded',
        at: Date.now(),
        status: { state: 'error', connectionId: EMBEDDED_CONNECTION_ID, bootstrap: null, dataDir: clusterDir, brokers: [], error: e.message },
      })
    })
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
  registerAppScheme()
  app.on('second-instance', () => mainWindow.focus())
  app.on('web-contents-created', (_event, contents) => lockDown(contents))
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && app.isReady()) mainWindow.open()
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
