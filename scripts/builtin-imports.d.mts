/** Rewrites a built module's named and default imports of `node:` modules into `process.getBuiltinModule` constants. */
export function takeBuiltinsWithoutFacade(source: string): string
