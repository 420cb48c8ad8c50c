import { describe, expect, it } from 'vitest'
import { EventThrottle } from '../../src/core/event-throttle'
import { fakeSchedule } from '../support/fake-schedule'

describe('EventThrottle', () => {
  function setup() {
    const clock = fakeSchedule()
    const sent: [string, unknown][] = []
    const throttle = new EventThrottle<string>({
      send: (event, payload) => sent.push([event, payload]),
      stateKey: (event, payload) => (event === 'job.updated' ? `job:${(payload as { id: number }).id}` : null),
      schedule: clock.schedule,
      intervalMs: 100,
    })
    return { clock, sent, throttle }
  }

  it('sends only the latest state per key, at most once per interval', () => {
    const { clock, sent, throttle } = setup()
    for (let done = 1; done <= 50; done++) throttle.push('job.updated', { id: 1, done })
    throttle.push('job.updated', { id: 2, done: 7 })
    expect(sent).toEqual([])
    clock.advance(100)
    expect(sent).toEqual([
      ['job.updated', { id: 1, done: 50 }],
      ['job.updated', { id: 2, done: 7 }],
    ])
  })

  it('lets other events through at once, after the states they would overtake', () => {
    const { clock, sent, throttle } = setup()
    throttle.push('job.updated', { id: 1, done: 9 })
    throttle.push('job.ended', { id: 1 })
    expect(sent).toEqual([
      ['job.updated', { id: 1, done: 9 }],
      ['job.ended', { id: 1 }],
    ])
    clock.advance(100)
    expect(sent).toHaveLength(2)
  })
})
