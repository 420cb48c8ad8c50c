import { describe, expect, it } from 'vitest'
import { macSignatureKind, updatesOffReason } from '../../../src/main/decisions/update-policy'

describe('when updates are on', () => {
  it('reads a bundle’s signature from codesign’s report', () => {
    const signed =
      'Executable=/Applications/Task Farm.app/Contents/MacOS/Task Farm\nAuthority=Developer ID Application: Ann (TEAM123)\nAuthority=Apple Root CA\n'
    expect(macSignatureKind(signed)).toBe('developer-id')
    expect(macSignatureKind('Executable=…\nSignature=adhoc\nTeamIdentifier=not set\n')).toBe('adhoc')
    expect(macSignatureKind('/Applications/Task Farm.app: code object is not signed at all\n')).toBe('unsigned')
  })

  it('off in development and in macOS builds without a Developer ID; on in packaged releases', () => {
    expect(updatesOffReason({ isPackaged: false, platform: 'linux', macSignature: null })).toMatch(/development/)
    expect(updatesOffReason({ isPackaged: true, platform: 'darwin', macSignature: 'adhoc' })).toMatch(/unsigned macOS/)
    expect(updatesOffReason({ isPackaged: true, platform: 'darwin', macSignature: 'developer-id' })).toBeNull()
    expect(updatesOffReason({ isPackaged: true, platform: 'win32', macSignature: null })).toBeNull()
  })
})
