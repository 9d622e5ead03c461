// The Content-Security-Policy of the app page, in the Electron window and in web mode alike:
// scripts only from the app itself (no inline scripts, no eval), nothing framed or framing,
// no plugins, no forms posting anywhere. Inline style attributes stay allowed: Vue and ECharts set them.
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
