import { dialog, type BrowserWindow } from 'electron'
import type { JobState } from '../shared/job-state'
import {
  quitChoice,
  quitPrompt,
  quitQuestionHasParent,
  type QuitChoice,
  type WindowFacts,
} from './decisions/quit-decision'
import { rememberJobsToResume } from './decisions/resume-on-start'
import type { ApiHandlers } from './ipc-bridge'

const activeStates: JobState[] = ['running', 'queued']

/**
 * Quitting with jobs under way asks first. Pause: the farm stops them as `interrupted` and the
 * next start resumes exactly these; cancel: they stop for good. Returns false to stay open.
 */
export async function settleJobsBeforeQuit(options: {
  api: ApiHandlers
  window: BrowserWindow | null
  resumeFile: string
}): Promise<Exclude<QuitChoice, 'stay'> | null> {
  const { jobs } = (await options.api.handle('jobs.list', { states: activeStates, limit: 1000 })) as {
    jobs: { id: number; state: JobState }[]
  }
  const running = jobs.filter((job) => job.state === 'running')
  const prompt = quitPrompt(running.length)
  let response: number | null = null
  if (prompt) {
    const parent = quitQuestionHasParent(windowFacts(options.window)) ? options.window : null
    const dialogOptions = { type: 'question' as const, noLink: true, ...prompt }
    response = (
      parent ? await dialog.showMessageBox(parent, dialogOptions) : await dialog.showMessageBox(dialogOptions)
    ).response
  }
  const choice = quitChoice(running.length, response)
  if (choice === 'stay') return null
  if (choice === 'pause')
    rememberJobsToResume(
      options.resumeFile,
      running.map((job) => job.id),
    )
  if (choice === 'cancel') {
    for (const job of jobs) await options.api.handle('jobs.cancel', { jobId: job.id }).catch(() => undefined)
  }
  return choice
}

function windowFacts(window: BrowserWindow | null): WindowFacts | null {
  if (!window) return null
  if (window.isDestroyed()) return { destroyed: true, visible: false, minimized: false }
  return { destroyed: false, visible: window.isVisible(), minimized: window.isMinimized() }
}

/**
 * Logout, shutdown, a signal: no question, every running job is paused for the next start (those
 * `seen` running a moment ago too, already written down in case the OS does not wait for this).
 */
export async function pauseRunningJobs(options: {
  api: ApiHandlers
  resumeFile: string
  seen: number[]
}): Promise<void> {
  const { jobs } = await options.api.handle('jobs.list', { states: ['running'], limit: 1000, offset: 0 })
  rememberJobsToResume(options.resumeFile, [...options.seen, ...jobs.map((job) => job.id)])
}
