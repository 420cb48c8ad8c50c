import { afterAll, beforeAll, describe, it } from 'vitest'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import {
  Attach,
  CreateJob,
  JobControl,
  KillOwner,
  KillWorker,
  LetTimePass,
  Resize,
  UntilStarted,
  WaitWithTimeout,
} from './model-commands'
import type { JobChoice } from './model-fixtures'
import { oneSequence } from './run-model'

/**
 * The chaos findings, each as the short sequence of model steps it shrinks to, run with the
 * same invariants as the random model (test/model/job-rules.ts). Each fails on an engine that has
 * the bug, whichever invariant it breaks first.
 */
const command = (c: Partial<JobChoice>): CreateJob =>
  new CreateJob({ kind: 'command', units: 2, slots: 1, failures: 0, deadline: false, sleepMs: 900, ...c })

let fixture: UrlFixtureServer
beforeAll(async () => {
  fixture = await startUrlFixtureServer()
})
afterAll(() => fixture.close())

const steps = { count: 0, byKind: {} }
const run = (...sequence: Parameters<typeof oneSequence>[0] extends Iterable<infer S> ? S[] : never) =>
  oneSequence(sequence, fixture, steps)

describe('the issue’s findings, as model sequences', () => {
  it('a job given --jobs 1 runs one unit at a time on a pool of 4', async () => {
    await run(new Resize('cpu', 4), command({ units: 6, slots: 1, sleepMs: 500 }), new LetTimePass(1500))
  }, 120_000)

  it('a job paused once every unit was handed out, then resumed, ends', async () => {
    await run(
      command({ units: 1 }),
      new UntilStarted(0, 1),
      new JobControl('pause', 0),
      new LetTimePass(1500),
      new JobControl('resume', 0),
    )
  }, 120_000)

  it('a client attached to a job that runs past its deadline returns, and so does wait', async () => {
    await run(command({ units: 4, deadline: true }), new Attach(0), new LetTimePass(3000), new WaitWithTimeout(0, 1))
  }, 120_000)

  it('kill -9 of a busy worker leaves no command of it running beside the next', async () => {
    await run(
      new Resize('cpu', 1),
      command({ units: 2 }),
      new UntilStarted(0, 1),
      new KillWorker('cpu', 0),
      new LetTimePass(1500),
    )
  }, 120_000)

  it('kill -9 of the owner during short commands re-runs at most --jobs of those that finished', async () => {
    await run(
      command({ units: 60, slots: 2, sleepMs: 20 }),
      new LetTimePass(1500),
      new KillOwner(),
      new JobControl('resume', 0),
    )
  }, 120_000)
})

const copy = (): CreateJob =>
  new CreateJob({ kind: 'copy', units: 1, slots: 1, failures: 0, deadline: false, sleepMs: 0 })

describe('a cancel, as the model found it (its shrunk sequences)', () => {
  it('[cancel-survives-kill] a cancel accepted before kill -9 of the owner still ends the job cancelled', async () => {
    await run(copy(), new JobControl('pause', 0), new JobControl('cancel', 0), new KillOwner())
  }, 120_000)

  it('[cancel-survives-kill] the same for a job that ran when it was cancelled', async () => {
    // A module's unit cannot be stopped half-way: the cancel waits for it, and the kill lands meanwhile.
    const module = new CreateJob({ kind: 'module', units: 2, slots: 1, failures: 0, deadline: false, sleepMs: 900 })
    await run(module, new UntilStarted(0, 1), new JobControl('cancel', 0), new KillOwner())
  }, 120_000)

  it('[cancel-shows-no-running] the cancel of an interrupted job never shows it running', async () => {
    await run(copy(), new KillOwner(), new JobControl('cancel', 0))
  }, 120_000)
})

describe('jobs that follow jobs, against the model', () => {
  const follower = (pick: number, ok: boolean): CreateJob =>
    new CreateJob({ kind: 'probe', units: 2, slots: 1, failures: 0, deadline: false, sleepMs: 20 }, { pick, ok })

  it('[follows] a follower of a job killed -9 with its owner goes on once the owner serves again', async () => {
    await run(command({ units: 3 }), follower(0, true), new UntilStarted(0, 1), new KillOwner(), new LetTimePass(1500))
  }, 120_000)

  it('[follows] --after-ok of a job with errors is skipped; --after runs; a cancel of a waiting job holds', async () => {
    await run(
      command({ units: 2, failures: 1, sleepMs: 200 }),
      follower(0, true),
      follower(0, false),
      follower(2, false),
      new JobControl('cancel', 3),
      new LetTimePass(1500),
    )
  }, 120_000)

  it('[follows] a follower of a job that ran past its deadline waits for it, and goes on once it is resumed', async () => {
    // Found by `npm run fuzz` under load: a timed-out job may still be resumed, so its followers wait
    // (job-chains.ts); the model's settling now resumes it as it does an interrupted one. Four units of
    // 900 ms at one slot always outlast the 1.5 s deadline.
    await run(command({ units: 4, deadline: true }), follower(0, false), new LetTimePass(2500))
  }, 120_000)

  it('[follows] a follower of a job that passes its deadline while the sequence settles goes on', async () => {
    // Found by `npm run fuzz` (seed 1206): the job's deadline came after the settling had begun (the
    // worker killed was planning it), and the model's settling resumed only jobs at rest when it began.
    await run(command({ units: 2, deadline: true }), follower(0, false), new KillWorker('cpu', 0))
  }, 120_000)
})
