import { describe, expect, it } from 'vitest'
import type { PoolInfo } from '../../../src/shared/api-types'
import { farmCounts, trayMenu, trayTooltip } from '../../../src/main/decisions/tray-label'

function pool(name: PoolInfo['name'], runningJobs: number, queuedJobs: number, paused = false): PoolInfo {
  return {
    name,
    size: 2,
    paused,
    closed: false,
    maxRunningJobs: 2,
    maxTasksPerWorker: 0,
    tasksPerWorker: 1,
    runningJobs,
    queuedJobs,
    workers: [],
  }
}

describe('tray label', () => {
  it('counts running and queued jobs over every pool', () => {
    const counts = farmCounts([pool('disk', 1, 2), pool('network', 2, 0)])
    expect(counts).toEqual({ running: 3, queued: 2, waiting: 0, allPaused: false, anyPaused: false })
    expect(trayTooltip(counts)).toBe('Task Farm — 3 running, 2 queued')
  })

  it('says idle or paused when nothing runs', () => {
    expect(trayTooltip(farmCounts([pool('disk', 0, 0)]))).toBe('Task Farm — idle')
    expect(trayTooltip(farmCounts([pool('disk', 0, 0, true)]))).toBe('Task Farm — paused')
    expect(trayTooltip(farmCounts([pool('disk', 0, 3, true), pool('network', 1, 0)]))).toBe(
      'Task Farm — 1 running, 3 queued, some pools paused',
    )
    expect(trayTooltip(farmCounts([]))).toBe('Task Farm — idle')
  })

  it('offers only the pause or resume that would change something', () => {
    const enabled = (pools: PoolInfo[]) =>
      trayMenu(farmCounts(pools)).flatMap((e) => ('action' in e && e.enabled ? [e.action] : []))
    expect(enabled([pool('disk', 1, 0)])).toEqual(['show', 'pause-all', 'quit'])
    expect(enabled([pool('disk', 0, 0, true)])).toEqual(['show', 'resume-all', 'quit'])
    expect(enabled([pool('disk', 0, 0, true), pool('network', 0, 0)])).toEqual([
      'show',
      'pause-all',
      'resume-all',
      'quit',
    ])
  })

  it('warns in the quit entry that jobs are running, and changes when counts change', () => {
    const quit = (pools: PoolInfo[]) => trayMenu(farmCounts(pools)).find((e) => 'action' in e && e.action === 'quit')
    expect(quit([pool('disk', 2, 1)])).toMatchObject({ label: 'Quit (2 running)…' })
    expect(quit([pool('disk', 0, 0)])).toMatchObject({ label: 'Quit' })
  })
})
