import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, isAppPage } from '../../../src/main/decisions/app-page'

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
