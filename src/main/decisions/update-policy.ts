/** How a macOS app bundle is signed, from `codesign --display --verbose=2`'s report (on stderr). */
export type MacSignature = 'developer-id' | 'adhoc' | 'unsigned'

export function macSignatureKind(codesignReport: string): MacSignature {
  if (/^Authority=Developer ID Application:/m.test(codesignReport)) return 'developer-id'
  if (/^Signature=adhoc$/m.test(codesignReport)) return 'adhoc'
  return 'unsigned'
}

/**
 * Why updates are off in this build, or null when they are on. A development build has no release
 * to update from; macOS installs an update only over an app signed with a Developer ID.
 */
export function updatesOffReason(build: {
  isPackaged: boolean
  platform: NodeJS.Platform
  macSignature: MacSignature | null
}): string | null {
  if (!build.isPackaged) return 'Updates are off in development builds: they come to installed releases.'
  if (build.platform === 'darwin' && build.macSignature !== 'developer-id')
    return 'Updates are off in this unsigned macOS build: macOS installs updates only over a signed app.'
  return null
}
