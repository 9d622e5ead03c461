// The Electron shell with the electron module mocked: window security settings, CSP,
// navigation and new windows blocked, single-instance lock, every contract channel bound,
// the cluster in a utility process, window state, menu, and the preload bridge.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { EventEmitter } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { channelNames, eventNames } from '../../src-main/ipc/contract'

const h = vi.hoisted(() => {
  const state = {
    lock: true,
    userData: '',
    appEvents: new Map<string, (...args: unknown[]) => unknown>(),
    windows: [] as Array<{ options: Record<string, unknown>; loaded: string[]; events: Map<string, (...a: unknown[]) => void> }>,
    handled: new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>(),
    headersHook: null as null | ((details: unknown, cb: (r: unknown) => void) => void),
    protocolHandler: null as null | ((req: { url: string }) => Promise<Response>),
    privileged: [] as unknown[],
    forks: [] as Array<{ path: string; args: string[]; options: Record<string, unknown> }>,
    menu: null as unknown,
    permissionHandler: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
    opened: [] as string[],
    quit: 0,
    exposed: new Map<string, unknown>(),
    rendererListeners: new Map<string, (...a: unknown[]) => void>(),
    rendererInvokes: [] as unknown[][],
    clusterCalls: [] as unknown[][],
  }
  return { state }
})

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events')
  const s = h.state
  class FakeWebContents extends EventEmitter {
    id = 7
    openHandler: ((d: { url: string }) => { action: string }) | null = null
    sent: unknown[][] = []
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
      this.openHandler = fn
    }
    isDestroyed() {
      return false
    }
    send(...args: unknown[]) {
      this.sent.push(args)
    }
  }
  class BrowserWindow extends EventEmitter {
    static all: BrowserWindow[] = []
    static getAllWindows() {
      return BrowserWindow.all
    }
    webContents = new FakeWebContents()
    loaded: string[] = []
    maximized = false
    constructor(readonly options: Record<string, unknown>) {
      super()
      BrowserWindow.all.push(this)
      const rec = { options, loaded: this.loaded, events: new Map<string, (...a: unknown[]) => void>() }
      s.windows.push(rec)
      const on = this.on.bind(this)
      this.on = ((e: string, fn: (...a: unknown[]) => void) => {
        rec.events.set(e, fn)
        return on(e, fn)
      }) as typeof this.on
      s.appEvents.get('web-contents-created')?.({}, this.webContents)
    }
    async loadURL(url: string) {
      this.loaded.push(url)
    }
    maximize() {
      this.maximized = true
    }
    isMaximized() {
      return this.maximized
    }
    getNormalBounds() {
      return { x: 10, y: 20, width: 1000, height: 700 }
    }
    isMinimized() {
      return false
    }
    restore() {}
    show() {}
    focus() {}
  }
  const app = {
    requestSingleInstanceLock: vi.fn(() => s.lock),
    quit: vi.fn(() => {
      s.quit++
    }),
    exit: vi.fn(),
    on: vi.fn((e: string, fn: (...a: unknown[]) => unknown) => {
      s.appEvents.set(e, fn)
      return app
    }),
    whenReady: () => Promise.resolve(),
    isReady: () => true,
    isPackaged: false,
    getPath: (name: string) => (name === 'userData' ? s.userData : tmpdir()),
    getVersion: () => '0.1.0',
  }
  // The cluster process, simulated: answers {id, method, args} like src-main/cluster-process.ts.
  const fakeChild = (args: string[]) => {
    const child = new EventEmitter() as EventEmitter & { stdout: EventEmitter; stderr: EventEmitter; kill: () => void; postMessage: (m: unknown) => void }
    child.stdout = new EventEmitter()
    child.stderr = new EventEmitter()
    const port = Number(args[args.indexOf('--port') + 1])
    const brokers = [1, 2, 3].map((nodeId) => ({ nodeId, host: '127.0.0.1', port: 19091 + nodeId, state: 'running' }))
    const status = () => ({ state: 'running', connectionId: 'embedded', bootstrap: '127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094', dataDir: 'd', brokers })
    child.kill = () => setTimeout(() => child.emit('exit', 0), 1)
    child.postMessage = (m: unknown) => {
      const { id, method, args: a } = m as { id: number; method: string; args: unknown[] }
      s.clusterCalls.push([method, ...a])
      setTimeout(() => {
        if (method === 'stopBroker') {
          brokers[(a[0] as number) - 1].state = 'stopped'
          child.emit('message', { event: 'cluster.event', payload: { type: 'broker', at: 1, nodeId: a[0], state: 'stopped' } })
        }
        if (method === 'killBroker' && a[0] === 99)
          return child.emit('message', { id, ok: false, error: { code: 'NOT_FOUND', message: 'no broker 99', field: 'nodeId' } })
        if (method === 'activity')
          return child.emit('message', { id, ok: true, result: [{ nodeId: 1, clientId: 'c', address: 'a', lastSeen: 1, requests: {} }] })
        child.emit('message', { id, ok: true, result: status() })
      }, 1)
    }
    // Port 9092 is "taken": the first start fails, the shell retries on free ports.
    setTimeout(() => child.emit('message', port === 9092 ? { failed: 'listen EADDRINUSE 127.0.0.1:9092' } : { ready: status() }), 5)
    if (port === 9092) setTimeout(() => child.emit('exit', 1), 10)
    return child
  }
  return {
    app,
    BrowserWindow,
    ipcMain: {
      handle: vi.fn((c: string, fn: (e: unknown, p: unknown) => Promise<unknown>) => s.handled.set(c, fn)),
      removeHandler: vi.fn((c: string) => s.handled.delete(c)),
    },
    Menu: {
      buildFromTemplate: (t: unknown) => ({ template: t }),
      setApplicationMenu: (m: unknown) => {
        s.menu = m
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (p: unknown[]) => s.privileged.push(...p),
      handle: (_scheme: string, fn: (req: { url: string }) => Promise<Response>) => {
        s.protocolHandler = fn
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (t: string) => Buffer.from(`enc:${t}`),
      decryptString: (b: Buffer) => b.toString().slice(4),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: (fn: (details: unknown, cb: (r: unknown) => void) => void) => {
            s.headersHook = fn
          },
        },
        setPermissionRequestHandler: (fn: (wc: unknown, p: string, cb: (ok: boolean) => void) => void) => {
          s.permissionHandler = fn
        },
        setPermissionCheckHandler: () => {},
      },
    },
    shell: {
      openExternal: vi.fn(async (url: string) => {
        s.opened.push(url)
      }),
      openPath: vi.fn(),
    },
    utilityProcess: {
      fork: vi.fn((path: string, args: string[], options: Record<string, unknown>) => {
        s.forks.push({ path, args, options })
        return fakeChild(args)
      }),
    },
    dialog: { showMessageBox: vi.fn() },
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => s.exposed.set(key, api),
    },
    ipcRenderer: {
      on: (c: string, fn: (...a: unknown[]) => void) => s.rendererListeners.set(c, fn),
      invoke: async (...args: unknown[]) => {
        s.rendererInvokes.push(args)
        return { ok: true, result: 'from main' }
      },
    },
  }
})

