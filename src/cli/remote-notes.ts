import type { LogEntry } from '../shared/api-types'
import type { Farm } from '../core/farm'
import type { ProgressView } from './progress-view'

/**
 * What a command that runs its own farm says about the farm's remote work (`--redis`): the job may be
 * running without the hosts the command line asked for, or, with `--workers 0`, waiting for them.
 */

/** How long a job with no local workers waits before the command says no remote host serves it. */
const NO_HOSTS_NOTE_MS = 3000

/** The farm's warnings about remote work (Redis unreachable, a host refused). */
export const aboutRemoteWork = (e: LogEntry): boolean =>
  e.jobId === null && e.source === 'remote' && (e.level === 'warn' || e.level === 'error')

const heardEarly = new WeakMap<Farm, { entries: LogEntry[]; stop: () => void }>()

/**
 * Keeps what a just-opened farm says about its remote work until `showRemoteWork` listens: Redis
 * refuses a connection at once, while the command still makes its job.
 */
export function hearRemoteWork(farm: Farm): void {
  const entries: LogEntry[] = []
  const stop = farm.events.on('job.log', (batch) => entries.push(...batch.entries.filter(aboutRemoteWork)))
  heardEarly.set(farm, { entries, stop })
}

/**
 * Shows the farm's remote warnings, those heard before too. With no local workers, says once that the
 * job waits for remote hosts: at the first warning, or when no host serves the job's pool after a few
 * seconds (a Redis that answers but that no `task-farm worker` serves). Returns how to stop.
 */
export function showRemoteWork(farm: Farm, jobId: number, view: ProgressView, noLocalWorkers: boolean): () => void {
  let told = !noLocalWorkers
  const tell = (text: string): void => {
    if (told) return
    told = true
    view.note(`This command has no local workers (--workers 0): ${text} Ctrl-C stops it, resumable.`)
  }
  const show = (e: LogEntry): void => {
    view.log(e)
    tell('the job waits for remote hosts.')
  }
  const off = farm.events.on('job.log', ({ entries }) => entries.filter(aboutRemoteWork).forEach(show))
  const early = heardEarly.get(farm)
  early?.stop()
  early?.entries.forEach(show)
  const timer = noLocalWorkers
    ? setTimeout(() => {
        const pool = farm.summary(jobId).pool
        const hosts = farm.poolInfo().find((info) => info.name === pool)?.remoteHosts ?? []
        if (!hosts.some((host) => host.state === 'running'))
          tell(
            `no remote host serves its ${pool} pool yet, and the job waits for one (\`task-farm worker --redis URL --key-file remote.key\` with this history's key; docs/scale-out.md).`,
          )
      }, NO_HOSTS_NOTE_MS)
    : null
  return () => {
    off()
    if (timer) clearTimeout(timer)
  }
}
