/**
 * Why the app cannot start, as the person can act on it. The history's native module
 * (better-sqlite3's Linux prebuild) needs glibc 2.34 and libstdc++ 11; on an older system the
 * loader names the missing symbol version, which says nothing to most people.
 */
export function startFailureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const missing = /\b(GLIBC_[\d.]+|GLIBCXX_[\d.]+|CXXABI_[\d.]+)' not found/.exec(message)
  if (missing)
    return (
      `This system's C and C++ libraries are too old for Task Farm (${missing[1]} is missing): it needs ` +
      'glibc 2.34 and libstdc++ 11 or newer, as in Ubuntu 22.04, Debian 12, Fedora 35 and later.'
    )
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message))
    return 'Task Farm’s history module was built for another runtime; reinstall Task Farm from its installer.'
  return message
}
