import { spawn } from 'node:child_process'
import {
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobDiff } from '../../src/shared/job-diff'
import { startChangingSite } from '../fixtures/changing-site'
import { isProcessGone } from '../support/process-state'
import { cliEntry, tempDir, until } from '../support/test-farm'
import { childPids, listFiles, makeManyFiles } from './copy-cli-helpers'
import { runCli } from './command-cli-helpers'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean()
})
function workspace(): { dir: string; db: string } {
  const dir = tempDir('tf-diff-verify-')
  cleanups.push(() => dir.remove())
  return { dir: dir.path, db: join(dir.path, 'history.sqlite') }
}

/** Failed units of a job by their problem code, keys sorted. */
function problems(db: string, jobId: number): Record<string, string[]> {
  const history = new Database(db, { readonly: true })
  try {
    const rows = history
      .prepare(
        `SELECT je.value ->> 0 AS key, o.code AS code FROM items i JOIN json_each(i.units) je
         JOIN unit_outcomes o ON o.item_id = i.id AND o.unit = je.key
         WHERE i.job_id = ? AND substr(i.marks, je.key + 1, 1) = 'f' ORDER BY key`,
      )
      .all(jobId) as { key: string; code: string }[]
    const byCode: Record<string, string[]> = {}
    for (const { key, code } of rows) (byCode[code] ??= []).push(key)
    return byCode
  } finally {
    history.close()
  }
}

function jobFacts(db: string, jobId: number): { state: string; done: number; failed: number; total: number } {
  const history = new Database(db, { readonly: true })
  try {
    return history
      .prepare('SELECT state, items_done AS done, items_failed AS failed, items_total AS total FROM jobs WHERE id = ?')
      .get(jobId) as { state: string; done: number; failed: number; total: number }
  } finally {
    history.close()
  }
}

function flipFirstByte(path: string): void {
  const fd = openSync(path, 'r+')
  const byte = Buffer.alloc(1)
  readSync(fd, byte, 0, 1, 0)
  byte[0] = byte[0]! ^ 0xff
  writeSync(fd, byte, 0, 1, 0)
  closeSync(fd)
}

function makeTree(root: string, files: number): void {
  mkdirSync(join(root, 'sub'), { recursive: true })
  for (let i = 0; i < files; i++)
    writeFileSync(join(root, i % 2 ? 'sub' : '', `f${i}.txt`), `file ${i} `.repeat(20 + i))
}

