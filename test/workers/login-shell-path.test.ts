import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loginShellPath, readLoginPath, withLoginPath } from '../../src/workers/login-shell-path'

const home = mkdtempSync(join(tmpdir(), 'tf-login-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

describe("the login shell's PATH for jobs from the window", () => {
  it('reads the PATH a real login shell sets up in its profile', async () => {
    writeFileSync(join(home, '.profile'), 'PATH="/opt/from-profile/bin:$PATH"; export PATH\necho "a greeting"\n')
    const path = await readLoginPath('/bin/sh', { env: { HOME: home, PATH: '/usr/bin:/bin' } })
    expect(path?.split(':')[0]).toBe('/opt/from-profile/bin')
  })

  it('gives up on a shell that does not answer in time, or is not there', async () => {
    writeFileSync(join(home, '.profile'), 'exec sleep 30\n')
    expect(await readLoginPath('/bin/sh', { env: { HOME: home, PATH: '/usr/bin:/bin' }, timeoutMs: 300 })).toBe(
      undefined,
    )
    expect(await readLoginPath(join(home, 'no-such-shell'))).toBe(undefined)
  })

  it('fills in PATH only for a job that brought none, and is asked on macOS only', async () => {
    const login = async (): Promise<string> => '/opt/homebrew/bin:/usr/bin:/bin'
    const noEnv: Record<string, string> = {}
    expect((await withLoginPath({ env: noEnv }, login)).env.PATH).toBe('/opt/homebrew/bin:/usr/bin:/bin')
    expect((await withLoginPath({ env: { PATH: '/mine' } }, login)).env.PATH).toBe('/mine')
    expect(await loginShellPath('linux', '/bin/sh')).toBe(undefined)
  })
})
