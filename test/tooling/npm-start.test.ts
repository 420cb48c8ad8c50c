import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { whyElectronCannotRun } from '../../scripts/electron-binary.mjs'

const root = join(import.meta.dirname, '../..')

describe('npm start', () => {
  let dir: string | undefined
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }))

  it('knows when Electron cannot open a window', () => {
    expect(whyElectronCannotRun({ platform: 'linux', env: {}, binary: '/x/electron' })).toBe('there is no display')
    expect(whyElectronCannotRun({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, binary: null })).toMatch(
      /not installed/,
    )
    expect(whyElectronCannotRun({ platform: 'darwin', env: {}, binary: '/x/Electron' })).toBeNull()
    expect(whyElectronCannotRun({ platform: 'linux', env: { DISPLAY: ':0' }, binary: '/x/electron' })).toBeNull()
  })

  it('without a display, says so in one line and serves the window in the browser; the address answers', async () => {
    dir = mkdtempSync(join(tmpdir(), 'task-farm-start-'))
    const page = join(dir, 'page')
    mkdirSync(page)
    writeFileSync(join(page, 'index.html'), '<!doctype html><title>Task Farm</title>')
    const env: NodeJS.ProcessEnv = { ...process.env, TASK_FARM_DB: join(dir, 'history.sqlite') }
    delete env.DISPLAY
    delete env.WAYLAND_DISPLAY
    const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--renderer-dir', page], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      const address = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address printed:\n${output}`)), 60_000)
        child.stdout.on('data', () => {
          const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(output)
          if (match) resolve(match[0])
          if (match) clearTimeout(timer)
        })
        void exited.then((code) => reject(new Error(`start exited with ${code}:\n${output}`)))
      })
      expect(output.split('\n')[0]).toBe(
        'start: Electron cannot run here (there is no display); serving the same window in the browser instead (task-farm serve).',
      )
      const response = await fetch(address)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain('<title>Task Farm</title>')
    } finally {
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    expect(child.exitCode ?? child.signalCode).not.toBeNull()
  })
})
