import { beforeEach, describe, expect, it, vi } from 'vitest'
import { reportStartFailure } from '../../../src/main/start-failure'
import { dialog, resetElectronMock } from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

describe('an app that cannot start', () => {
  beforeEach(() => {
    resetElectronMock()
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
  })

  it('names an old C library as the cause, in its error box', () => {
    reportStartFailure(
      new Error(
        "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by /opt/Task Farm/resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node)",
      ),
    )
    expect(dialog.showErrorBox).toHaveBeenCalledWith(
      'Task Farm cannot start',
      expect.stringMatching(
        /^This system's C and C\+\+ libraries are too old for Task Farm \(GLIBC_2\.34 is missing\)/,
      ),
    )
  })
})
