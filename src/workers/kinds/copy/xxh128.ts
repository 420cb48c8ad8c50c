// The one hasher of hash-wasm a copy uses, in a module of its own: imported by name here, the build
// keeps xxh128 alone of the package's two dozen algorithms (a dynamic import of the package keeps all).
export { createXXHash128 } from 'hash-wasm'
