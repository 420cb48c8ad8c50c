import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The launch test runs only where Electron exists; what it is started with is checked everywhere.
const source = (name: string): string => readFileSync(join(import.meta.dirname, name), 'utf8')

describe('the Electron launch test', () => {
  it('starts the app with Chromium’s sandbox on (Playwright adds --no-sandbox on Linux otherwise)', () => {
    expect(source('launched-app.ts')).toMatch(/electron\.launch\(\{[\s\S]*?chromiumSandbox: true,\n\s*\}\)/)
  })

  it('runs the browser tests’ accessibility audit in the window, and counts notifications by their show event', () => {
    const test = source('app-launch.e2e.ts')
    expect(test).toContain('accessibilityProblems(shell.page, { legacyMode: true })')
    expect(test).toMatch(/this\.once\('show'/)
    expect(test).not.toMatch(/seen\.push\(this\.title\)\s*\n\s*return show/)
  })
})
