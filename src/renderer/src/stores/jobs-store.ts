import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { JobSummary } from '../../../shared/api-types'
import { isFinished } from '../../../shared/job-state'
import { farmApi } from '../api/ui-api'

/** How many finished jobs the Jobs view keeps beside the live ones; History has the rest. */
const recentFinished = 50

/** Queued, running and recent jobs, kept current by `job.*` events. */
export const useJobsStore = defineStore('jobs', () => {
  const byId = ref<Record<number, JobSummary>>({})

  const jobs = computed(() => Object.values(byId.value).sort((a, b) => b.id - a.id))
  const active = computed(() => jobs.value.filter((j) => !isFinished(j.state)))
  const finished = computed(() => jobs.value.filter((j) => isFinished(j.state)).slice(0, recentFinished))
  const runningCount = computed(() => active.value.filter((j) => j.state === 'running').length)

  async function refresh(): Promise<void> {
    const { jobs: list } = await farmApi().call('jobs.list', { limit: 200 })
    byId.value = Object.fromEntries(list.map((j) => [j.id, j]))
  }
  function apply(job: JobSummary): void {
    byId.value[job.id] = job
  }
  function forget(jobId: number): void {
    delete byId.value[jobId]
  }

  const act = (channel: 'jobs.pause' | 'jobs.resume' | 'jobs.cancel' | 'jobs.retry') => (jobId: number) =>
    farmApi().call(channel, { jobId })

  return {
    byId,
    jobs,
    active,
    finished,
    runningCount,
    refresh,
    apply,
    forget,
    pause: act('jobs.pause'),
    resume: act('jobs.resume'),
    cancel: act('jobs.cancel'),
    retry: act('jobs.retry'),
    async remove(jobId: number) {
      await farmApi().call('jobs.remove', { jobId })
      forget(jobId)
    },
    rerun: async (jobId: number) => (await farmApi().call('jobs.rerun', { jobId })).jobId,
  }
})