const s = h.state
let shell: typeof import('../../src-main/index')

/** Calls a bound channel as the app's window would. */
function call(channel: string, payload: unknown): Promise<unknown> {
  const sender = Object.assign(new EventEmitter(), { id: 9, isDestroyed: () => false, send: () => {} })
  return s.handled.get(channel)!({ sender, senderFrame: { url: `${shell.APP_ORIGIN}/index.html` } }, payload)
}

/** What the shell logged (stderr) while it started. */
const startupLog: string[] = []

let xdgData: string
const realXdg = process.env.XDG_DATA_HOME

beforeAll(async () => {
  s.userData = mkdtempSync(join(tmpdir(), 'kafkadesk-shell-'))
  // The cluster's data dir is the CLI's (the user's data dir): a temporary one here.
  xdgData = mkdtempSync(join(tmpdir(), 'kafkadesk-shell-xdg-'))
  process.env.XDG_DATA_HOME = xdgData
  const write = process.stderr.write.bind(process.stderr)
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    startupLog.push(String(chunk))
    return write(chunk, ...rest)
  }) as typeof process.stderr.write)
  shell = await import('../../src-main/index')
  // whenReady() resolved; let ready() finish (console opened, window created, cluster forked).
  for (let i = 0; i < 100 && (s.windows.length === 0 || s.handled.size === 0 || s.forks.length < 2); i++) await new Promise((r) => setTimeout(r, 20))
  await new Promise((r) => setTimeout(r, 50))
  spy.mockRestore()
})

