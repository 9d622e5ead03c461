// Security for every web contents, whoever creates it: no navigation away from the app, no new
// windows (links open in the browser), no webviews, no permissions but the app page's clipboard
// write, and the CSP on every response of the session.
import { session, shell, type WebContents } from 'electron'
import { isAppUrl, windowCsp } from './app-protocol'

/** Blocks navigation away from the app, new windows, webviews. */
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

/** The default session: the CSP header on every response, and permissions refused. */
export function secureSession(): void {
  const ses = session.defaultSession
  const csp = windowCsp()
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) }
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k]
    headers['Content-Security-Policy'] = [csp]
    callback({ responseHeaders: headers })
  })
  // Nothing but writing to the clipboard (the copy buttons), and only for the app's own page.
  ses.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(permission === 'clipboard-sanitized-write' && isAppUrl(details?.requestingUrl ?? '')),
  )
  ses.setPermissionCheckHandler(() => false)
}
