import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ownerListening } from '../../src/core/store/lock-owner'
import { tempDir } from '../support/test-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A history path whose lock file says `owner` (nothing is written for null). */
function historyLockedBy(owner: Record<string, unknown> | null): string {
  const dir = tempDir('tf-lock-owner-')
  cleanups.push(() => dir.remove())
  const db = join(dir.path, 'history.sqlite')
  if (owner) writeFileSync(`${db}.lock`, JSON.stringify(owner))
  return db
}

/** A process that lives until the test ends, standing in for a farm that serves a history. */
function liveProcess(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' })
  cleanups.push(() => child.kill('SIGKILL'))
  return child.pid!
}

describe('the quick look at whether a farm serves a history (before a command forks workers)', () => {
  const lock = (pid: number, extra: Record<string, unknown> = {}) => ({
    pid,
    host: hostname(),
    since: Date.now(),
    endpoint: '/tmp/owner.sock',
    token: 'x',
    ...extra,
  })

  it('sees a live process on this machine that listens for clients', () => {
    expect(ownerListening(historyLockedBy(lock(liveProcess())))).toBe(true)
  })

  it('sees none without a lock, with an unreadable one, or one of this very process', () => {
    expect(ownerListening(historyLockedBy(null))).toBe(false)
    const db = historyLockedBy(null)
    writeFileSync(`${db}.lock`, '{"pid": 12')
    expect(ownerListening(db)).toBe(false)
    expect(ownerListening(historyLockedBy(lock(process.pid)))).toBe(false)
  })

  it('sees none whose process is gone, that does not listen yet, or that runs on another machine', async () => {
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' })
    await once(gone, 'exit')
    expect(ownerListening(historyLockedBy(lock(gone.pid!)))).toBe(false)
    expect(ownerListening(historyLockedBy(lock(liveProcess(), { endpoint: undefined })))).toBe(false)
    expect(ownerListening(historyLockedBy(lock(liveProcess(), { host: `not-${hostname()}` })))).toBe(false)
  })
})
