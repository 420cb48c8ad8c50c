import { describe, expect, it } from 'vitest'
import { WorkerUsage, type ReadUsage } from '../../src/core/worker-usage'
import { until } from '../support/test-farm'

describe('the workers sampler', () => {
  it('reads every worker in one call per sample (on Windows each call starts wmic)', async () => {
    const calls: number[][] = []
    const read: ReadUsage = async (pids) => {
      calls.push(pids)
      return Object.fromEntries(pids.map((pid) => [pid, { cpu: pid / 10, memory: pid * 1000 }]))
    }
    let samples = 0
    const usage = new WorkerUsage(
      () => [11, 12, 13],
      () => samples++,
      10,
      read,
    )
    try {
      await until(() => samples >= 2, 'two samples')
      expect(calls.every((pids) => pids.length === 3)).toBe(true)
      expect(calls.length).toBe(samples)
      expect(usage.of(12)).toEqual({ cpuPercent: 1.2, memoryBytes: 12_000 })
    } finally {
      usage.close()
    }
  })

  it('still reads the others when one worker ended between listing and reading', async () => {
    const read: ReadUsage = async (pids) => {
      if (pids.includes(99)) throw new Error('No matching pid found')
      return Object.fromEntries(pids.map((pid) => [pid, { cpu: 1, memory: 2 }]))
    }
    let samples = 0
    const usage = new WorkerUsage(
      () => [11, 99],
      () => samples++,
      10,
      read,
    )
    try {
      await until(() => samples >= 1, 'a sample')
      expect(usage.of(11)).toEqual({ cpuPercent: 1, memoryBytes: 2 })
      expect(usage.of(99)).toBeUndefined()
    } finally {
      usage.close()
    }
  })
})
