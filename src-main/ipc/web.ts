// Web mode: the built renderer and the IPC contract over HTTP + WebSocket on 127.0.0.1.
//
// The API (the WebSocket) needs the per-launch token; the static files of the built renderer do
// not, since they hold no secret. The printed URL carries the token as `?token=`; the page keeps
// it in its tab's sessionStorage, strips it from the address bar, and presents it when it opens
// the socket, as a Sec-WebSocket-Protocol value `kafkadesk.token.<token>` next to `kafkadesk`
// (the one the server selects, so the token is never echoed). Scripts may give `?token=` on the
// socket URL instead. No cookie: cookies ignore ports, so one set here would go to every other
// server on 127.0.0.1 the browser visits. Host (DNS rebinding) and Origin checks stay on every
// request. Tokens are compared in constant time. Wire format on the socket:
//   client → server  {id, channel, payload}
//   server → client  {id, ok: true, result} | {id, ok: false, error: {code, message, field?}}
//   server → client  {event, payload}                      (event streams, pushed)
// The socket lives at /ws. Requests are validated by the contract's dispatch(), exactly as
// in Electron: a bad payload gets {code: 'VALIDATION', field} and the server carries on.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname, extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket, type RawData } from 'ws'
import { contentSecurityPolicy } from './csp'
import { MAX_MESSAGE_BYTES, SocketStreams, redactUrl } from './web-limits'
import type { Broadcast } from './broadcast'
import { dispatch, type ErrorShape, type EventSink, type Handlers } from './contract'

export interface WebServerOptions {
  /** The same handlers the Electron binding serves. */
  handlers: Handlers
  /** Events for every client; each open socket gets them. */
  broadcast?: Broadcast
  /** Called when a socket closes, so the services end that client's tails and searches. */
  onClientGone?: (clientId: string) => void
  /** 0 picks a free port. */
  port?: number
  /** The built renderer (index.html and assets). */
  rendererDir?: string
  /** Fixed token (tests); by default a fresh random one per launch. */
  token?: string
  log?: (line: string) => void
}

export interface WebServer {
  readonly url: string
  readonly port: number
  readonly token: string
  close(): Promise<void>
}

export const HOST = '127.0.0.1'
/** Where the renderer's web transport connects. */
export const WS_PATH = '/ws'
/** The subprotocol the server selects; the page offers it with the token one. */
export const WS_PROTOCOL = 'kafkadesk'
/** Prefix of the subprotocol value that carries the token (base64url is valid there). */
export const WS_TOKEN_PROTOCOL_PREFIX = 'kafkadesk.token.'
/** The cookie earlier versions set; cleared when a browser still sends it. */
const LEGACY_COOKIE = 'kafkadesk_token'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
}

/** The CSP of web mode: the app's policy, with the WebSocket back to this server. */
export function webCsp(port: number): string {
  return contentSecurityPolicy([`ws://${HOST}:${port}`, `ws://localhost:${port}`])
}

