// The app's one window: secure webPreferences, its size and place kept between launches
// (window-state.json in userData), shown when ready and focused on a second launch.
import { app, BrowserWindow, screen, type Rectangle } from 'electron'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

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
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)
  if (!s || !int(s.width) || !int(s.height)) return { ...DEFAULT_STATE }
  const state: WindowState = {
    width: Math.max(640, Math.min(10_000, s.width)),
    height: Math.max(400, Math.min(10_000, s.height)),
    maximized: s.maximized === true,
  }
  if (int(s.x) && int(s.y)) {
    const bounds: Rectangle = { x: s.x, y: s.y, width: state.width, height: state.height }
    const visible = screen
      .getAllDisplays()
      .some(({ workArea: a }) => bounds.x < a.x + a.width - 50 && bounds.x + bounds.width > a.x + 50 && bounds.y >= a.y - 10 && bounds.y < a.y + a.height - 50)
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

export interface MainWindowOptions {
  /** The preload bundle (out/preload/index.cjs). */
  preload: string
  icon: string
  /** The page to load. */
  url: () => string
}

/** The main window: at most one, recreated on demand (macOS activate, a second launch). */
export class MainWindow {
  private win: BrowserWindow | null = null

  constructor(private readonly options: MainWindowOptions) {}

  open(): BrowserWindow {
    const state = loadWindowState()
    const win = new BrowserWindow({
      ...state,
      minWidth: 800,
      minHeight: 500,
      show: false,
      title: 'Kafkadesk',
      backgroundColor: '#0d1b36',
      icon: this.options.icon,
      webPreferences: {
        preload: this.options.preload,
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
      if (this.win === win) this.win = null
    })

    void win.loadURL(this.options.url())
    this.win = win
    return win
  }

  focus(): void {
    const win = this.win ?? this.open()
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  }
}
