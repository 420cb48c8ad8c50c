import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { JobDetail, JobSummary, LogEntry } from '../../../shared/api-types'
import type { JobStats } from '../../../shared/job-stats'
import type { LogLevel } from '../../../shared/job-state'
import { logLevels } from '../../../shared/job-state'
import { farmApi } from '../api/ui-api'

/** Lines kept in memory for one job's live log; older ones stay in the store on disk. */
const maxLogLines = 20_000

/** The job shown in Job detail: its spec and timeline, and its log as it grows. */
export const useJobDetailStore = defineStore('job-detail', () => {
  const jobId = ref<number | null>(null)
  const detail = ref<JobDetail | null>(null)
  const error = ref<string | null>(null)
  // A shallow array: thousands of log lines need no deep reactivity, only "it changed".
  const logs = shallowRef<LogEntry[]>([])
  const minLevel = ref<LogLevel>('debug')
  const search = ref('')
  /** The tab shown, and the breakdown group its rows are filtered to (a click on a chart sets both). */
  const tab = ref<'overview' | 'logs' | 'items'>('overview')
  const group = ref<string | null>(null)
  const stats = ref<JobStats | null>(null)

  const visibleLogs = computed(() => {
    const floor = logLevels.indexOf(minLevel.value)
    const text = search.value.trim().toLowerCase()
    return logs.value.filter(
      (l) => logLevels.indexOf(l.level) >= floor && (!text || l.message.toLowerCase().includes(text)),
    )
  })

  async function open(id: number): Promise<void> {
    jobId.value = id
    detail.value = null
    error.value = null
    logs.value = []
    stats.value = null
    group.value = null
    tab.value = 'overview'
    try {
      const [job, { logs: first }] = await Promise.all([
        farmApi().call('jobs.get', { jobId: id }),
        // The newest lines: live ones follow on from them without a gap, and opening stays quick.
        farmApi().call('jobs.logs', { jobId: id, limit: 2000, tail: true }),
      ])
      if (jobId.value !== id) return
      detail.value = job
      appendLogs(first)
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }
  async function reload(): Promise<void> {
    if (jobId.value === null) return
    const job = await farmApi().call('jobs.get', { jobId: jobId.value })
    if (job.id === jobId.value) detail.value = job
  }
  /** The job's chart aggregates, read anew while it runs and when it ends. */
  async function loadStats(): Promise<void> {
    const id = jobId.value
    if (id === null) return
    try {
      const next = await farmApi().call('stats.job', { jobId: id })
      if (jobId.value === id) stats.value = next
    } catch {
      // The charts keep what they showed (the link may be down, the job removed): the page says why.
    }
  }
  function showGroup(next: string | null): void {
    group.value = next
    tab.value = 'items'
  }
  function close(): void {
    jobId.value = null
    detail.value = null
    logs.value = []
  }

  function appendLogs(entries: LogEntry[]): void {
    const mine = entries.filter((e) => e.jobId === jobId.value)
    if (mine.length === 0) return
    const lastId = logs.value.at(-1)?.id ?? 0
    const fresh = mine.filter((e) => e.id > lastId)
    if (fresh.length === 0) return
    const next = logs.value.length + fresh.length > maxLogLines ? logs.value.slice(-maxLogLines / 2) : logs.value
    next.push(...fresh)
    logs.value = next
    triggerRef(logs)
  }
  /** A summary event: the live numbers of the open job, without refetching its spec. */
  function applySummary(job: JobSummary): void {
    if (detail.value && job.id === detail.value.id) detail.value = { ...detail.value, ...job }
  }

  return {
    jobId,
    detail,
    error,
    logs,
    minLevel,
    search,
    tab,
    group,
    stats,
    visibleLogs,
    open,
    reload,
    loadStats,
    showGroup,
    close,
    appendLogs,
    applySummary,
  }
})