describe('task-farm diff', () => {
  it('names every changed field of two URL runs over pages that changed, and the new and gone URLs', async () => {
    const { dir, db } = workspace()
    const site = await startChangingSite()
    cleanups.push(() => site.close())
    const list = (paths: string[]): string => {
      const file = join(dir, `list-${site.version}.txt`)
      writeFileSync(file, paths.map((p) => site.baseUrl + p).join('\n'))
      return file
    }
    const common = ['/page', '/moved', '/status', '/steady']
    const first = await runCli(['--db', db, 'urls', list([...common, '/only-first']), '--retries', '0'])
    expect(first.code, first.err).toBe(0)
    site.version = 2
    const second = await runCli(['--db', db, 'urls', list([...common, '/only-second']), '--retries', '0'])
    expect(second.code, second.err).toBe(0)

    const run = await runCli(['--db', db, 'diff', '1', '2', '--json'])
    expect(run.code, run.err).toBe(0)
    const diff = JSON.parse(run.out) as JobDiff
    const row = (path: string) => diff.rows.find((r) => r.key === site.baseUrl + path)
    const fields = (path: string) => Object.fromEntries(row(path)!.fields.map((f) => [f.field, [f.before, f.after]]))
    expect(fields('/page')).toEqual({
      title: ['First title', 'Second title'],
      description: ['First description.', 'Second description.'],
      canonical: [`${site.baseUrl}/page`, `${site.baseUrl}/page-v2`],
      h1: ['First heading', 'Second heading'],
      words: [expect.any(String), expect.any(String)],
    })
    expect(Number(fields('/page').words![1])).toBeGreaterThan(Number(fields('/page').words![0]))
    expect(fields('/moved').redirect).toEqual([`${site.baseUrl}/steady`, `${site.baseUrl}/page`])
    expect(fields('/status').status).toEqual(['200', '503'])
    expect(row('/only-second')?.change).toBe('new')
    expect(row('/only-first')?.change).toBe('gone')
    expect(row('/steady')).toBeUndefined()
    expect(diff.counts).toEqual({ new: 1, gone: 1, changed: 3, same: 1 })

    const text = await runCli(['--db', db, 'diff', '1', '2'])
    expect(text.out).toContain('3 changed, 1 new, 1 gone, 1 the same.')
    expect(text.out).toMatch(/title\s+First title\s+Second title/)
  }, 120_000)

  it('names the changed, new and removed files of two runs of one copy, and refuses two kinds in one sentence', async () => {
    const { dir, db } = workspace()
    const src = join(dir, 'source')
    const dst = join(dir, 'backup')
    makeTree(src, 6)
    const copy = ['--db', db, 'copy', src, dst, '--on-conflict', 'overwrite']
    expect((await runCli(copy)).code).toBe(0)
    writeFileSync(join(src, 'f2.txt'), 'changed content')
    utimesSync(join(src, 'f2.txt'), new Date(2_000_000_000_000), new Date(2_000_000_000_000))
    unlinkSync(join(src, 'sub', 'f3.txt'))
    writeFileSync(join(src, 'sub', 'new.txt'), 'brand new')
    expect((await runCli(copy)).code).toBe(0)

    const run = await runCli(['--db', db, 'diff', '1', '2', '--json'])
    expect(run.code, run.err).toBe(0)
    const diff = JSON.parse(run.out) as JobDiff
    expect(diff.rows.map((r) => [r.change, r.key, r.fields.map((f) => f.field)])).toEqual([
      ['changed', 'source/f2.txt', ['size', 'mtime']],
      ['new', 'source/sub/new.txt', []],
      ['gone', 'source/sub/f3.txt', []],
    ])
    expect(diff.counts.same).toBe(4)
    // One id: the job's last run of the same spec.
    const since = await runCli(['--db', db, 'diff', '2', '--json'])
    expect(JSON.parse(since.out)).toEqual(diff)
    const none = await runCli(['--db', db, 'diff', '1'])
    expect(none.code).toBe(2)
    expect(none.err.trim()).toBe(
      'task-farm: Job 1 has no earlier run of the same spec to compare with: name both jobs.',
    )

    const probe = await runCli(['--db', db, 'probe', '--count', '1'])
    expect(probe.code).toBe(0)
    const mixed = await runCli(['--db', db, 'diff', '1', '3'])
    expect(mixed.code).toBe(2)
    expect(mixed.err.trim()).toBe(
      'task-farm: Job 1 is "Copy folder" and job 3 is "Probe": only two jobs of one kind can be compared.',
    )
  }, 120_000)
})

describe('task-farm diff of commands', () => {
  it('names the inputs whose exit code or output changed', async () => {
    const { dir, db } = workspace()
    const state = join(dir, 'state')
    // Each run prints its input beside the state file's word and fails for the input equal to it.
    const command = ['--', 'sh', '-c', `v=$(cat ${state}); echo "$1 $v"; [ "$1" != "$v" ]`, 'sh', '{}', ':::']
    writeFileSync(state, 'b')
    expect((await runCli(['--db', db, 'run', ...command, 'a', 'b', 'only-first'])).code).toBe(1)
    writeFileSync(state, 'a')
    expect((await runCli(['--db', db, 'run', ...command, 'a', 'b', 'only-second'])).code).toBe(1)
    const run = await runCli(['--db', db, 'diff', '1', '2', '--json'])
    expect(run.code, run.err).toBe(0)
    const diff = JSON.parse(run.out) as JobDiff
    const fields = (key: string) =>
      Object.fromEntries(diff.rows.find((r) => r.key === key)!.fields.map((f) => [f.field, [f.before, f.after]]))
    expect(fields('a')).toMatchObject({ state: ['done', 'failed'], exit: ['0', '1'], stdout: ['a b\n', 'a a\n'] })
    expect(fields('b')).toMatchObject({ state: ['failed', 'done'], exit: ['1', '0'], stdout: ['b b\n', 'b a\n'] })
    expect(diff.rows.filter((r) => r.change !== 'changed').map((r) => [r.change, r.key])).toEqual([
      ['new', 'only-second'],
      ['gone', 'only-first'],
    ])
  }, 120_000)
})

