// The app:// scheme the renderer is served from (instead of file://), which pages count as the
// app's own, and the page's Content-Security-Policy (in development the Vite server and its HMR
// socket are allowed too).
import { protocol } from 'electron'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { contentSecurityPolicy } from '../ipc/csp'

export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://kafkadesk`

/** The Vite dev server electron-vite runs in development (`npm run dev`), if any. */
export function devServerUrl(): string | undefined {
  return process.env.ELECTRON_RENDERER_URL
}

/** The page the window loads. */
export function appPageUrl(): string {
  return devServerUrl() ?? `${APP_ORIGIN}/index.html`
}

/** The page's CSP. */
export function windowCsp(): string {
  const dev = devServerUrl()
  if (!dev) return contentSecurityPolicy()
  const url = new URL(dev)
  return contentSecurityPolicy([url.origin, `ws://${url.host}`])
}

/** Only the app's own page may navigate or call IPC. */
export function isAppUrl(url: string): boolean {
  if (url.startsWith(`${APP_ORIGIN}/`)) return true
  const dev = devServerUrl()
  return dev !== undefined && url.startsWith(`${new URL(dev).origin}/`)
}

/** Before the app is ready: app:// is a standard, secure scheme that fetch() may use. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])
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

/** app://kafkadesk/… serves the built renderer from `rendererDir`, with the CSP on every response. */
export function serveRenderer(rendererDir: string): void {
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
