import { defineStore } from 'pinia'
import { markRaw, shallowReactive } from 'vue'
import type { JobSummary, PoolInfo } from '../../../shared/api-types'
import { hasEnded } from '../../../shared/job-state'
import { RingBuffer } from '../charts/ring-buffer'

/** One second per sample, five minutes kept: enough for a trend, cheap to draw. */
export const sampleEveryMs = 1000
export const samplesKept = 300

export interface JobSample {
  at: number
  itemRate: number
  byteRate: number
  /** When the job would end, as estimated at `at`; null when there is no estimate. */
  endsAt: number | null
}
export interface PoolSample {
  at: number
  workers: { id: number; cpuPercent: number | null; memoryBytes: number | null; busy: boolean }[]
}

/**
 * Recent history of what the farm's events said, for the live charts: every job's rates and every
 * pool's workers, at most one sample a second each, in ring buffers outside Vue's reactivity. A
 * chart reads `version[key]`, which moves when its buffer gets a sample.
 */
export const useSamplesStore = defineStore('samples', () => {
  const jobs = markRaw(new Map<number, RingBuffer<JobSample>>())
  const pools = markRaw(new Map<string, RingBuffer<PoolSample>>())
  const version = shallowReactive<Record<string, number>>({})
  const bump = (key: string): void => void (version[key] = (version[key] ?? 0) + 1)

  function recordJob(job: JobSummary, now = Date.now()): void {
    if (job.state !== 'running' && !jobs.has(job.id)) return
    const ring = jobs.get(job.id) ?? new RingBuffer<JobSample>(samplesKept)
    jobs.set(job.id, ring)
    const last = ring.last()
    // A job's end always lands, so the line drops to where it stopped.
    if (last && now - last.at < sampleEveryMs && !hasEnded(job.state)) return
    const live = job.state === 'running'
    ring.push({
      at: now,
      itemRate: live ? job.itemRate : 0,
      byteRate: live ? job.byteRate : 0,
      endsAt: live && job.etaMs !== null ? now + job.etaMs : null,
    })
    bump(`job:${job.id}`)
  }

  function recordPool(pool: PoolInfo, now = Date.now()): void {
    const ring = pools.get(pool.name) ?? new RingBuffer<PoolSample>(samplesKept)
    pools.set(pool.name, ring)
    const last = ring.last()
    if (last && now - last.at < sampleEveryMs) return
    ring.push({
      at: now,
      workers: pool.workers.map((w) => ({
        id: w.id,
        cpuPercent: w.cpuPercent,
        memoryBytes: w.memoryBytes,
        busy: w.state === 'busy',
      })),
    })
    bump(`pool:${pool.name}`)
  }

  return {
    version,
    recordJob,
    recordPool,
    jobSamples: (jobId: number): JobSample[] => jobs.get(jobId)?.toArray() ?? [],
    poolSamples: (name: string): PoolSample[] => pools.get(name)?.toArray() ?? [],
    forgetJob: (jobId: number) => void jobs.delete(jobId),
  }
})
