import { describe, expect, it } from 'vitest'
import { startFailureMessage } from '../../../src/main/decisions/start-failure'

describe('why the app cannot start', () => {
  it('names an old glibc or libstdc++ (what the loader says when better-sqlite3 cannot load)', () => {
    const loader = new Error(
      "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by /opt/Task Farm/resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node)",
    )
    expect(startFailureMessage(loader)).toBe(
      "This system's C and C++ libraries are too old for Task Farm (GLIBC_2.34 is missing): it needs glibc 2.34 and libstdc++ 11 or newer, as in Ubuntu 22.04, Debian 12, Fedora 35 and later.",
    )
    const cxx = new Error("/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.29' not found (required by …)")
    expect(startFailureMessage(cxx)).toContain('GLIBCXX_3.4.29 is missing')
  })

  it('keeps any other reason as it is', () => {
    expect(startFailureMessage(new Error('The history is held by another farm.'))).toBe(
      'The history is held by another farm.',
    )
  })
})
