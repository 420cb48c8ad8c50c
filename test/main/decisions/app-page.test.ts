import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, isAllowedNavigation, isAppPage } from '../../../src/main/decisions/app-page'

describe('isAppPage', () => {
  const built = 'file:///opt/Task%20Farm/resources/app.asar/out/renderer/index.html'

  it('trusts the built page, with any hash or query', () => {
    expect(isAppPage(built, built)).toBe(true)
    expect(isAppPage(`${built}#/jobs/4`, built)).toBe(true)
  })

  it('refuses other files and other schemes', () => {
    expect(isAppPage('file:///tmp/evil.html', built)).toBe(false)
    expect(isAppPage('https://example.org/', built)).toBe(false)
    expect(isAppPage('about:blank', built)).toBe(false)
    expect(isAppPage('', built)).toBe(false)
  })

  it('trusts the dev server by origin only', () => {
    expect(isAppPage('http://localhost:5173/#/pools', 'http://localhost:5173/')).toBe(true)
    expect(isAppPage('http://localhost:5174/', 'http://localhost:5173/')).toBe(false)
  })
})

describe('contentSecurityPolicy', () => {
  it('allows only the app itself, and the dev server while developing', () => {
    expect(contentSecurityPolicy(null)).toContain("script-src 'self';")
    expect(contentSecurityPolicy(null)).toContain("default-src 'none'")
    expect(contentSecurityPolicy('http://localhost:5173')).toContain(
      "connect-src 'self' http://localhost:5173 ws://localhost:5173",
    )
  })
})

describe('the CSP as a <meta>', () => {
  it('is the header policy less frame-ancestors, which a <meta> cannot carry', () => {
    const header = contentSecurityPolicy(null).split('; ')
    const meta = contentSecurityPolicy(null, 'meta').split('; ')
    expect(header.filter((d) => !d.startsWith('frame-ancestors'))).toEqual(meta)
    expect(header).toContain("frame-ancestors 'none'")
  })
})

describe('isAllowedNavigation', () => {
  const dev = 'http://localhost:5173/'
  const built = 'file:///opt/app/out/renderer/index.html'

  it("lets the dev server's page reload itself while developing", () => {
    expect(isAllowedNavigation('http://localhost:5173/#/pools', dev, true)).toBe(true)
  })

  it('never leaves the app, and the built app never navigates', () => {
    expect(isAllowedNavigation('https://example.org/', dev, true)).toBe(false)
    expect(isAllowedNavigation('file:///home/me/dropped.html', dev, true)).toBe(false)
    expect(isAllowedNavigation(built, built, false)).toBe(false)
    expect(isAllowedNavigation('file:///home/me/dropped.html', built, false)).toBe(false)
  })
})