afterAll(async () => {
  const quit = s.appEvents.get('before-quit')
  if (quit) {
    quit({ preventDefault() {} })
    await new Promise((r) => setTimeout(r, 100))
  }
  rmSync(s.userData, { recursive: true, force: true })
  // Quitting released the data dir.
  expect(existsSync(join(xdgData, 'kafkadesk', 'serve.lock'))).toBe(false)
  rmSync(xdgData, { recursive: true, force: true })
  if (realXdg === undefined) delete process.env.XDG_DATA_HOME
  else process.env.XDG_DATA_HOME = realXdg
})

describe('the window', () => {
  it('is created once, with the secure webPreferences', () => {
    expect(s.windows).toHaveLength(1)
    const wp = s.windows[0].options.webPreferences as Record<string, unknown>
    expect(wp.contextIsolation).toBe(true)
    expect(wp.sandbox).toBe(true)
    expect(wp.nodeIntegration).toBe(false)
    expect(wp.nodeIntegrationInWorker).toBe(false)
    expect(wp.webSecurity).toBe(true)
    expect(wp.allowRunningInsecureContent).toBe(false)
    expect(wp.webviewTag).toBe(false)
    expect(String(wp.preload)).toMatch(/preload[\\/]index\.cjs$/)
  })

  it('loads the app from the privileged app:// scheme, not file://', () => {
    expect(s.windows[0].loaded).toEqual([`${shell.APP_ORIGIN}/index.html`])
    expect(s.privileged).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })])
  })

  it('has a strict CSP on every response (session headers and the app:// handler)', async () => {
    expect(s.headersHook).toBeTypeOf('function')
    let out: { responseHeaders: Record<string, string[]> } | undefined
    s.headersHook!({ url: 'app://kafkadesk/index.html', responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } }, (r) => {
      out = r as typeof out
    })
    const csp = out!.responseHeaders['Content-Security-Policy'][0]
    expect(out!.responseHeaders['content-security-policy']).toBeUndefined()
    expect(out!.responseHeaders['X-Other']).toEqual(['1'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval)/)
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    const res = await s.protocolHandler!({ url: 'app://kafkadesk/does-not-exist.js' })
    expect(res.status).toBe(404)
    const traversal = await s.protocolHandler!({ url: 'app://kafkadesk/..%2f..%2fpackage.json' })
    expect([403, 404]).toContain(traversal.status)
  })

  it('blocks navigation away from the app and every new window', () => {
    const contents = Object.assign(new EventEmitter(), {
      openHandler: null as null | ((d: { url: string }) => { action: string }),
      setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
        this.openHandler = fn
      },
    })
    shell.lockDown(contents as never)
    const nav = (url: string) => {
      let prevented = false
      contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url)
      return prevented
    }
    expect(nav('https://evil.example/')).toBe(true)
    expect(nav('file:///etc/passwd')).toBe(true)
    expect(nav(`${shell.APP_ORIGIN}/index.html`)).toBe(false)
    let redirected = false
    contents.emit('will-redirect', { preventDefault: () => (redirected = true) }, 'https://evil.example/')
    expect(redirected).toBe(true)
    let webview = false
    contents.emit('will-attach-webview', { preventDefault: () => (webview = true) })
    expect(webview).toBe(true)
    expect(contents.openHandler!({ url: 'https://kafka.apache.org/documentation/' })).toEqual({ action: 'deny' })
    expect(s.opened).toEqual(['https://kafka.apache.org/documentation/'])
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(contents.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    expect(s.opened).toHaveLength(1)
  })

  it('applies the lock-down to every web contents the app creates, the main window included', async () => {
    expect(s.appEvents.has('web-contents-created')).toBe(true)
    const { BrowserWindow } = await import('electron')
    const wc = BrowserWindow.getAllWindows()[0].webContents as unknown as EventEmitter & { openHandler: (d: { url: string }) => { action: string } }
    expect(wc.openHandler({ url: 'http://127.0.0.1:1/' })).toEqual({ action: 'deny' })
    let prevented = false
    wc.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'http://127.0.0.1:1/')
    expect(prevented).toBe(true)
    s.opened.length = 0
  })

  it('denies every permission request but the app page’s clipboard write', () => {
    let granted: boolean | undefined
    s.permissionHandler!({}, 'media', (ok) => (granted = ok))
    expect(granted).toBe(false)
    // The copy buttons may write the clipboard, from the app's own page only.
    const ask = (permission: string, requestingUrl: string) => {
      let answer: boolean | undefined
      ;(s.permissionHandler as unknown as (wc: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl: string }) => void)(
        {},
        permission,
        (ok) => (answer = ok),
        { requestingUrl },
      )
      return answer
    }
    expect(ask('clipboard-sanitized-write', `${shell.APP_ORIGIN}/index.html`)).toBe(true)
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false)
    expect(ask('clipboard-read', `${shell.APP_ORIGIN}/index.html`)).toBe(false)
  })
})

