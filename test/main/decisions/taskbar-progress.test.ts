import { describe, expect, it } from 'vitest'
import { taskbarProgress } from '../../../src/main/decisions/taskbar-progress'
import { job } from './job-summary'

describe('taskbarProgress', () => {
  it('hides the bar when nothing runs', () => {
    expect(taskbarProgress([])).toEqual({ value: -1, mode: 'none' })
    expect(taskbarProgress([job(1, 'completed')])).toEqual({ value: -1, mode: 'none' })
  })

  it('combines running jobs by bytes when all count bytes', () => {
    const a = job(1, 'running', { bytesTotal: 300, bytesDone: 100, itemsTotal: 1, itemsDone: 0 })
    const b = job(2, 'running', { bytesTotal: 100, bytesDone: 100, itemsTotal: 9, itemsDone: 9 })
    expect(taskbarProgress([a, b])).toEqual({ value: 0.5, mode: 'normal' })
  })

  it('falls back to items, counting failed items as handled', () => {
    const a = job(1, 'running', { itemsTotal: 10, itemsDone: 3, itemsFailed: 2 })
    expect(taskbarProgress([a, job(2, 'completed')])).toEqual({ value: 0.5, mode: 'normal' })
  })

  it('is indeterminate while a running job is still being planned', () => {
    expect(taskbarProgress([job(1, 'running', { planned: false, itemsTotal: 0, itemsDone: 0 })]).mode).toBe(
      'indeterminate',
    )
  })

  it('shows paused work as paused', () => {
    expect(taskbarProgress([job(1, 'paused', { itemsTotal: 4, itemsDone: 1 })])).toEqual({
      value: 0.25,
      mode: 'paused',
    })
  })
})
