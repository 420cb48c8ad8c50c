/**
 * How `npm run dist` signs on this OS, from the environment alone (electron-builder reads the same
 * variables): the extra electron-builder arguments, and one line saying what the build will be.
 * Without keys the build still succeeds and says it is unsigned; docs/release.md has the details.
 */
export function signingPlan(env, platform) {
  const has = (...names) => names.every((name) => Boolean(env[name]))
  if (platform === 'darwin') {
    if (!has('CSC_LINK') && !has('CSC_NAME')) {
      return {
        // Ad hoc ('-'): macOS delivers no notifications of an app with no signature at all.
        args: ['-c.mac.identity=-', '-c.mac.notarize=false'],
        notice:
          'Unsigned build (signed ad hoc): no CSC_LINK, so Gatekeeper blocks it on other Macs until "Open Anyway"; updates are off in it.',
      }
    }
    const notarized =
      has('APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID') ||
      has('APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER') ||
      has('APPLE_KEYCHAIN_PROFILE')
    return notarized
      ? { args: [], notice: 'Signed build: Developer ID from CSC_LINK, notarized with Apple.' }
      : {
          args: ['-c.mac.notarize=false'],
          notice:
            'Signed build, not notarized (no APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID): Gatekeeper still warns.',
        }
  }
  if (platform === 'win32') {
    return has('CSC_LINK') || has('WIN_CSC_LINK')
      ? { args: [], notice: 'Signed build: Authenticode certificate from CSC_LINK.' }
      : { args: [], notice: 'Unsigned build: no CSC_LINK, so SmartScreen warns before the installer runs.' }
  }
  return { args: [], notice: 'Linux packages are not signed; the release feed carries their SHA-512 checksums.' }
}