describe('the app', () => {
  it('requests the single-instance lock and focuses the window on a second instance', () => {
    expect(s.appEvents.has('second-instance')).toBe(true)
    expect(s.quit).toBe(0)
  })

  it('binds EVERY contract channel with ipcMain.handle', () => {
    expect([...s.handled.keys()].sort()).toEqual([...channelNames].sort())
  })

  it('validates payloads in the bound handlers and refuses untrusted frames', async () => {
    const sender = new EventEmitter() as EventEmitter & { id: number; isDestroyed(): boolean; send(): void }
    Object.assign(sender, { id: 3, isDestroyed: () => false, send: () => {} })
    const trusted = { sender, senderFrame: { url: `${shell.APP_ORIGIN}/index.html` } }
    const bad = await s.handled.get('topics.create')!(trusted, { connectionId: 'embedded', topic: 'no spaces', partitions: 1, replicationFactor: 1 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'topic' } })
    const good = await s.handled.get('connections.list')!(trusted, {})
    expect(good).toMatchObject({ ok: true, result: { connections: expect.any(Array) } })
    const evil = await s.handled.get('connections.list')!({ sender, senderFrame: { url: 'https://evil.example/' } }, {})
    expect(evil).toMatchObject({ ok: false, error: { code: 'REFUSED' } })
  })

  it('keeps secrets with safeStorage', async () => {
    const sender = Object.assign(new EventEmitter(), { id: 4, isDestroyed: () => false, send: () => {} })
    const r = (await s.handled.get('secrets.status')!({ sender, senderFrame: { url: `${shell.APP_ORIGIN}/` } }, {})) as {
      result: { backend: string; encrypted: boolean }
    }
    expect(r.result).toMatchObject({ backend: 'electron-safe-storage', encrypted: true })
  })

  it('runs the embedded cluster in a utility process, on 9092 or else free ports, and attaches it', async () => {
    expect(s.forks).toHaveLength(2)
    for (const f of s.forks) {
      expect(f.path).toMatch(/main[\\/]cluster-process\.js$|src-main[\\/]cluster-process\.js$/)
      expect(f.args.slice(0, 2)).toEqual(['--brokers', '3'])
      expect(f.args).toContain('--data-dir')
      expect(f.args[f.args.indexOf('--data-dir') + 1]).toBe(join(xdgData, 'kafkadesk', 'cluster'))
      expect(f.options.stdio).toBe('pipe')
    }
    expect(s.forks.map((f) => f.args[f.args.indexOf('--port') + 1])).toEqual(['9092', '0'])
    // The same cluster as `kafkadesk cluster` and `serve`, held by this app while it runs.
    expect(readFileSync(join(xdgData, 'kafkadesk', 'serve.lock'), 'utf8').trim()).toBe(String(process.pid))
    // One clear line for the fallback, then the address and the client settings.
    const log = startupLog.join('')
    expect(log).toContain('port 9092 is taken: the embedded cluster uses free ports instead')
    expect(log).toContain('bootstrap 127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094')
    expect(log).toContain('bootstrap.servers=127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094')
    expect(log).toContain("brokers: ['127.0.0.1:19092', '127.0.0.1:19093', '127.0.0.1:19094']")
    const conns = (await call('connections.list', {})) as { result: { connections: Array<{ id: string; bootstrapServers: string[] }> } }
    expect(conns.result.connections.find((c) => c.id === 'embedded')?.bootstrapServers).toEqual(['127.0.0.1:19092', '127.0.0.1:19093', '127.0.0.1:19094'])
  })

  it('serves embedded.* (per-broker control, activity) from the cluster process, events included', async () => {
    const { BrowserWindow } = await import('electron')
    const wc = BrowserWindow.getAllWindows()[0].webContents as unknown as { sent: unknown[][] }
    const st = (await call('embedded.status', {})) as { result: { state: string; brokers: unknown[] } }
    expect(st.result).toMatchObject({ state: 'running', brokers: expect.any(Array) })
    const stopped = (await call('embedded.broker.stop', { nodeId: 2 })) as { result: { brokers: Array<{ nodeId: number; state: string }> } }
    expect(stopped.result.brokers.find((b) => b.nodeId === 2)?.state).toBe('stopped')
    expect(s.clusterCalls).toContainEqual(['stopBroker', 2])
    // The process's event went to every window.
    expect(wc.sent).toContainEqual(['kafkadesk:event', 'cluster.event', { type: 'broker', at: 1, nodeId: 2, state: 'stopped' }])
    expect(await call('embedded.broker.kill', { nodeId: 99 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', field: 'nodeId' } })
    expect(await call('embedded.activity', {})).toMatchObject({ ok: true, result: { clients: [{ nodeId: 1, clientId: 'c' }] } })
    expect(await call('embedded.broker.start', { nodeId: 'two' })).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'nodeId' } })
  })

  it('has File, Edit, View, Window and Help menus', () => {
    const template = (s.menu as { template: Array<{ label?: string; role?: string }> }).template
    const names = template.map((m) => m.label ?? m.role)
    for (const n of ['File', 'editMenu', 'View', 'windowMenu', 'help']) expect(names).toContain(n)
    const view = template.find((m) => m.label === 'View') as { submenu: Array<{ role?: string }> }
    expect(view.submenu.map((i) => i.role)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools', 'zoomIn', 'togglefullscreen']))
  })
})

