import { describe, expect, it } from 'vitest'
import {
  describeEndedJobs,
  NotificationBatcher,
  type JobNotification,
} from '../../../src/main/decisions/notification-batch'
import { fakeSchedule } from '../../support/fake-schedule'
import { job } from './job-summary'

describe('describeEndedJobs', () => {
  it('says how one job ended and opens it', () => {
    expect(describeEndedJobs([job(1, 'completed')])).toEqual({
      title: 'Job completed',
      body: 'Job 1: 1,200 of 1,200 items done',
      jobId: 1,
    })
    expect(describeEndedJobs([job(2, 'completed-with-errors', { itemsDone: 1190, itemsFailed: 10 })])).toEqual({
      title: 'Job finished with errors',
      body: 'Job 2: 1,190 of 1,200 items done, 10 failed',
      jobId: 2,
    })
    expect(describeEndedJobs([job(3, 'failed', { error: 'Destination is full.' })])).toEqual({
      title: 'Job failed',
      body: 'Job 3: Destination is full.',
      jobId: 3,
    })
    const reason =
      'job 3 ended failed (Destination is full.), and this job was to run only if it completed without errors'
    expect(describeEndedJobs([job(4, 'skipped', { error: reason })])).toEqual({
      title: 'Job skipped',
      body: `Job 4: ${reason}`,
      jobId: 4,
    })
  })

  it('sums several jobs into one, opening the one that needs a look', () => {
    const ended = [job(1, 'completed'), job(2, 'failed'), job(3, 'completed'), job(4, 'completed-with-errors')]
    expect(describeEndedJobs(ended)).toEqual({
      title: '4 jobs ended',
      body: '2 completed, 1 with errors, 1 failed',
      jobId: 2,
    })
    expect(describeEndedJobs([job(1, 'completed'), job(2, 'completed')])?.jobId).toBeNull()
  })

  it('does not tell about cancelled or interrupted jobs', () => {
    expect(describeEndedJobs([job(1, 'cancelled'), job(2, 'interrupted')])).toBeNull()
  })
})

describe('NotificationBatcher', () => {
  function setup(enabled = true) {
    const clock = fakeSchedule()
    const shown: JobNotification[] = []
    let on = enabled
    const batcher = new NotificationBatcher({
      show: (n) => shown.push(n),
      enabled: () => on,
      schedule: clock.schedule,
      quietMs: 1000,
      maxWaitMs: 5000,
    })
    return { clock, shown, batcher, setEnabled: (v: boolean) => (on = v) }
  }

  it('batches jobs that end together into one notification', () => {
    const { clock, shown, batcher } = setup()
    batcher.jobEnded(job(1, 'completed'))
    clock.advance(500)
    batcher.jobEnded(job(2, 'completed'))
    clock.advance(500)
    batcher.jobEnded(job(3, 'failed'))
    expect(shown).toEqual([])
    clock.advance(1000)
    expect(shown).toEqual([{ title: '3 jobs ended', body: '2 completed, 1 failed', jobId: 3 }])
  })

  it('still shows something during a steady stream of ends', () => {
    const { clock, shown, batcher } = setup()
    for (let id = 1; id <= 6; id++) {
      batcher.jobEnded(job(id, 'completed'))
      clock.advance(900)
    }
    expect(shown.map((n) => n.title)).toEqual(['6 jobs ended'])
  })

  it('stays silent when switched off, even for jobs already waiting', () => {
    const off = setup(false)
    off.batcher.jobEnded(job(1, 'completed'))
    off.clock.advance(10_000)
    expect(off.shown).toEqual([])

    const turnedOff = setup(true)
    turnedOff.batcher.jobEnded(job(1, 'completed'))
    turnedOff.setEnabled(false)
    turnedOff.clock.advance(10_000)
    expect(turnedOff.shown).toEqual([])
  })

  it('tells about a job that asked (--then-notify) even when switched off, and about an empty queue', () => {
    const { clock, shown, batcher } = setup(false)
    batcher.jobEnded(job(1, 'completed'))
    batcher.jobEnded(job(2, 'completed', { then: { notify: true } }))
    clock.advance(10_000)
    expect(shown).toEqual([{ title: 'Job completed', body: 'Job 2: 1,200 of 1,200 items done', jobId: 2 }])
    batcher.queueEmptied()
    expect(shown.at(-1)).toMatchObject({ title: 'All jobs ended', jobId: null })
  })
})
