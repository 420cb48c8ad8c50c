import { describe, expect, it } from 'vitest'
import { signingPlan } from '../../scripts/signing-plan.mjs'

describe('npm run dist: signing from the environment', () => {
  it('signs a macOS build ad hoc without keys, and says it is unsigned', () => {
    const plan = signingPlan({}, 'darwin')
    expect(plan.args).toEqual(['-c.mac.identity=-', '-c.mac.notarize=false'])
    expect(plan.notice).toMatch(/^Unsigned build/)
  })

  it('leaves identity to CSC_LINK and notarizes when the Apple credentials are there', () => {
    const keys = { CSC_LINK: 'cert.p12', CSC_KEY_PASSWORD: 'x' }
    const apple = { APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 'T' }
    expect(signingPlan({ ...keys, ...apple }, 'darwin')).toEqual({
      args: [],
      notice: expect.stringMatching(/notarized/),
    })
    expect(signingPlan(keys, 'darwin').args).toEqual(['-c.mac.notarize=false'])
  })

  it('says whether a Windows installer is signed', () => {
    expect(signingPlan({}, 'win32').notice).toMatch(/^Unsigned build.*SmartScreen/)
    expect(signingPlan({ CSC_LINK: 'cert.pfx' }, 'win32').notice).toMatch(/^Signed build/)
    expect(signingPlan({}, 'linux').args).toEqual([])
  })
})
