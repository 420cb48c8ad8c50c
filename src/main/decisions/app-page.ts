/**
 * Whether a frame shows the app's own page: the built `index.html` (a `file:` URL) or, during
 * development, the dev server's origin. Anything else (a navigated-away frame, an iframe with
 * someone's page) must not reach the farm.
 */
export function isAppPage(frameUrl: string, appEntryUrl: string): boolean {
  let frame: URL
  let entry: URL
  try {
    frame = new URL(frameUrl)
    entry = new URL(appEntryUrl)
  } catch {
    return false
  }
  if (entry.protocol === 'file:') return frame.protocol === 'file:' && frame.pathname === entry.pathname
  return frame.origin === entry.origin
}

/** The page's Content-Security-Policy: only the app's own code; inline styles for the UI library's CSS-in-JS. */
export function contentSecurityPolicy(devServerOrigin: string | null): string {
  const dev = devServerOrigin ? ` ${devServerOrigin} ${devServerOrigin.replace(/^http/, 'ws')}` : ''
  return [
    "default-src 'none'",
    `script-src 'self'${dev}`,
    `style-src 'self' 'unsafe-inline'${dev}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${dev}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
