/**
 * undici's HTTP/2 client serves only connections that negotiate h2, which ours never offer (no
 * `allowH2`), and requiring it loads node:http2 (~4 ms in each URL worker). Both builds (the CLI's
 * esbuild, the app's electron-vite) put this stub in its place; a future `allowH2` must take it out.
 */
export const undiciHttp2Client = /undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/
export const undiciHttp2Stub = "module.exports = function connectH2 () { throw new Error('HTTP/2 is not enabled') }\n"
