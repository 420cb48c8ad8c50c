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

/**
 * The page's Content-Security-Policy: only the app's own code; inline styles for the UI library's
 * CSS-in-JS. Sent as a header (the dev server) and, because Electron's header hook does not reach
 * `file:` pages, as a `<meta>` in the built page; a `<meta>` cannot carry `frame-ancestors`
 * (Chromium ignores it there and says so in the console), so that form leaves it out.
 */
export function contentSecurityPolicy(devServerOrigin: string | null, delivery: 'header' | 'meta' = 'header'): string {
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
    ...(delivery === 'header' ? ["frame-ancestors 'none'"] : []),
  ].join('; ')
}

/**
 * Whether a frame may navigate to `target`. Never away from the app; while developing, the dev
 * server's own page may reload itself (Vite's full reload after an edit it cannot hot-swap).
 */
export function isAllowedNavigation(target: string, appEntryUrl: string, development: boolean): boolean {
  return development && isAppPage(target, appEntryUrl)
}