describe('window state', () => {
  it('is saved to userData and restored when on screen', async () => {
    const win = { getNormalBounds: () => ({ x: 100, y: 120, width: 1111, height: 777 }), isMaximized: () => true }
    const file = join(s.userData, 'ws-test.json')
    await shell.saveWindowState(win as never, file)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 100, y: 120, width: 1111, height: 777, maximized: true })
    expect(shell.loadWindowState(file)).toEqual({ x: 100, y: 120, width: 1111, height: 777, maximized: true })
  })

  it('drops positions off every display and ignores damaged files', () => {
    const file = join(s.userData, 'ws-off.json')
    writeFileSync(file, JSON.stringify({ x: 5000, y: 5000, width: 900, height: 600, maximized: false }))
    expect(shell.loadWindowState(file)).toEqual({ width: 900, height: 600, maximized: false })
    writeFileSync(file, '{nope')
    expect(shell.loadWindowState(file)).toMatchObject({ width: 1280, height: 820, maximized: false })
    writeFileSync(file, JSON.stringify({ width: 'big' }))
    expect(shell.loadWindowState(file)).toMatchObject({ width: 1280, height: 820 })
  })

  it('the window saves its state when it closes', async () => {
    s.windows[0].events.get('close')!()
    await new Promise((r) => setTimeout(r, 50))
    expect(JSON.parse(readFileSync(join(s.userData, 'window-state.json'), 'utf8'))).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: false })
  })
})

describe('preload', () => {
  it('exposes only invoke/on/off, with the contract allow-lists', async () => {
    await import('../../src-main/preload')
    const api = s.exposed.get('kafkadesk') as {
      invoke(c: string, r: unknown): Promise<unknown>
      on(e: string, fn: (p: unknown) => void): () => void
      off(e: string, fn: (p: unknown) => void): void
    }
    expect(Object.keys(api).sort()).toEqual(['invoke', 'off', 'on'])
    expect(await api.invoke('connections.list', {})).toEqual({ ok: true, result: 'from main' })
    expect(s.rendererInvokes).toEqual([['connections.list', {}]])
    expect(await api.invoke('shell.exec', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'channel' } })
    expect(s.rendererInvokes).toHaveLength(1)
    expect(() => api.on('not.an.event', () => {})).toThrow(/unknown event/)

    const fanout = s.rendererListeners.get('kafkadesk:event')!
    const got: unknown[] = []
    const fn = (p: unknown) => got.push(p)
    const unsubscribe = api.on(eventNames[0], fn)
    fanout({}, eventNames[0], { n: 1 })
    fanout({}, eventNames[1], { n: 2 })
    api.off(eventNames[0], fn)
    fanout({}, eventNames[0], { n: 3 })
    api.on(eventNames[0], fn)
    unsubscribe()
    fanout({}, eventNames[0], { n: 4 })
    expect(got).toEqual([{ n: 1 }])
  })
})

describe('second instance', () => {
  it('quits at once without a window when the lock is held elsewhere', async () => {
    vi.resetModules()
    s.lock = false
    const windowsBefore = s.windows.length
    const quitBefore = s.quit
    await import('../../src-main/index')
    await new Promise((r) => setTimeout(r, 50))
    expect(s.quit).toBe(quitBefore + 1)
    expect(s.windows.length).toBe(windowsBefore)
  })
})
