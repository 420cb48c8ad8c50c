import { spawn, spawnSync } from 'node:child_process'
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEntry, tempDir } from '../support/test-farm'

// Every other test passes --db or a temporary history; a new user passes neither. These run the CLI the
// way the README's first command does, with a HOME that has never seen Task Farm.
const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

function newUser(overrides: NodeJS.ProcessEnv = {}): { home: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir()
  dirs.push(dir)
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir.path, APPDATA: join(dir.path, 'AppData'), ...overrides }
  delete env.TASK_FARM_DB
  if (!('XDG_CONFIG_HOME' in overrides)) delete env.XDG_CONFIG_HOME
  return { home: dir.path, env }
}

function cli(env: NodeJS.ProcessEnv, cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cliEntry, ...args], { env, cwd, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

// POSIX only: the history's place is $XDG_CONFIG_HOME or ~/.config there, its mode 0700; Windows keeps it under %APPDATA%.
describe.skipIf(process.platform === 'win32')('a new user, with no history folder yet', () => {
  it('runs a job without --db, lists it, and keeps the history private to the user', () => {
    const { home, env } = newUser()
    const probe = cli(env, home, 'probe', '--count', '3')
    expect(probe.err).not.toMatch(/internal error|ENOENT/)
    expect(probe.code, probe.err).toBe(0)
    const jobs = cli(env, home, 'jobs', '--json')
    expect(jobs.code, jobs.err).toBe(0)
    expect((JSON.parse(jobs.out) as { jobs: { kind: string; state: string }[] }).jobs).toMatchObject([
      { kind: 'probe', state: 'completed' },
    ])
    const folder = join(home, '.config', 'Task Farm')
    expect(statSync(join(folder, 'history.sqlite')).isFile()).toBe(true)
    expect(statSync(folder).mode & 0o777).toBe(0o700)
  })

  it('ignores an empty or relative XDG_CONFIG_HOME, as the XDG spec and Electron do', () => {
    for (const xdg of ['', 'relative/config']) {
      const { home, env } = newUser({ XDG_CONFIG_HOME: xdg })
      const probe = cli(env, home, 'probe', '--count', '1')
      expect(probe.code, probe.err).toBe(0)
      expect(statSync(join(home, '.config', 'Task Farm', 'history.sqlite')).isFile()).toBe(true)
    }
  })

  it('says in one sentence when the history folder cannot be made', () => {
    const { home, env } = newUser()
    const aFile = join(home, 'not-a-folder')
    writeFileSync(aFile, '')
    const r = cli({ ...env, XDG_CONFIG_HOME: aFile }, home, 'probe', '--count', '1')
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/^task-farm: Cannot make the history's folder/)
    expect(r.err).not.toMatch(/\n\s+at /)
  })

  it('serves the window at the printed address', async () => {
    const { home, env } = newUser()
    const child = spawn(process.execPath, [cliEntry, 'serve'], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const exited = new Promise((resolve) => child.on('exit', resolve))
    try {
      const address = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve printed no address:\n${output}`)), 20_000)
        child.stdout.on('data', () => {
          const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(output)
          if (match) resolve((clearTimeout(timer), match[0]))
        })
        void exited.then(() => reject(new Error(`serve exited:\n${output}`)))
      })
      const page = await fetch(address)
      expect(page.status).toBe(200)
      expect(statSync(join(home, '.config', 'Task Farm')).mode & 0o777).toBe(0o700)
    } finally {
      child.kill('SIGTERM')
      await exited
    }
  })
})
