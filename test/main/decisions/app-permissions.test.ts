import { describe, expect, it } from 'vitest'
import { isPermissionGranted } from '../../../src/main/decisions/app-permissions'

const built = 'file:///opt/Task%20Farm/resources/app.asar/out/renderer/index.html'
const ours = { permission: 'clipboard-sanitized-write', isMainFrame: true, requestingUrl: `${built}#/jobs/3` }

describe('isPermissionGranted', () => {
  it('lets the app page in the main frame write to the clipboard ("Copy failures")', () => {
    expect(isPermissionGranted(ours, built)).toBe(true)
    expect(isPermissionGranted({ ...ours, requestingUrl: 'http://localhost:5173/' }, 'http://localhost:5173/')).toBe(
      true,
    )
  })

  it('refuses it to frames, other pages and askers without a document', () => {
    expect(isPermissionGranted({ ...ours, isMainFrame: false }, built)).toBe(false)
    expect(isPermissionGranted({ ...ours, requestingUrl: 'https://example.org/' }, built)).toBe(false)
    expect(isPermissionGranted({ ...ours, requestingUrl: undefined }, built)).toBe(false)
  })

  it('refuses every other permission, clipboard reads included', () => {
    for (const permission of ['clipboard-read', 'notifications', 'media', 'geolocation', 'openExternal']) {
      expect(isPermissionGranted({ ...ours, permission }, built)).toBe(false)
    }
  })
})