describe('task-farm verify', () => {
  it('after one flipped byte, one deleted file and one added file names exactly those three', async () => {
    const { dir, db } = workspace()
    const src = join(dir, 'source')
    const dst = join(dir, 'backup')
    makeTree(src, 8)
    expect((await runCli(['--db', db, 'copy', src, dst, '--keep-hashes'])).code).toBe(0)
    const clean = await runCli(['--db', db, 'verify', '1'])
    expect(clean.code, clean.err).toBe(0)
    expect(clean.out).toContain('Every file matches its hash.')

    flipFirstByte(join(dst, 'source', 'f4.txt'))
    rmSync(join(dst, 'source', 'sub', 'f5.txt'))
    writeFileSync(join(dst, 'source', 'sub', 'stray.txt'), 'not from the copy')
    const run = await runCli(['--db', db, 'verify', '1'])
    expect(run.code).toBe(1)
    expect(problems(db, 3)).toEqual({
      changed: ['source/f4.txt'],
      missing: ['source/sub/f5.txt'],
      extra: ['source/sub/stray.txt'],
    })
    expect(run.out).toMatch(/changed\s+source\/f4\.txt/)
    expect(jobFacts(db, 3)).toMatchObject({ state: 'completed-with-errors', done: 6, failed: 3, total: 9 })
  }, 120_000)

  it('says in one sentence that a copy without hashes cannot be verified, and how to get them', async () => {
    const { dir, db } = workspace()
    const src = join(dir, 'source')
    makeTree(src, 2)
    expect((await runCli(['--db', db, 'copy', src, join(dir, 'backup')])).code).toBe(0)
    const run = await runCli(['--db', db, 'verify', '1'])
    expect(run.code).toBe(2)
    expect(run.err.trim().split('\n')).toHaveLength(1)
    expect(run.err).toContain('--keep-hashes')
  }, 60_000)

  it('a --keep-hashes copy killed with -9 and resumed keeps a hash for every file, so verify finds nothing', async () => {
    const { dir, db } = workspace()
    const src = join(dir, 'source')
    const dst = join(dir, 'backup')
    makeManyFiles(src, 20, 100)
    const child = spawn(process.execPath, [cliEntry, '--db', db, 'copy', src, dst, '--keep-hashes', '--workers', '2'], {
      stdio: 'ignore',
    })
    const exited = new Promise((done) => child.on('exit', done))
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'))
    await until(() => listFiles(dst).length > 300, 'the copy to get going', 60_000)
    const workers = childPids(child.pid!)
    process.kill(child.pid!, 'SIGKILL')
    await exited
    await until(() => workers.every(isProcessGone), 'the orphaned workers to exit', 10_000)
    expect(listFiles(dst).filter((p) => !p.includes('taskfarm')).length).toBeLessThan(2000) // killed mid-copy
    const resumed = await runCli(['--db', db, 'resume', '1'])
    expect(resumed.code, resumed.err).toBe(0)
    const run = await runCli(['--db', db, 'verify', '1'])
    expect(run.code, run.out + run.err).toBe(0)
    expect(jobFacts(db, 2)).toMatchObject({ state: 'completed', done: 2000, failed: 0 })
  }, 180_000)

  it('after kill -9 of the farm and its workers mid-verify, resume finishes it', async () => {
    const { dir, db } = workspace()
    const src = join(dir, 'source')
    const dst = join(dir, 'backup')
    makeTree(src, 300)
    expect((await runCli(['--db', db, 'copy', src, dst, '--verify'])).code).toBe(0)
    rmSync(join(dst, 'source', 'f10.txt'))
    // The test hook slows each unit, so the kill lands while most of them are still pending.
    const child = spawn(process.execPath, [cliEntry, '--db', db, 'verify', '1', '--workers', '2'], {
      stdio: 'ignore',
      env: { ...process.env, TASK_FARM_TEST_VERIFY_DELAY_MS: '40' },
    })
    const exited = new Promise((done) => child.on('exit', done))
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'))
    await until(() => jobFacts(db, 2)?.done >= 20, 'the verify to get going', 60_000)
    const workers = childPids(child.pid!)
    for (const pid of [child.pid!, ...workers]) process.kill(pid, 'SIGKILL')
    await exited
    await until(() => workers.every(isProcessGone), 'the workers to be gone', 10_000)
    const killed = jobFacts(db, 2)
    expect(killed.done + killed.failed).toBeLessThan(300) // killed mid-verify indeed

    const resumed = await runCli(['--db', db, 'resume', '2'])
    expect(resumed.code, resumed.err).toBe(1) // completed with errors: the one missing file
    expect(jobFacts(db, 2)).toMatchObject({ state: 'completed-with-errors', done: 299, failed: 1, total: 300 })
    expect(problems(db, 2)).toEqual({ missing: ['source/f10.txt'] })
  }, 180_000)
})
