import { describe, expect, it } from 'vitest'
import { availableParallelism } from 'node:os'
import { earlyJobs, earlyWorkers } from '../../src/cli/early-workers'
import { kindTraits } from '../../src/shared/job-spec'
import { childProcessLauncher } from '../../src/core/child-process-worker'
import { workerEntry } from '../support/test-farm'

describe('workers forked before a job command loads', () => {
  it('go to the pool of the kind the command makes', () => {
    expect(Object.fromEntries(Object.entries(earlyJobs).map(([command, { kind }]) => [command, kind]))).toEqual({
      probe: 'probe',
      map: 'module',
      copy: 'copy',
      urls: 'urls',
    })
    for (const [command, { kind, pool }] of Object.entries(earlyJobs)) expect(pool, command).toBe(kindTraits[kind].pool)
  })

  it('are as many as --workers says, or one per core but no more than a probe has units, and none when the job runs elsewhere or later', () => {
    const cores = Math.max(1, availableParallelism())
    expect(earlyWorkers('probe', ['--db', 'h', 'probe', '--count', '1'])).toEqual({
      kind: 'probe',
      pool: 'cpu',
      count: 1,
    })
    expect(earlyWorkers('probe', ['probe', '--count=0'])).toMatchObject({ count: 1 })
    expect(earlyWorkers('probe', ['probe', '--count', '400', '--chunk', '200'])).toMatchObject({
      count: Math.min(cores, 2),
    })
    expect(earlyWorkers('probe', ['probe', '--count', '1000'])).toMatchObject({ count: cores })
    expect(earlyWorkers('probe', ['probe', '--count', '1', '--workers', '2'])).toMatchObject({ count: 2 })
    expect(earlyWorkers('map', ['map', 'm.mjs', '--input', 'in.txt'])).toMatchObject({ count: cores })
    expect(earlyWorkers('copy', ['copy', 'a', 'b', '--workers', '3'])).toEqual({ kind: 'copy', pool: 'disk', count: 3 })
    expect(earlyWorkers('urls', ['urls', 'list.txt', '--workers=5'])).toMatchObject({ pool: 'network', count: 5 })
    for (const args of [
      ['probe', '--workers', '0', '--redis', 'x'],
      ['probe', '--detach'],
      ['probe', '--after', '3'],
      ['probe', '--every', '5m'],
      ['probe', '--at', '12:00'],
      ['probe', '--help'],
      ['help', 'probe'],
      ['probe', '--workers', 'many'],
    ])
      expect(earlyWorkers('probe', args), args.join(' ')).toBeNull()
    expect(earlyWorkers('jobs', ['jobs'])).toBeNull()
    expect(earlyWorkers('run', ['run', 'echo'])).toBeNull()
  })

  it('asked for twice, the launcher forks only what is missing', async () => {
    const launcher = childProcessLauncher(workerEntry)
    launcher.prestart(2, 'cpu')
    launcher.prestart(2, 'cpu')
    const handles = [1, 2, 3].map((workerId) => launcher({ pool: 'cpu', workerId }))
    try {
      // Two were forked ahead (they have a pid before start()); the third is forked when started.
      expect(handles.map((h) => h.pid !== null)).toEqual([true, true, false])
      await Promise.all(handles.slice(0, 2).map((h) => h.start()))
    } finally {
      for (const handle of handles) handle.kill()
      launcher.dropPrestarted()
    }
  }, 30_000)
})
