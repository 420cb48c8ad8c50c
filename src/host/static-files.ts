import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

/** Sends one file of the built renderer, or 404. Paths never leave `root`. */
export async function sendStaticFile(root: string, urlPath: string, response: ServerResponse): Promise<void> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath)
  } catch {
    // `%E0%A4%A` and the like: the client's mistake, said as such.
    response.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad request: malformed percent-encoding.')
    return
  }
  const relative = normalize(decoded)
  const joined = join(root, relative)
  if (!joined.startsWith(root.endsWith(sep) ? root : root + sep)) return notFound(response)
  // A symbolic link inside the window's folder (a copy job can put one there) must not lead out of it.
  const [file, realRoot] = await Promise.all([realpath(joined).catch(() => null), realpath(root).catch(() => root)])
  if (!file?.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) return notFound(response)
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) return notFound(response)
  response.writeHead(200, {
    'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    // The page talks only to this host; no inline scripts, no third-party anything.
    'Content-Security-Policy':
      "default-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  })
  // The file may vanish between stat and read (a rebuild): end this response, not the host.
  createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response)
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found')
}
