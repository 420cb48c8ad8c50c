// What both builds (the CLI's esbuild, scripts/build-node.mjs; the app's electron-vite,
// electron.vite.config.ts) bundle into their output instead of loading from node_modules.

/**
 * The pure-JavaScript packages a worker's jobs load, each measured loading on its own (compile cache on):
 * - undici: the parts a URL worker uses, ~45 files that took it ~30 ms to load, ~20 bundled;
 * - htmlparser2: its index brings its DOM, utilities and serialiser to a URL worker that only streams
 *   pages through its Parser (17 ms; ~3 bundled);
 * - picomatch: CommonJS, so Node scanned its files for exports first (~2.5 ms of each copy worker);
 * - hash-wasm: its index holds two dozen algorithms (~20 ms); bundled, a verifying copy loads xxh128 alone;
 * - croner: every farm loads it for its schedules.
 */
export const workerPackages = ['undici', 'htmlparser2', 'picomatch', 'hash-wasm', 'croner']

/**
 * undici's HTTP/2 client serves only connections that negotiate h2, which ours never offer (no
 * `allowH2`), and requiring it loads node:http2 (~4 ms in each URL worker): both builds put this stub in
 * its place; a future `allowH2` must take it out.
 */
export const undiciHttp2Client = /undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/
export const undiciHttp2Stub = "module.exports = function connectH2 () { throw new Error('HTTP/2 is not enabled') }\n"

/**
 * msgpackr (BullMQ packs its scripts' arguments with it) loads msgpackr-extract when it can, a native
 * addon that speeds up only *unpacking*, which BullMQ never does in JavaScript (its Lua scripts unpack
 * in Redis). Finding the addon ran detect-libc, which asks `process.report` for the C library: ~8 ms of
 * every `--redis` farm's and remote host's start. Bundled with msgpackr, this stub stands in for it;
 * msgpackr takes a missing addon as it always has (its acceleration is optional).
 */
export const msgpackrExtract = /^msgpackr-extract$/
export const msgpackrExtractStub = 'module.exports = null\n'
