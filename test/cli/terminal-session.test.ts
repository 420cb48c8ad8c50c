import { spawn, spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, openSync, ftruncateSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { JobStore } from '../../src/core/store/job-store'
import { openDatabase } from '../../src/core/store/open-database'
import { cliEntry, tempDir, until } from '../support/test-farm'
import { startServe, type Served } from './served-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function workspace(): { dir: string; db: string } {
  const dir = tempDir('task-farm-terminal-')
  cleanups.push(() => dir.remove())
  return { dir: dir.path, db: join(dir.path, 'history.sqlite') }
}

function jobState(db: string, id: number): string {
  return jobRow(db, id).state
}

function jobRow(db: string, id: number): { state: string; done: number } {
  let store: JobStore
  try {
    store = new JobStore(openDatabase(db, { readonly: true }))
  } catch {
    return { state: 'none', done: 0 } // Not made, or not yet migrated, by the CLI.
  }
  try {
    const row = store.job(id)
    return { state: row?.state ?? 'none', done: row?.items_done ?? 0 }
  } finally {
    store.db.close()
  }
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
}

/** Runs the CLI in `cwd` with exactly `env`, without blocking this process (a served farm answers meanwhile). */
function cliIn(
  db: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [cliEntry, '--db', db, ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (err += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, out, err }))))
}

describe('the CLI in a terminal', () => {
  it('a slow reader of a pipe gets all of the output before the CLI exits', () => {
    const { dir } = workspace()
    const big = ['run', '--shell', '--', 'yes abcdefghij | head -c 300000; echo', ':::', 'a']
    const quick = spawnSync(process.execPath, [cliEntry, '--db', join(dir, 'a.sqlite'), ...big], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    })
    expect(quick.status, quick.stderr).toBe(0)
    expect(quick.stdout.length).toBeGreaterThan(100_000)
    const line = [process.execPath, cliEntry, '--db', join(dir, 'b.sqlite'), ...big]
      .map((word) => `'${word.replaceAll("'", `'\\''`)}'`)
      .join(' ')
    const slow = spawnSync('sh', ['-c', `${line} | (sleep 1; wc -c)`], { encoding: 'utf8', timeout: 60_000 })
    expect(Number(slow.stdout.trim())).toBe(Buffer.byteLength(quick.stdout))
  })

  it('a run handed to a served farm runs in the terminal’s folder with the terminal’s PATH', async () => {
    const { dir, db } = workspace()
    // The farm's own process: started from `/` with a bare environment, as from Finder or a service.
    const served = await startServe(db, dir, { cwd: '/', env: { PATH: '/usr/bin:/bin' } })
    cleanups.push(() => served.stop('SIGKILL'))
    const here = join(dir, 'client folder')
    const tools = join(dir, 'tools')
    mkdirSync(here)
    mkdirSync(tools)
    const path = `${tools}:${dirname(process.execPath)}:/usr/bin:/bin`
    const result = await cliIn(
      db,
      ['run', '--shell', '--', 'pwd; echo "PATH=$PATH"; echo "MARK=$CLIENT_MARK"', ':::', 'x'],
      here,
      { PATH: path, CLIENT_MARK: 'from the terminal' },
    )
    expect(result.code, result.err).toBe(0)
    expect(result.out).toContain(`${here}\n`)
    expect(result.out).toContain(`PATH=${path}\n`)
    expect(result.out).toContain('MARK=from the terminal x\n')
    const shown = await cliIn(db, ['show', '1'], here, { PATH: path })
    expect(shown.out).toContain(`"cwd":"${here}"`)
  })
})

describe('serve and an owning CLI stopped by their terminal or the system', () => {
  it('a CLI that runs the farm itself stops its job as interrupted on a hang-up, even one that comes twice', async () => {
    const { dir, db } = workspace()
    const child = spawn(process.execPath, [cliEntry, '--db', db, 'probe', '--count', '400', '--sleep-ms', '10'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'))
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    // Some units done: the command is past its start and listens for signals.
    await until(() => jobRow(db, 1).done > 20, 'progress in the history', 30_000)
    // The terminal hangs up the whole group, then the shell passes the hang-up on.
    process.kill(-child.pid!, 'SIGHUP')
    setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGHUP'), 50)
    expect(await exited).toBe(130)
    expect(jobState(db, 1)).toBe('interrupted')
  }, 120_000)

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} leaves a running copy interrupted and resumable, with no temporary files`, async () => {
      const { dir, db } = workspace()
      const src = join(dir, 'src')
      const dst = join(dir, 'dst')
      mkdirSync(src)
      mkdirSync(dst)
      // Its own process group, as a terminal's job: a hang-up then reaches serve and its workers alike.
      const served: Served = await startServe(db, dir, { detached: true })
      cleanups.push(() => served.stop('SIGKILL'))
      const inFlight = (): boolean => filesBelow(dst).some((f) => f.endsWith('.part'))
      let job = 0
      // Large sparse files, copied in chunks, are most often still in flight when the signal comes. A
      // copy that ended before this loaded process looked proves nothing: it goes again, larger.
      for (let mib = 256; !inFlight(); mib *= 4) {
        if (mib > 4096) throw new Error('no copy was ever seen in flight')
        for (const name of ['a.bin', 'b.bin']) {
          const fd = openSync(join(src, name), 'w')
          ftruncateSync(fd, mib * 1024 * 1024)
          closeSync(fd)
        }
        rmSync(dst, { recursive: true, force: true })
        mkdirSync(dst)
        const copy = await cliIn(db, ['copy', '--detach', src, dst], dir, process.env)
        expect(copy.code, copy.err).toBe(0)
        job = Number(copy.out.trim())
        await until(() => inFlight() || jobState(db, job) === 'completed', 'a copy in flight', 60_000).catch(
          (error: Error) => {
            throw new Error(`${error.message}: job ${job} is ${jobState(db, job)}; serve said:\n${served.output()}`)
          },
        )
      }
      process.kill(signal === 'SIGHUP' ? -served.child.pid! : served.child.pid!, signal)
      const code = await new Promise((resolve) =>
        served.child.exitCode !== null ? resolve(served.child.exitCode) : served.child.once('exit', resolve),
      )
      expect(code).toBe(0)
      expect(served.output()).toMatch(/interrupted, their temporary files removed/)
      expect(jobState(db, job)).toBe('interrupted')
      expect(filesBelow(dst).filter((f) => f.endsWith('.part'))).toEqual([])
      const resumed = await cliIn(db, ['resume', String(job)], dir, process.env)
      expect(resumed.code, resumed.err).toBe(0)
      expect(jobState(db, job)).toBe('completed')
    }, 180_000)
  }
})