/** out/renderer of this checkout or install, found from this module's location (source or bundle). */
export function defaultRendererDir(): string {
  if (process.env.KAFKADESK_RENDERER_DIR) return resolve(process.env.KAFKADESK_RENDERER_DIR)
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'out', 'renderer')
    const up = dirname(dir)
    if (up === dir) return resolve('out', 'renderer')
    dir = up
  }
}

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Constant-time comparison; hashing first makes the lengths equal without leaking them. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? newToken()
  const rendererDir = resolve(options.rendererDir ?? defaultRendererDir())
  const log = options.log ?? (() => {})
  const { handlers } = options
  let port = options.port ?? 0

  const allowedHosts = () => new Set([`${HOST}:${port}`, `localhost:${port}`])
  const allowedOrigins = () => new Set([`http://${HOST}:${port}`, `http://localhost:${port}`])

  /** Guards against DNS rebinding: only this server's own names. */
  const hostAllowed = (req: IncomingMessage): boolean => allowedHosts().has(req.headers.host ?? '')

  /** The socket's token: its subprotocol value, else `?token=` on its URL. */
  const socketAuthorized = (req: IncomingMessage, url: URL): boolean => {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX))
    if (offered !== undefined) return tokenMatches(offered.slice(WS_TOKEN_PROTOCOL_PREFIX.length), token)
    return tokenMatches(url.searchParams.get('token'), token)
  }

  const securityHeaders = (res: ServerResponse) => {
    res.setHeader('Content-Security-Policy', webCsp(port))
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('X-Frame-Options', 'DENY')
    // The token is in the page URL: never hand it to anyone in a Referer.
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
  }

  const sendText = (res: ServerResponse, status: number, text: string) => {
    res.statusCode = status
    res.setHeader('Content-Type', 'text/plain; charset=utf-8')
    res.setHeader('Cache-Control', 'no-store')
    res.end(text)
  }

  const serveFile = async (res: ServerResponse, pathname: string, method: string) => {
    let rel: string
    try {
      rel = decodeURIComponent(pathname)
    } catch {
      return sendText(res, 400, 'bad path\n')
    }
    if (rel.includes('\0')) return sendText(res, 400, 'bad path\n')
    let file = resolve(rendererDir, '.' + (rel.endsWith('/') ? rel + 'index.html' : rel))
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return sendText(res, 403, 'forbidden\n')
    let info = await stat(file).catch(() => null)
    if (info?.isDirectory()) {
      file = join(file, 'index.html')
      info = await stat(file).catch(() => null)
    }
    if (!info && extname(file) === '') {
      // Client-side routes fall back to the app page.
      file = join(rendererDir, 'index.html')
      info = await stat(file).catch(() => null)
    }
    if (!info || !info.isFile()) {
      if (file === join(rendererDir, 'index.html')) {
        log(`web: no ${file}; run \`npm run build:renderer\``)
        return sendText(res, 503, 'The Kafkadesk UI is not built yet: run `npm run build:renderer` and reload.\n')
      }
      return sendText(res, 404, 'not found\n')
    }
    const body = await readFile(file)
    res.statusCode = 200
    res.setHeader('Content-Type', contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream')
    res.setHeader('Content-Length', body.length)
    // Hashed assets may be cached; the page itself is always fetched again.
    res.setHeader('Cache-Control', extname(file) === '.html' ? 'no-store' : 'private, max-age=31536000, immutable')
    res.end(method === 'HEAD' ? undefined : body)
  }

  /** The request's URL, or null when it cannot be parsed. */
  const parseUrl = (req: IncomingMessage): URL | null => {
    try {
      return new URL(req.url ?? '/', `http://${HOST}:${port}`)
    } catch {
      return null
    }
  }

  const server: Server = createServer((req, res) => {
    securityHeaders(res)
    const url = parseUrl(req)
    if (!url) return sendText(res, 400, 'bad request\n')
    if (!hostAllowed(req)) return sendText(res, 403, 'Forbidden: open the URL that `kafkadesk serve` printed.\n')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return sendText(res, 405, 'method not allowed\n')
    }
    // A browser that met an earlier version still holds its port-blind cookie: drop it.
    if (req.headers.cookie?.includes(`${LEGACY_COOKIE}=`)) res.setHeader('Set-Cookie', `${LEGACY_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`)
    serveFile(res, url.pathname, req.method).catch((e: Error) => {
      // Never the query: the printed URL's token is in it.
      log(`web: ${redactUrl(req.url)}: ${e.message}`)
      if (!res.headersSent) sendText(res, 500, 'internal error\n')
      else res.destroy()
    })
  })

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // Select `kafkadesk` when offered; the token value is never echoed back.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  })
  const clients = new Set<WebSocket>()

  const refuseUpgrade = (socket: Duplex, status: number, reason: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`)
  }

  server.on('upgrade', (req, socket, head) => {
    const url = parseUrl(req)
    if (!url) return refuseUpgrade(socket, 400, 'Bad Request')
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found')
    const origin = req.headers.origin
    // Browsers always send Origin; a page from anywhere else may not use this socket.
    if (origin !== undefined && !allowedOrigins().has(origin)) return refuseUpgrade(socket, 403, 'Forbidden')
    if (!hostAllowed(req) || !socketAuthorized(req, url)) return refuseUpgrade(socket, 401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  const send = (ws: WebSocket, message: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }

  const handleMessage = async (ws: WebSocket, clientId: string, sink: EventSink, streams: SocketStreams, data: RawData, isBinary: boolean) => {
    let msg: unknown
    try {
      if (isBinary) throw new Error('binary frames are not accepted')
      msg = JSON.parse(data.toString())
    } catch (e) {
      return send(ws, { id: null, ok: false, error: { code: 'BAD_MESSAGE', message: `not a JSON message: ${(e as Error).message}` } })
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      return send(ws, { id: null, ok: false, error: { code: 'BAD_MESSAGE', message: 'a message is an object {id, channel, payload}' } })
    }
    const { id, channel, payload } = msg as { id?: unknown; channel?: unknown; payload?: unknown }
    if (typeof id !== 'string' && typeof id !== 'number') {
      return send(ws, { id: null, ok: false, error: { code: 'BAD_MESSAGE', message: 'id must be a string or a number', field: 'id' } })
    }
    if (typeof channel !== 'string') {
      return send(ws, { id, ok: false, error: { code: 'BAD_MESSAGE', message: 'channel must be a string', field: 'channel' } })
    }
    const refused = streams.admit(channel)
    if (refused !== null) return send(ws, { id, ok: false, error: { code: 'REFUSED', message: refused } })
    let reply: Awaited<ReturnType<typeof dispatch>> | undefined
    try {
      reply = await dispatch(handlers, channel, payload, { sink, clientId })
    } finally {
      streams.settled(channel, payload, reply?.ok ? reply.value : undefined, reply?.ok === true)
    }
    send(ws, reply.ok ? { id, ok: true, result: reply.value } : { id, ok: false, error: reply.error })
  }

  let nextClient = 1
  wss.on('connection', (ws) => {
    clients.add(ws)
    const clientId = `web-${nextClient++}`
    const streams = new SocketStreams()
    const sink: EventSink = {
      emit: (event, payload) => {
        streams.event(event, payload)
        send(ws, { event, payload })
      },
    }
    ws.on('message', (data, isBinary) => {
      handleMessage(ws, clientId, sink, streams, data, isBinary).catch((e: Error) => {
        const error: ErrorShape = { code: 'INTERNAL', message: e.message }
        send(ws, { id: null, ok: false, error })
      })
    })
    ws.on('close', () => {
      clients.delete(ws)
      try {
        options.onClientGone?.(clientId)
      } catch (e) {
        log(`web: cleanup of ${clientId} failed: ${(e as Error).message}`)
      }
    })
    ws.on('error', (e) => log(`web: socket error: ${e.message}`))
  })

  const unsubscribe = options.broadcast?.subscribe((event, payload) => {
    if (clients.size === 0) return
    const text = JSON.stringify({ event, payload })
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text)
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(port, HOST, () => {
      server.off('error', reject)
      resolveListen()
    })
  })
  port = (server.address() as { port: number }).port
  const url = `http://${HOST}:${port}/?token=${token}`

  return {
    url,
    port,
    token,
    async close() {
      unsubscribe?.()
      for (const ws of clients) ws.terminate()
      clients.clear()
      await new Promise<void>((r) => wss.close(() => r()))
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
